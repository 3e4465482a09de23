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
