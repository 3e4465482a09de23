"""Signing in and out, brute-force protection, password reset, language and preferences."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from beachhead.core.models import User
from beachhead.core.tests.pages import ok_html

PASSWORD = "A-long-test-passphrase-42"  # the password conftest's make_user gives everyone


@pytest.fixture
def agent(make_user) -> User:
    return make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")


def _login(client, username, password, address="127.0.0.1", **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Login and logout ------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_a_form(client):
    # when
    response = client.get("/login/")

    # then
    html = ok_html(response)
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_login_with_the_right_password_signs_in(client, agent):
    # when
    response = _login(client, "aoi", PASSWORD)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in(client)
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_login_follows_a_safe_next_url(client, agent):
    # when
    response = client.post("/login/", {"username": "aoi", "password": PASSWORD, "next": "/teams/"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/teams/"


def test_login_with_a_wrong_password_is_refused(client, agent):
    # when
    response = _login(client, "aoi", "not-the-password")

    # then
    assert response.status_code == 200
    assert not _signed_in(client)
    assert "do not match" in response.content.decode()


def test_an_inactive_user_cannot_sign_in(client, agent):
    # given
    agent.is_active = False
    agent.save()

    # when
    _login(client, "aoi", PASSWORD)

    # then
    assert not _signed_in(client)


def test_logout_is_a_post(client, agent):
    # given
    client.force_login(agent)

    # when: a GET (a link, an <img>) must not sign anyone out
    response = client.get("/logout/")

    # then
    assert response.status_code == 405
    assert _signed_in(client)

    # when
    response = client.post("/logout/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not _signed_in(client)
    assert client.get("/").status_code == 302


# --- Brute force (django-axes) ---------------------------------------------------------------

LOCKED = 429  # axes answers a lockout with AXES_HTTP_RESPONSE_CODE, 429 by default


def test_five_failed_logins_lock_the_username_from_that_address(client, agent):
    # given: four failures are still answered with the form
    for _ in range(4):
        assert _login(client, "aoi", "wrong").status_code == 200

    # when: the fifth failure
    response = _login(client, "aoi", "wrong")

    # then
    assert response.status_code == LOCKED
    assert "Too many failed sign-in attempts" in response.content.decode()

    # when: now even the right password is refused
    response = _login(client, "aoi", PASSWORD)

    # then
    assert response.status_code == LOCKED
    assert not _signed_in(client)


def test_a_lockout_is_per_username_and_address(client, agent, make_user):
    # given
    make_user("support_agent", ["JP"], username="ren")
    for _ in range(5):
        _login(client, "aoi", "wrong")

    # when / then: the same person from another address, and another person, still get in
    assert _login(client, "ren", PASSWORD).status_code == 302
    client.post("/logout/")
    assert _login(client, "aoi", PASSWORD, address="10.1.2.3").status_code == 302
    client.post("/logout/")
    assert _login(client, "aoi", PASSWORD).status_code == LOCKED


def test_a_successful_login_resets_the_failure_count(client, agent):
    # given: four failures, then a success
    for _ in range(4):
        _login(client, "aoi", "wrong")
    assert _login(client, "aoi", PASSWORD).status_code == 302
    client.post("/logout/")

    # when: four more failures (eight in all, but only four since the success)
    for _ in range(4):
        response = _login(client, "aoi", "wrong")

    # then
    assert response.status_code == 200
    assert _login(client, "aoi", PASSWORD).status_code == 302


# --- Password spraying (core/login_guard.py) -------------------------------------------------


def test_many_usernames_failing_from_one_address_lock_that_address(client, agent):
    # given: nine different usernames fail from one address: each is just a failed sign-in
    for i in range(9):
        assert _login(client, f"user{i}", "Summer2026!", address="198.51.100.7").status_code == 200
    # the same username again does not count twice
    assert _login(client, "user0", "Summer2026!", address="198.51.100.7").status_code == 200

    # when: the tenth different username
    response = _login(client, "user9", "Summer2026!", address="198.51.100.7")

    # then: the address is locked, with a message saying why and for how long
    assert response.status_code == LOCKED
    html = response.content.decode()
    assert "Too many sign-in attempts from your network" in html
    assert "paused for 30 minutes" in html
    assert response["Retry-After"] == "1800"

    # when: even a real user's right password from that address
    response = _login(client, "aoi", PASSWORD, address="198.51.100.7")

    # then: refused, and not signed in
    assert response.status_code == LOCKED
    assert "from your network" in response.content.decode()
    assert not _signed_in(client)

    # but from another address the same person signs in
    assert _login(client, "aoi", PASSWORD, address="198.51.100.8").status_code == 302


def test_the_spraying_lock_ends_and_follows_the_settings(client, agent, settings):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    settings.REDIS_URL = ""  # the database store follows the frozen clock; Redis keeps its own
    settings.BEACHHEAD_LOGIN_SPRAY_RATE = "3/10m"
    settings.BEACHHEAD_LOGIN_SPRAY_LOCKOUT = 120
    start = timezone.now()
    with freeze_time(start):
        for name in ("a", "b", "c"):
            _login(client, name, "x", address="198.51.100.7")
        response = _login(client, "aoi", PASSWORD, address="198.51.100.7")
        assert response.status_code == LOCKED
        assert "paused for 2 minutes" in response.content.decode()
    with freeze_time(start + timedelta(seconds=121)):
        assert _login(client, "aoi", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_spraying_lock_reads_in_japanese(client, agent):
    for i in range(10):
        _login(client, f"user{i}", "x", address="198.51.100.7")
    response = _login(client, "aoi", PASSWORD, address="198.51.100.7", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == LOCKED
    assert 'lang="ja"' in response.content.decode()
    assert "Too many sign-in attempts" not in response.content.decode()
    assert "30" in response.content.decode()


def test_spraying_through_the_admin_login_counts_too(client, agent):
    for i in range(10):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": f"user{i}", "password": "x"},
            REMOTE_ADDR="198.51.100.7",
        )
    assert _login(client, "aoi", PASSWORD, address="198.51.100.7").status_code == LOCKED


# --- Password reset --------------------------------------------------------------------------


def test_password_reset_sends_a_link_that_sets_a_new_password(client, agent, settings):
    # when: asking for a reset, with a forged Host the deployment allows
    settings.BEACHHEAD_BASE_URL = "https://crm.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    response = client.post(
        "/password/reset/", {"email": "aoi@example.com"}, HTTP_HOST="attacker.example"
    )

    # then: one e-mail with a link
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aoi@example.com"]
    match = re.search(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    # the link starts with the configured address, never the request's Host (poisoning)
    assert match.group(0).startswith("https://crm.example.com/password/reset/")

    # when: following the link and choosing a new password
    response = client.get(match.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "Another-long-passphrase-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/done/"
    agent.refresh_from_db()
    assert agent.check_password(new)
    assert _login(client, "aoi", new).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, agent):
    # when
    response = client.post("/password/reset/", {"email": "nobody@example.com"})

    # then: the same answer, so the form cannot be used to probe for addresses
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


def _reset(client, email, address="127.0.0.1", **extra):
    return client.post("/password/reset/", {"email": email}, REMOTE_ADDR=address, **extra)


def test_password_reset_is_limited_per_address_without_telling(client, agent):
    # given: three resets for one address in 15 minutes, each a mail
    for _ in range(3):
        assert _reset(client, "aoi@example.com")["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 3

    # when: a fourth, even from another address on the network
    response = _reset(client, "aoi@example.com", address="192.0.2.50")

    # then: the usual answer ("if an account uses that address, a link is on its way"), no mail
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 3
    assert "If an account uses that address" in client.get("/password/reset/sent/").content.decode()


def test_password_reset_is_limited_per_client_address(client, agent, settings):
    # given: ten requests from one IP, for ten addresses (known or not)
    for i in range(9):
        assert _reset(client, f"someone{i}@example.com").status_code == 302
    assert _reset(client, "aoi@example.com").status_code == 302
    assert len(mail.outbox) == 1

    # when: the eleventh, for a known address
    response = _reset(client, "aoi@example.com")

    # then: a clear, generic "try again later" (the same for any address), and no mail
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    html = response.content.decode()
    assert "Please try again later" in html
    assert "15 minutes" in html
    assert len(mail.outbox) == 1
    unknown = _reset(client, "nobody@example.com")
    assert unknown.status_code == 429
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens
    assert strip.sub("", unknown.content.decode()) == strip.sub("", html)

    # another IP is not affected
    assert _reset(client, "aoi@example.com", address="192.0.2.60").status_code == 302
    assert len(mail.outbox) == 2

    # and in Japanese
    ja = _reset(client, "aoi@example.com", HTTP_ACCEPT_LANGUAGE="ja")
    assert ja.status_code == 429
    assert "Please try again later" not in ja.content.decode()


def test_password_reset_mails_from_a_job_so_known_and_unknown_answer_alike(client, agent, settings):
    # given: a real queue, as in production
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    # when: a known and an unknown address
    known = _reset(client, "aoi@example.com")
    unknown = _reset(client, "nobody@example.com")

    # then: the same answer, no lookup or mail in the request, one job each
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password/reset/sent/"
    assert mail.outbox == []
    jobs = DBTaskResult.objects.filter(task_path="beachhead.core.tasks.send_password_reset")
    assert jobs.count() == 2

    # and the job mails the known address only, in the asker's language
    from beachhead.core.tasks import send_password_reset

    assert send_password_reset.call("aoi@example.com", "desk.example.com", True, "ja") == 1
    assert send_password_reset.call("nobody@example.com", "desk.example.com", True, "ja") == 0
    assert len(mail.outbox) == 1
    assert "https://desk.example.com/password/reset/" in mail.outbox[0].body
    assert "Someone asked" not in mail.outbox[0].body


def test_password_reset_limits_hold_across_processes(client, agent, monkeypatch):
    # Each request on a new process with its own empty memory: the limit still holds.
    from django.contrib.auth import views as auth_views
    from django.core.cache.backends.locmem import LocMemCache

    for i in range(4):
        monkeypatch.setattr(auth_views, "cache", LocMemCache(f"p{i}", {}), raising=False)
        _reset(client, "aoi@example.com")
    assert len(mail.outbox) == 3


def test_a_used_reset_link_does_not_work_twice(client, agent):
    # given
    client.post("/password/reset/", {"email": "aoi@example.com"})
    link = re.search(r"(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "Another-long-passphrase-77"
    client.post(form_url, {"new_password1": new, "new_password2": new})

    # when
    response = client.get(link, follow=True)

    # then
    assert response.context["validlink"] is False


# --- Preferences and language ----------------------------------------------------------------


def test_preferences_save_language_and_time_zone(client, agent):
    # given
    client.force_login(agent)

    # when
    response = client.post(
        "/preferences/",
        {
            "first_name": "Aoi",
            "last_name": "Yamamoto",
            "email": "aoi@example.com",
            "language": "ja",
            "timezone": "Asia/Tokyo",
        },
    )

    # then
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.language, agent.timezone, agent.first_name) == ("ja", "Asia/Tokyo", "Aoi")
    assert response.cookies["django_language"].value == "ja"
    page = client.get("/preferences/")
    assert '<html lang="ja"' in page.content.decode()


def test_preferences_refuse_an_unknown_time_zone(client, agent):
    # given
    client.force_login(agent)

    # when
    response = client.post(
        "/preferences/",
        {"email": "aoi@example.com", "language": "en", "timezone": "Mars/Olympus_Mons"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["timezone"]
    agent.refresh_from_db()
    assert agent.timezone == "UTC"


def test_set_language_keeps_the_choice_in_a_cookie_and_the_profile(client, agent):
    # given
    client.force_login(agent)

    # when
    response = client.post("/language/", {"language": "zh-hans", "next": "/teams/"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/teams/"
    assert response.cookies["django_language"].value == "zh-hans"
    agent.refresh_from_db()
    assert agent.language == "zh-hans"


@pytest.mark.django_db
def test_set_language_works_before_signing_in(client):
    # when
    response = client.post("/language/", {"language": "ja", "next": "/login/"})

    # then
    assert response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "ja"
    assert '<html lang="ja"' in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://evil.example", "javascript:alert(1)"],
)
@pytest.mark.django_db
def test_set_language_refuses_off_site_next_urls(client, next_url):
    # when
    response = client.post("/language/", {"language": "ja", "next": next_url})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_set_language_over_https_does_not_send_the_visitor_back_to_http(client):
    # when
    response = client.post(
        "/language/", {"language": "ja", "next": "http://testserver/teams/"}, secure=True
    )

    # then
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_set_language_keeps_a_same_site_absolute_next_url(client):
    # when
    response = client.post(
        "/language/", {"language": "ja", "next": "https://testserver/teams/"}, secure=True
    )

    # then
    assert response["Location"] == "https://testserver/teams/"


@pytest.mark.django_db
def test_set_language_ignores_an_unknown_language(client):
    # when
    response = client.post("/language/", {"language": "xx", "next": "/login/"})

    # then
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_set_language_is_post_only(client):
    # when
    response = client.get("/language/", {"language": "ja"})

    # then
    assert response.status_code == 405
