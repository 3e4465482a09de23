"""Two-factor sign-in (``core.mfa``): the code step after the password, the per-role
requirement, recovery codes, throttling, the admin, password reset, the policy page and an
administrator's reset. Codes are computed from the device's key at a pinned instant."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from beachhead.core import mfa
from beachhead.core.models import MfaPolicy, User

PASSWORD = "A-long-test-passphrase-42"  # the password conftest's make_user gives everyone
NOW = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


@pytest.fixture
def clock():
    with freeze_time(NOW) as frozen:
        yield frozen


def code_for(device: TOTPDevice, at: datetime | None = None) -> str:
    """The six digits the person's app shows at ``at`` (default: the frozen now)."""
    from django.utils import timezone

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


def enrol(user: User, clock) -> tuple[TOTPDevice, list[str]]:
    """``user`` sets up an app (through the services); the clock then moves past that code."""
    device = mfa.do_start_totp(user)
    codes = mfa.do_confirm_totp(user, code_for(device))
    clock.tick(timedelta(seconds=30))
    device.refresh_from_db()
    return device, codes


def _login(client, username, password=PASSWORD, **data):
    return client.post("/login/", {"username": username, "password": password, **data})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def finance(make_user) -> User:
    return make_user("finance", ["JP"], username="fumi")


@pytest.fixture
def agent(make_user) -> User:
    return make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")


# --- Requirement by role ---------------------------------------------------------------------


def test_a_required_role_without_an_app_is_sent_to_set_one_up(client, finance, mfa_required):
    # given: signed in with the password
    assert _login(client, "fumi").status_code == 302

    # when
    response = client.get("/commitments/")

    # then: no page but the setup
    assert response.status_code == 302
    assert response["Location"] == "/security/mfa/setup/?next=%2Fcommitments%2F"
    assert client.get("/security/mfa/setup/").status_code == 200
    assert client.get("/preferences/").status_code == 302


def test_a_role_that_is_not_required_signs_in_with_the_password(client, agent, mfa_required):
    # when
    _login(client, "aoi")

    # then
    assert client.get("/").status_code == 200


def test_the_requirement_can_be_turned_off_on_a_local_machine(client, finance, settings):
    # given: BEACHHEAD_MFA_REQUIRED=0 (conftest's default for the other tests)
    settings.BEACHHEAD_MFA_REQUIRED = False

    # when
    _login(client, "fumi")

    # then
    assert client.get("/").status_code == 200


def test_api_tokens_are_not_affected_but_an_unverified_session_is(
    client, api, finance, mfa_required
):
    # given: a finance user without an app, signed in with the password only
    _login(client, "fumi")

    # when / then: the token works, the half-signed-in session does not reach the API
    assert api(finance).get("/api/v1/me/").status_code == 200
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"] == "mfa_required"


def test_superusers_need_it_whatever_their_role(client, make_user, mfa_required):
    # given
    make_user("support_agent", ["JP"], username="root", superuser=True)

    # when
    _login(client, "root")

    # then
    assert client.get("/")["Location"].startswith("/security/mfa/setup/")


# --- Enrolment -------------------------------------------------------------------------------


def test_setup_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(client, agent, clock):
    # given
    client.force_login(agent)

    # when: opening the setup page
    response = client.get("/security/mfa/setup/")

    # then: an inline SVG QR code, and the key to type
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert "<path" in html
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert mfa.secret(device).replace(" ", "") in html.replace(" ", "")
    # a reload keeps the same key
    client.get("/security/mfa/setup/")
    assert TOTPDevice.objects.filter(user=agent).count() == 1

    # when: a wrong code, then the app's code
    assert client.post("/security/mfa/setup/", {"code": "000000"}).status_code == 400
    clock.tick(timedelta(seconds=2))
    response = client.post("/security/mfa/setup/", {"code": code_for(device)})

    # then: on, and the recovery codes are shown once
    assert response.status_code == 302
    assert response["Location"] == "/security/mfa/codes/"
    assert mfa.has_mfa(agent)
    page = client.get("/security/mfa/codes/").content.decode()
    codes = re.findall(r"</span>([a-z2-7]{4}-[a-z2-7]{4})</li>", page)
    assert len(codes) == 10
    download = client.get("/security/mfa/codes/download/")
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    client.post("/security/mfa/codes/", {})
    assert client.get("/security/mfa/codes/")["Location"] == "/security/mfa/"
    assert client.get("/security/mfa/codes/download/")["Location"] == "/security/mfa/"


def test_a_required_role_enrols_and_reaches_the_page_it_asked_for(
    client, finance, clock, mfa_required
):
    # given
    _login(client, "fumi")
    client.get("/security/mfa/setup/")
    device = TOTPDevice.objects.get(user=finance)

    # when
    response = client.post(
        "/security/mfa/setup/", {"code": code_for(device), "next": "/commitments/"}
    )
    done = client.post("/security/mfa/codes/", {"next": "/commitments/"})

    # then
    assert response["Location"] == "/security/mfa/codes/?next=%2Fcommitments%2F"
    assert done["Location"] == "/commitments/"
    assert client.get("/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, agent, clock):
    # given
    _device, old = enrol(agent, clock)
    client.force_login(agent)

    # when
    response = client.post("/security/mfa/codes/new/")

    # then
    assert response["Location"] == "/security/mfa/codes/"
    new = mfa.fresh_codes(client.session)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert mfa.verify_code(agent, old[0]) is None
    clock.tick(timedelta(seconds=2))  # the wrong code's wait
    assert mfa.verify_code(agent, new[0]) is not None


def test_turning_it_off_needs_a_current_code_or_the_password(client, agent, clock):
    # given
    device, _codes = enrol(agent, clock)
    client.force_login(agent)

    # when: neither
    client.post("/security/mfa/remove/", {"password": "wrong"})

    # then
    assert mfa.has_mfa(agent)

    # when: a code
    clock.tick(timedelta(seconds=60))
    client.post("/security/mfa/remove/", {"code": code_for(device)})

    # then
    assert not mfa.has_mfa(agent)
    assert not StaticDevice.objects.filter(user=agent).exists()


def test_turning_it_off_with_the_password(client, agent, clock):
    # given
    enrol(agent, clock)
    client.force_login(agent)

    # when
    response = client.post("/security/mfa/remove/", {"password": PASSWORD})

    # then
    assert response["Location"] == "/security/mfa/"
    assert not mfa.has_mfa(agent)


# --- Signing in with a code ------------------------------------------------------------------


def test_with_an_app_the_password_alone_does_not_sign_in(client, agent, clock):
    # given
    enrol(agent, clock)

    # when
    response = _login(client, "aoi", next="/teams/")

    # then: a code is asked for, and nobody is signed in yet
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    assert not _signed_in(client)
    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_code_from_the_app_signs_in_and_follows_next(client, agent, clock):
    # given
    device, _codes = enrol(agent, clock)
    _login(client, "aoi", next="/teams/")

    # when
    page = client.get("/login/code/")
    response = client.post("/login/code/", {"code": code_for(device)})

    # then
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/teams/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/teams/").status_code == 200


def test_a_wrong_code_is_refused_and_the_next_tries_wait(client, agent, clock):
    # given
    device, _codes = enrol(agent, clock)
    _login(client, "aoi")

    # when: a wrong code
    response = client.post("/login/code/", {"code": "123456"})

    # then
    assert response.status_code == 400
    assert not _signed_in(client)

    # when: the right code at once, after a wrong one
    response = client.post("/login/code/", {"code": code_for(device)})

    # then: refused until the wait is over (django-otp's throttle, 1, 2, 4 … seconds)
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert not _signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # when: after the wait
    clock.tick(timedelta(seconds=2))
    response = client.post("/login/code/", {"code": code_for(device)})

    # then
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_code_is_not_accepted_twice(client, agent, clock):
    # given: a code used to sign in
    device, _codes = enrol(agent, clock)
    code = code_for(device)
    _login(client, "aoi")
    client.post("/login/code/", {"code": code})
    client.post("/logout/")

    # when: the same code again, within its 30 seconds
    _login(client, "aoi")
    response = client.post("/login/code/", {"code": code})

    # then
    assert response.status_code == 400
    assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(client, agent, clock):
    # given
    _device, codes = enrol(agent, clock)

    # when
    _login(client, "aoi")
    first = client.post("/login/code/", {"code": codes[0].upper()})

    # then
    assert first.status_code == 302
    assert _signed_in(client)
    assert StaticToken.objects.filter(device__user=agent).count() == 9

    # when: the same code again
    client.post("/logout/")
    clock.tick(timedelta(seconds=10))
    _login(client, "aoi")
    second = client.post("/login/code/", {"code": codes[0]})

    # then
    assert second.status_code == 400
    assert not _signed_in(client)


def test_recovery_codes_are_not_stored_in_clear(agent, clock):
    """A copy of the database reveals no recovery code: only a keyed digest is kept."""
    _device, codes = enrol(agent, clock)
    stored = set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert len(stored) == 10
    plain = {code.replace("-", "").lower() for code in codes}
    assert not stored & plain
    assert all(len(token) == 16 for token in stored)


def test_the_code_step_expires(client, agent, clock):
    # given
    device, _codes = enrol(agent, clock)
    _login(client, "aoi")

    # when: the code comes 11 minutes later
    clock.tick(timedelta(minutes=11))
    response = client.post("/login/code/", {"code": code_for(device)})

    # then
    assert response["Location"] == "/login/"
    assert not _signed_in(client)


def test_a_session_signed_in_before_the_app_was_set_up_elsewhere_asks_for_a_code(
    client, agent, clock
):
    # given: signed in with the password, then an app is set up in another browser
    _login(client, "aoi")
    device, _codes = enrol(agent, clock)

    # when
    response = client.get("/teams/")

    # then
    assert response["Location"] == "/login/code/?next=%2Fteams%2F"
    assert client.get("/security/mfa/").status_code == 302  # no turning it off unverified
    response = client.post("/login/code/?next=/teams/", {"code": code_for(device)})
    assert response["Location"] == "/teams/"
    assert client.get("/teams/").status_code == 200


def test_the_me_api_says_whether_two_factor_sign_in_is_on(api, agent, clock):
    # given
    assert api(agent).get("/api/v1/me/").json()["mfa_enabled"] is False

    # when
    enrol(agent, clock)

    # then
    assert api(agent).get("/api/v1/me/").json()["mfa_enabled"] is True


# --- The admin and password reset ------------------------------------------------------------


def test_the_django_admin_needs_a_verified_session(client, make_user, clock, mfa_required):
    # given: a superuser with an app, whose session has not entered a code (it was signed in
    # before the app was set up)
    root = make_user("admin", username="root", superuser=True)
    _login(client, "root")
    device, _codes = enrol(root, clock)

    # when
    response = client.get("/admin/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/login/code/?next=%2Fadmin%2F"

    # when: the code
    client.post("/login/code/?next=/admin/", {"code": code_for(device)})

    # then
    assert client.get("/admin/").status_code == 200


def test_the_django_admin_needs_an_app_even_when_the_role_does_not(client, make_user, mfa_required):
    # given: a superuser whose role is not required (their being superuser is)
    MfaPolicy.objects.create(pk=1, required_roles=[])
    make_user("admin", username="root", superuser=True)
    _login(client, "root")

    # then
    assert client.get("/admin/")["Location"].startswith("/security/mfa/setup/")


def test_password_reset_does_not_sign_in_and_the_code_is_still_asked(client, agent, clock):
    # given
    device, _codes = enrol(agent, clock)
    client.post("/password/reset/", {"email": "aoi@example.com"})
    link = re.search(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert link
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    new = "Another-long-passphrase-77"

    # when: a new password is chosen
    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    # then: not signed in; signing in with the new password still asks for the code
    assert response["Location"] == "/password/reset/done/"
    assert not _signed_in(client)
    assert _login(client, "aoi", new)["Location"] == "/login/code/"
    assert not _signed_in(client)
    client.post("/login/code/", {"code": code_for(device)})
    assert _signed_in(client)


# --- Administrators --------------------------------------------------------------------------


def test_an_administrator_chooses_the_required_roles(client, make_user, agent, finance):
    # given
    admin = make_user("admin", username="ada")
    client.force_login(admin)
    assert mfa.required_roles() == {"admin", "finance", "compliance"}
    page = client.get("/settings/security/")
    assert page.status_code == 200
    assert 'value="finance" id="role-finance" checked' in page.content.decode()

    # when
    response = client.post("/settings/security/", {"roles": ["admin", "support_agent"]})

    # then: stored, audited, and in force
    assert response["Location"] == "/settings/security/"
    assert mfa.required_roles() == {"admin", "support_agent"}
    entry = LogEntry.objects.get_for_model(MfaPolicy).latest("timestamp")
    assert entry.actor == admin
    assert "support_agent" in str(entry.changes)
    assert mfa.is_required(agent) is False  # conftest turns the requirement off …


def test_the_chosen_roles_are_the_ones_asked(client, make_user, agent, finance, mfa_required):
    # given
    admin = make_user("admin", username="ada")
    mfa.do_set_required_roles(["support_agent"], admin)

    # then
    assert mfa.is_required(agent)
    assert not mfa.is_required(finance)
    _login(client, "aoi")
    assert client.get("/")["Location"].startswith("/security/mfa/setup/")


def test_only_administrators_open_the_policy_page(client, agent):
    client.force_login(agent)
    assert client.get("/settings/security/").status_code == 403
    assert client.post("/settings/security/", {"roles": []}).status_code == 403
    assert mfa.required_roles() == {"admin", "finance", "compliance"}


def test_the_settings_hub_lists_the_policy_page(client, make_user):
    client.force_login(make_user("admin"))
    assert "/settings/security/" in client.get("/settings/").content.decode()


def test_an_administrator_resets_a_colleagues_two_factor_sign_in(client, make_user, agent, clock):
    # given: a colleague with an app who lost their phone
    enrol(agent, clock)
    admin = make_user("admin", username="ada")
    client.force_login(admin)
    page = client.get(f"/settings/people/{agent.pk}/")
    assert 'id="reset-mfa"' in page.content.decode()

    # when
    response = client.post(f"/settings/people/{agent.pk}/mfa/reset/")

    # then: gone, and audited with the administrator as actor
    assert response["Location"] == f"/settings/people/{agent.pk}/"
    assert not mfa.has_mfa(agent)
    assert not StaticDevice.objects.filter(user=agent).exists()
    deleted = LogEntry.objects.get_for_model(TOTPDevice).filter(action=LogEntry.Action.DELETE)
    assert deleted.get().actor == admin

    # and: the colleague signs in with the password again
    client.post("/logout/")
    assert _login(client, "aoi")["Location"] == "/"


def test_only_administrators_reset_someone_elses_two_factor_sign_in(
    client, make_user, agent, clock
):
    # given
    enrol(agent, clock)
    client.force_login(make_user("support_agent", ["JP"]))

    # when
    response = client.post(f"/settings/people/{agent.pk}/mfa/reset/")

    # then
    assert response.status_code == 403
    assert mfa.has_mfa(agent)


def test_preferences_show_the_security_section(client, agent):
    client.force_login(agent)
    html = client.get("/preferences/").content.decode()
    assert 'id="security-mfa"' in html
    assert 'href="/security/mfa/"' in html


def test_the_admins_own_password_form_is_not_a_way_around_the_code(client, make_user, clock):
    # given: a superuser with an app
    root = make_user("admin", username="root", superuser=True)
    enrol(root, clock)

    # when: the admin's sign-in page, and a password posted to it
    page = client.get("/admin/login/?next=/admin/core/user/")
    posted = client.post("/admin/login/", {"username": "root", "password": PASSWORD})

    # then: sent to the product's sign-in, which asks for the code
    assert page["Location"] == "/login/?next=/admin/core/user/"
    assert posted["Location"].startswith("/login/")
    assert not _signed_in(client)


def test_production_refuses_to_turn_the_requirement_off(tmp_path):
    from beachhead.core.tests.test_settings import beachhead, random_secret_key

    # given
    env = {
        "BEACHHEAD_ENV": "production",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "beachhead.example.com",
        "BEACHHEAD_VAR": str(tmp_path),
        "BEACHHEAD_MFA_REQUIRED": "0",
    }

    # when
    result = beachhead("check", env=env)

    # then
    assert result.returncode != 0
    assert "BEACHHEAD_MFA_REQUIRED cannot be turned off in production" in result.stderr
