"""The client's address: X-Forwarded-For only as far as the trusted proxies vouch for it."""

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from beachhead.core.http import client_ip


def _request(peer="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.BEACHHEAD_TRUSTED_PROXIES = 0
    assert client_ip(_request(forwarded="203.0.113.9")) == "10.0.0.5"


def test_behind_one_proxy_the_entry_it_appended_is_the_client(settings):
    settings.BEACHHEAD_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(forwarded="203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_entry_from_the_right(settings):
    settings.BEACHHEAD_TRUSTED_PROXIES = 2
    assert client_ip(_request(forwarded="1.2.3.4, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-ip", "   ,  "])
def test_a_missing_or_bogus_entry_falls_back_to_the_peer(settings, forwarded):
    settings.BEACHHEAD_TRUSTED_PROXIES = 1
    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.5"


def test_the_login_lockout_keys_on_the_real_client_not_a_forged_header(client, make_user, settings):
    """Five failures from one client lock it out even when each claims another address."""
    settings.BEACHHEAD_TRUSTED_PROXIES = 0
    make_user("admin", username="aoi")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "aoi", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        "/login/", {"username": "aoi", "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_audit_log_records_the_real_client_not_a_forged_header(client, make_user, settings):
    settings.BEACHHEAD_TRUSTED_PROXIES = 0
    user = make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")
    client.force_login(user)
    LogEntry.objects.all().delete()
    client.post(
        "/preferences/",
        {"email": "aoi@example.com", "language": "ja", "timezone": "Asia/Tokyo"},
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        REMOTE_ADDR="192.0.2.10",
    )
    entry = LogEntry.objects.get()
    assert entry.remote_addr == "192.0.2.10"


def test_a_request_without_an_address_gives_none_to_the_ip_columns():
    """A login made in code has no REMOTE_ADDR: axes and the audit log get None, not a word
    PostgreSQL's inet column refuses."""
    from beachhead.core.http import client_ip_or_none

    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == "unknown"
    assert client_ip_or_none(request) is None
