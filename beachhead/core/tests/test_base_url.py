"""Links in e-mails point at the address actually served when ``BEACHHEAD_BASE_URL`` is unset."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from beachhead.core.http import DEFAULT_BASE_URL, base_url, served_base_url
from beachhead.core.management.commands.serve import child_environment


def test_serve_defaults_the_base_url_to_the_port_it_serves():
    env = child_environment("127.0.0.1", 8123, environ={"PATH": "/bin"})

    assert env["BEACHHEAD_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["DJANGO_SETTINGS_MODULE"] == "beachhead.settings"


def test_serve_keeps_a_base_url_that_is_set():
    env = child_environment(
        "127.0.0.1", 8123, environ={"BEACHHEAD_BASE_URL": "https://crm.example"}
    )

    assert env["BEACHHEAD_BASE_URL"] == "https://crm.example"


def test_a_wildcard_or_ipv6_bind_names_a_reachable_host():
    assert not served_base_url("0.0.0.0", 8000).startswith("http://0.0.0.0")  # noqa: S104
    assert served_base_url("::1", 8100) == "http://[::1]:8100"


@override_settings(BEACHHEAD_BASE_URL="", ALLOWED_HOSTS=["desk.example"])
def test_unset_the_base_url_follows_the_request_then_the_default():
    request = RequestFactory().get("/", HTTP_HOST="desk.example:8123")

    assert base_url(request) == "http://desk.example:8123"
    assert base_url() == DEFAULT_BASE_URL


@override_settings(BEACHHEAD_BASE_URL="https://crm.example/")
def test_a_set_base_url_wins():
    request = RequestFactory().get("/", HTTP_HOST="testserver")

    assert base_url(request) == "https://crm.example"
