"""Sessions (list, end, sign out everywhere), password change, and API tokens (several,
named, hashed, shown once, expiring, revocable) — Preferences → Security and /api/v1/tokens/."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.forms import SetPasswordForm
from django.db import connection
from django.test import Client
from freezegun import freeze_time
from rest_framework.test import APIClient

from beachhead.core import sessions, tokens
from beachhead.core.models import ApiToken, User, UserSession
from beachhead.core.services import do_deactivate_person, do_issue_token
from beachhead.core.tests import openapi
from beachhead.core.tests.pages import ok_html

PASSWORD = "A-long-test-passphrase-42"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", username="ada")


@pytest.fixture
def aoi(make_user) -> User:
    return make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")


def browser(user: User, agent: str = CHROME_MAC, ip: str = "203.0.113.7") -> Client:
    """A client signed in through the login form, as a browser at ``ip`` would."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def token_client(key: str, keyword: str = "Token") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


def signed_in(client: Client) -> bool:
    response = client.get("/preferences/")
    return response.status_code == 200


# --- API tokens ------------------------------------------------------------------------------


def test_a_person_has_several_named_tokens_that_each_work(aoi):
    # given
    _first, key1 = tokens.do_create_token(aoi, name="Reporting script")
    _second, key2 = tokens.do_create_token(aoi, name="Zapier", expires_in_days=None)

    # when
    answers = [token_client(key).get("/api/v1/me/") for key in (key1, key2)]

    # then
    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(aoi.api_tokens.values_list("name", flat=True)) == ["Reporting script", "Zapier"]


def test_the_database_keeps_only_a_hash_of_the_key(aoi):
    # when
    token, key = tokens.do_create_token(aoi, name="CI")

    # then: the row holds the SHA-256 and the first characters, never the key
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in repr(row)
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:8]
    assert key.startswith("bh_")
    assert len(key) == 43
    # … nor in any table of the database
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            q = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {q}")  # noqa: S608 (the database's own tables)
            assert key not in repr(cursor.fetchall()), table


def test_bearer_works_like_token(aoi):
    # given
    key = do_issue_token(aoi)

    # when
    response = token_client(key, "Bearer").get("/api/v1/me/")

    # then
    assert response.status_code == 200
    assert response.json()["username"] == "aoi"


def test_request_auth_is_the_api_token(aoi, rf):
    # given: rate limits per token key on request.auth.pk
    from beachhead.core.api.authentication import ApiTokenAuthentication

    token, key = tokens.do_create_token(aoi, name="CI")
    request = rf.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    # when
    user, auth = ApiTokenAuthentication().authenticate(request)

    # then
    assert user == aoi
    assert isinstance(auth, ApiToken)
    assert auth.pk == token.pk


def test_an_expired_token_is_401(aoi):
    # given: a 30-day token
    with freeze_time(T0):
        _token, key = tokens.do_create_token(aoi, name="Short", expires_in_days=30)
        assert token_client(key).get("/api/v1/me/").status_code == 200

    # when: 30 days later
    with freeze_time(T0 + dt.timedelta(days=30, seconds=1)):
        response = token_client(key).get("/api/v1/me/")

    # then
    data = openapi.check_error(response, 401)
    assert data["message"] == "This token has expired."


def test_a_revoked_token_is_401(aoi):
    # given
    token, key = tokens.do_create_token(aoi, name="Old laptop")
    assert token_client(key).get("/api/v1/me/").status_code == 200

    # when
    tokens.do_revoke_token(token, aoi)

    # then
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    token.refresh_from_db()
    assert token.revoked_because == ApiToken.RevokedBecause.OWNER


def test_last_used_is_written_at_most_once_a_minute(aoi):
    # given
    token, key = tokens.do_create_token(aoi, name="Cron")
    assert token.last_used_at is None

    # when: three calls within a minute, then one a minute later
    with freeze_time(T0):
        token_client(key).get("/api/v1/me/")
    with freeze_time(T0 + dt.timedelta(seconds=59)):
        token_client(key).get("/api/v1/me/")
    token.refresh_from_db()
    first = token.last_used_at
    with freeze_time(T0 + dt.timedelta(seconds=61)):
        token_client(key).get("/api/v1/me/")

    # then
    assert first == T0
    token.refresh_from_db()
    assert token.last_used_at == T0 + dt.timedelta(seconds=61)


def test_deactivating_a_person_revokes_their_tokens(aoi, admin):
    # given
    key = do_issue_token(aoi)

    # when
    do_deactivate_person(aoi, admin)

    # then
    assert aoi.api_tokens.get().revoked_because == ApiToken.RevokedBecause.DEACTIVATED
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)


def test_the_tokens_page_shows_the_key_once(aoi):
    # given
    client = browser(aoi)

    # when: making a token
    response = client.post("/preferences/tokens/", {"name": "Reporting script", "expires": "90"})

    # then: the key is on that answer, and never again
    html = ok_html(response)
    key = re.search(r'value="(bh_[A-Za-z0-9]{40})"', html).group(1)
    assert "Copy your token" in html
    assert token_client(key).get("/api/v1/me/").status_code == 200
    again = ok_html(client.get("/preferences/tokens/"))
    assert key not in again
    assert "Reporting script" in again
    assert key[:8] in again
    token = ApiToken.objects.get()
    assert token.expires_at.date() == (token.created_at + dt.timedelta(days=90)).date()


def test_the_tokens_page_refuses_a_token_without_a_name(aoi):
    # when
    response = browser(aoi).post("/preferences/tokens/", {"name": " ", "expires": "never"})

    # then
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_tokens_page_revokes_a_token(aoi, make_user):
    # given
    token, key = tokens.do_create_token(aoi, name="CI")
    client = browser(aoi)

    # when
    response = client.post(f"/preferences/tokens/{token.pk}/revoke/")

    # then
    assert response.status_code == 302
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    # someone else's token is not found
    other, _key = tokens.do_create_token(make_user("support_agent", ["JP"]), name="x")
    assert client.post(f"/preferences/tokens/{other.pk}/revoke/").status_code == 404


def test_the_tokens_page_queries_do_not_grow_with_the_tokens(aoi, django_assert_max_num_queries):
    # given
    client = browser(aoi)
    for i in range(12):
        tokens.do_create_token(aoi, name=f"Token {i}")

    # then: session, user, tokens, and the shell's own few
    with django_assert_max_num_queries(12):
        ok_html(client.get("/preferences/tokens/"))


# --- API tokens through the API --------------------------------------------------------------


def test_api_lists_creates_and_revokes_tokens(aoi):
    # given: a browser session may make a token
    client = APIClient()
    client.force_login(aoi)

    # when
    created = client.post("/api/v1/tokens/", {"name": "Sheets", "expires_in_days": 30})

    # then
    assert created.status_code == 201, created.content
    body = openapi.check(created, "post")
    key = body["key"]
    assert body["name"] == "Sheets"
    assert body["prefix"] == key[:8]
    listed = openapi.check(token_client(key).get("/api/v1/tokens/"))
    assert [t["name"] for t in listed["results"]] == ["Sheets"]
    assert "key" not in listed["results"][0]

    # when: the token revokes itself
    response = token_client(key).delete(f"/api/v1/tokens/{body['id']}/")

    # then
    assert response.status_code == 204
    openapi.check_error(token_client(key).get("/api/v1/tokens/"), 401)


def test_a_token_cannot_make_another_token(aoi):
    # given
    key = do_issue_token(aoi)

    # when
    response = token_client(key).post("/api/v1/tokens/", {"name": "Escape"}, format="json")

    # then
    openapi.check_error(response, 403)
    assert aoi.api_tokens.count() == 1


def test_api_cannot_revoke_someone_elses_token(aoi, make_user):
    # given
    other, _key = tokens.do_create_token(make_user("support_agent", ["JP"]), name="x")

    # when
    response = token_client(do_issue_token(aoi)).delete(f"/api/v1/tokens/{other.pk}/")

    # then
    openapi.check_error(response, 404)
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.django_db(transaction=True)  # MariaDB commits on CREATE TABLE
def test_drf_tokens_are_copied_hashed_and_keep_working(aoi):
    # given: a database that had DRF's authtoken table with a key in clear
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp,"
            " user_id integer)"
            if connection.vendor != "mysql"
            else "CREATE TABLE authtoken_token (`key` varchar(40) PRIMARY KEY, created datetime,"
            " user_id integer)"
        )
        q = connection.ops.quote_name
        cursor.execute(
            f"INSERT INTO authtoken_token ({q('key')}, created, user_id) VALUES (%s, %s, %s)",  # noqa: S608
            [key, "2025-01-02 03:04:05", aoi.pk],
        )

    # when
    copied = tokens.copy_drf_tokens(connection, ApiToken, T0)

    # then
    assert copied == 1
    token = ApiToken.objects.get()
    assert token.name == "Migrated token"
    assert token.expires_at is None
    assert token.created_at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert token_client(key).get("/api/v1/me/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
        cursor.execute("DROP TABLE authtoken_token")


# --- Sessions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "label", "icon"),
    [
        (CHROME_MAC, "Chrome on macOS", "device-desktop"),
        (SAFARI_IPHONE, "Safari on iOS", "device-mobile"),
        (FIREFOX_WINDOWS, "Firefox on Windows", "device-desktop"),
        ("", "Unknown device", "world"),
    ],
)
def test_a_device_is_named_from_its_user_agent(agent, label, icon):
    found = sessions.device(agent)
    assert (found.label, found.icon) == (label, icon)


def test_signing_in_records_the_session_and_signing_out_forgets_it(aoi):
    # when
    client = browser(aoi, ip="198.51.100.4")

    # then
    row = UserSession.objects.get()
    assert row.user == aoi
    assert str(row.ip) == "198.51.100.4"
    assert "Chrome" in row.user_agent
    assert row.session_key == client.session.session_key

    # when
    client.post("/logout/")

    # then
    assert not UserSession.objects.exists()


def test_the_sessions_page_lists_devices_and_marks_this_one(aoi):
    # given: signed in on a Mac and an iPhone
    mac = browser(aoi, CHROME_MAC, "203.0.113.7")
    browser(aoi, SAFARI_IPHONE, "198.51.100.23")

    # when
    html = ok_html(mac.get("/preferences/sessions/"))

    # then
    assert "Chrome on macOS" in html
    assert "203.0.113.7" in html
    assert "Safari on iOS" in html
    assert "198.51.100.23" in html
    assert html.count("This session") == 1
    assert html.index("Chrome on macOS") < html.index("This session") < html.index("Safari on iOS")


def test_last_seen_is_touched_at_most_once_a_minute(aoi, django_assert_num_queries):
    # given
    with freeze_time(T0):
        client = browser(aoi)
    row = UserSession.objects.get()

    # when: a request within the minute, then one after
    with freeze_time(T0 + dt.timedelta(seconds=30)):
        client.get("/preferences/")
    row.refresh_from_db()
    within = row.last_seen_at
    with freeze_time(T0 + dt.timedelta(seconds=90)):
        client.get("/preferences/")

    # then
    assert within == T0
    row.refresh_from_db()
    assert row.last_seen_at == T0 + dt.timedelta(seconds=90)


def test_a_person_ends_one_of_their_sessions(aoi):
    # given
    mac = browser(aoi, CHROME_MAC)
    phone = browser(aoi, SAFARI_IPHONE)
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)

    # when
    response = mac.post(f"/preferences/sessions/{phone_row.pk}/end/")

    # then: the phone is signed out at its next request, the Mac is not
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(mac)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        mac.session.session_key
    ]


def test_sign_out_everywhere_else(aoi):
    # given
    mac = browser(aoi, CHROME_MAC)
    others = [browser(aoi, SAFARI_IPHONE), browser(aoi, FIREFOX_WINDOWS)]

    # when
    mac.post("/preferences/sessions/end-others/")

    # then
    assert [signed_in(c) for c in others] == [False, False]
    assert signed_in(mac)


def test_nobody_ends_someone_elses_session(aoi, make_user):
    # given
    other = browser(make_user("support_agent", ["JP"]))
    row = UserSession.objects.get(session_key=other.session.session_key)

    # when
    response = browser(aoi).post(f"/preferences/sessions/{row.pk}/end/")

    # then
    assert response.status_code == 404
    assert signed_in(other)


def test_an_admin_ends_a_persons_sessions_and_it_is_audited(aoi, admin):
    # given
    phone, mac = browser(aoi, SAFARI_IPHONE), browser(aoi, CHROME_MAC)
    admin_client = Client()
    admin_client.force_login(admin)
    assert "Safari on iOS" in ok_html(admin_client.get(f"/settings/people/{aoi.pk}/"))

    # when
    response = admin_client.post(f"/settings/people/{aoi.pk}/sessions/end/")

    # then
    assert response.status_code == 302
    assert not signed_in(phone)
    assert not signed_in(mac)
    entries = LogEntry.objects.filter(object_pk=str(aoi.pk), content_type__model="user")
    entry = entries.get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin
    assert entry.changes["sessions"] == ["2", "0"]


def test_only_an_admin_ends_someone_elses_sessions(aoi, make_user):
    # given
    phone = browser(aoi, SAFARI_IPHONE)
    manager = Client()
    manager.force_login(make_user("regional_manager", ["JP"]))

    # when
    response = manager.post(f"/settings/people/{aoi.pk}/sessions/end/")

    # then
    assert response.status_code == 403
    assert signed_in(phone)


def test_the_sessions_page_queries_do_not_grow_with_the_sessions(
    aoi, django_assert_max_num_queries
):
    # given
    client = browser(aoi)
    for _i in range(8):
        browser(aoi, SAFARI_IPHONE)

    # then
    with django_assert_max_num_queries(10):
        html = ok_html(client.get("/preferences/sessions/"))
    assert html.count('data-testid="session"') == 9


# --- Password change -------------------------------------------------------------------------


def test_preferences_link_to_security_and_count_working_tokens(aoi):
    # given: two working tokens and an expired one
    with freeze_time(T0 - dt.timedelta(days=60)):
        tokens.do_create_token(aoi, name="Old", expires_in_days=30)
    tokens.do_create_token(aoi, name="A")
    tokens.do_create_token(aoi, name="B", expires_in_days=None)
    client = browser(aoi)

    # when
    html = ok_html(client.get("/preferences/"))

    # then
    for url in ("/preferences/password/", "/preferences/sessions/", "/preferences/tokens/"):
        assert url in html
    assert "2 active tokens" in html
    assert "Signed in on 1 device" in html
    assert "Change your password" in ok_html(client.get("/preferences/password/"))


def test_a_password_change_ends_other_sessions_and_kills_tokens(aoi):
    # given: a token that works, and two browsers
    key = do_issue_token(aoi)
    assert token_client(key).get("/api/v1/me/").status_code == 200
    mac, phone = browser(aoi, CHROME_MAC), browser(aoi, SAFARI_IPHONE)

    # when: changing the password on the Mac
    new = "Another-long-passphrase-77"
    response = mac.post(
        "/preferences/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    # then
    assert response.status_code == 302
    aoi.refresh_from_db()
    assert aoi.check_password(new)
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    assert not signed_in(phone)
    assert signed_in(mac)
    # the Mac's session is still listed, under its new key
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        mac.session.session_key
    ]
    assert aoi.api_tokens.get().revoked_because == ApiToken.RevokedBecause.PASSWORD


def test_a_wrong_old_password_changes_nothing(aoi):
    # given
    key = do_issue_token(aoi)
    mac = browser(aoi)

    # when
    response = mac.post(
        "/preferences/password/",
        {
            "old_password": "wrong",
            "new_password1": "X-new-pass-991",
            "new_password2": "X-new-pass-991",
        },
    )

    # then
    assert response.status_code == 200
    assert token_client(key).get("/api/v1/me/").status_code == 200


def test_a_password_reset_ends_sessions_and_kills_tokens(aoi):
    # given
    from django.core import mail

    key = do_issue_token(aoi)
    phone = browser(aoi, SAFARI_IPHONE)
    client = Client()
    client.post("/password/reset/", {"email": "aoi@example.com"})
    link = re.search(r"(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    # when
    new = "Another-long-passphrase-77"
    client.post(form_url, {"new_password1": new, "new_password2": new})

    # then
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    assert not signed_in(phone)
    assert not UserSession.objects.exists()


def test_an_admin_setting_a_password_kills_tokens_and_sessions(aoi):
    # given: the form the Django admin and `changepassword` use
    key = do_issue_token(aoi)
    phone = browser(aoi, SAFARI_IPHONE)
    form = SetPasswordForm(
        aoi, {"new_password1": "Set-by-admin-2026", "new_password2": "Set-by-admin-2026"}
    )
    assert form.is_valid()

    # when
    form.save()

    # then
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    assert not signed_in(phone)


def test_signing_in_again_with_an_upgraded_hash_keeps_tokens(aoi, settings):
    # given: a login that re-hashes the password (same password): not a change
    key = do_issue_token(aoi)
    aoi.refresh_from_db()

    # when
    browser(aoi)

    # then
    assert token_client(key).get("/api/v1/me/").status_code == 200


# --- beachhead tokens ------------------------------------------------------------------------


def test_the_tokens_command_makes_lists_and_revokes(aoi):
    from io import StringIO

    from django.core.management import call_command

    def run(*args):
        out = StringIO()
        call_command("tokens", *args, stdout=out)
        return out.getvalue()

    # when: making one
    out = run("--user", "aoi", "--new", "Nightly export", "--days", "7")

    # then
    key = re.search(r"^Token: (bh_\w+)$", out, re.MULTILINE).group(1)
    assert token_client(key).get("/api/v1/me/").status_code == 200
    listing = run()
    assert "Nightly export" in listing
    assert key[:8] in listing
    assert key not in listing

    # when: revoking it
    token = ApiToken.objects.get()
    run("--revoke", str(token.pk))

    # then
    openapi.check_error(token_client(key).get("/api/v1/me/"), 401)
    assert "Nightly export" not in run()
    assert "revoked" in run("--all")


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(aoi, settings):
    """ASVS 7.3.1: four idle hours (the default) end a session; activity keeps it."""
    settings.BEACHHEAD_SESSION_IDLE_MINUTES = 240
    with freeze_time(T0):
        client = browser(aoi)
    with freeze_time(T0 + dt.timedelta(hours=3, minutes=59)):
        assert client.get("/preferences/").status_code == 200
    with freeze_time(T0 + dt.timedelta(hours=7, minutes=58)):  # idle 3h59 since the last
        assert client.get("/preferences/").status_code == 200
    with freeze_time(T0 + dt.timedelta(hours=12, minutes=0)):  # idle 4h02
        response = client.get("/preferences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not UserSession.objects.filter(user=aoi).exists()


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(aoi, settings):
    """ASVS 7.3.2: the cookie's age restarts at every write, so the limit counts from sign-in."""
    settings.BEACHHEAD_SESSION_IDLE_MINUTES = 240
    with freeze_time(T0):
        client = browser(aoi)
    for hour in range(1, 12):
        with freeze_time(T0 + dt.timedelta(hours=hour)):
            assert client.get("/preferences/").status_code == 200
    with freeze_time(T0 + dt.timedelta(hours=12, minutes=1)):
        assert client.get("/preferences/").status_code == 302
