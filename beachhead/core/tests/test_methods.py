"""Methods no page serves are refused everywhere (ASVS 13.4.4), signed in or not."""

import pytest


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT", "PROPFIND"])
@pytest.mark.parametrize("path", ["/", "/login/", "/accounts/", "/support/"])
def test_trace_and_friends_are_refused_on_pages(client, make_user, method, path):
    client.force_login(make_user("admin"))
    response = client.generic(method, path)
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]


def test_trace_on_the_api_is_refused_in_json(client, make_user):
    client.force_login(make_user("admin"))
    response = client.generic("TRACE", "/api/v1/accounts/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_ordinary_methods_still_reach_the_views(client, make_user):
    client.force_login(make_user("admin"))
    assert client.get("/").status_code == 200
    assert client.options("/api/v1/accounts/").status_code == 200


def test_signing_out_tells_the_browser_to_drop_its_cache(client, make_user):
    """ASVS 14.3.1: nothing of the signed-in pages stays behind the Back button."""
    client.force_login(make_user("admin"))
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/").status_code == 302  # signed out


def test_the_api_over_plain_http_is_refused_not_redirected(client, settings):
    """ASVS 4.1.2: pages redirect to HTTPS; an API client that sent its token in clear is told."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^api/"]
    page = client.get("/login/")
    assert page.status_code == 301
    assert page["Location"].startswith("https://")
    api = client.get("/api/v1/accounts/", HTTP_AUTHORIZATION="Token bh_x")
    assert api.status_code == 403
    assert api.json()["error"] == "https_required"
    assert client.get("/api/v1/accounts/", secure=True).status_code == 401


def test_a_refused_request_is_logged_with_who_and_where(client, make_user, caplog):
    """ASVS 16.3.2: failed authorisation leaves a line naming the user, the path and the IP."""
    agent = make_user("support_agent", ["JP"])
    client.force_login(agent)
    with caplog.at_level("WARNING", logger="beachhead.security"):
        response = client.get("/audit/", REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 403
    (line,) = [r.getMessage() for r in caplog.records if r.name == "beachhead.security"]
    assert line == f"refused 403: user {agent.pk} GET /audit/ from 192.0.2.44"
