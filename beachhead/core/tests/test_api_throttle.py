"""The API's rate limit per token, counted in the shared store (core/api/throttling.py)."""

from __future__ import annotations

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

from beachhead.core.api import throttling

ME = "/api/v1/me/"


@pytest.fixture
def tight(settings):
    settings.BEACHHEAD_API_RATE = "3/minute"


def test_a_token_over_the_rate_gets_429_with_retry_after_and_the_error_format(
    api, make_user, tight
):
    # given
    client = api(make_user("support_agent", ["JP"]))
    for _ in range(3):
        assert client.get(ME).status_code == 200

    # when
    response = client.get(ME)

    # then
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["error"] == "throttled"
    assert body["message"].startswith("Too many requests. Please try again in ")


def test_the_rate_is_per_token(api, make_user, tight):
    first, second = make_user("support_agent", ["JP"]), make_user("support_agent", ["JP"])
    one, other = api(first), api(second)
    for _ in range(3):
        one.get(ME)
    assert one.get(ME).status_code == 429
    assert other.get(ME).status_code == 200


def test_a_session_counts_per_user(client, make_user, tight):
    user = make_user("support_agent", ["JP"])
    client.force_login(user)
    assert [client.get(ME).status_code for _ in range(4)] == [200, 200, 200, 429]
    # The same user from another address is the same user.
    assert client.get(ME, REMOTE_ADDR="192.0.2.77").status_code == 429


def test_the_refusal_is_translated(api, make_user, tight):
    client = api(make_user("support_agent", ["JP"]))
    for _ in range(3):
        client.get(ME)
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"
    assert "Too many requests" not in response.json()["message"]
    assert "秒" in response.json()["message"]


def test_the_rate_holds_across_processes(api, make_user, tight, monkeypatch):
    # Each request as if on another web process: DRF's cache-based throttles would start
    # from zero each time; the shared counters do not.
    from rest_framework import throttling as drf_throttling

    client = api(make_user("support_agent", ["JP"]))
    statuses = []
    for i in range(5):
        monkeypatch.setattr(drf_throttling.SimpleRateThrottle, "cache", LocMemCache(f"p{i}", {}))
        statuses.append(client.get(ME).status_code)
    assert statuses == [200, 200, 200, 429, 429]


def test_identity_prefers_the_token_then_the_user_then_the_address():
    class Token:
        pk = 42

    class User:
        pk = 7
        is_authenticated = True

    class Request:
        META = {"REMOTE_ADDR": "192.0.2.1"}
        auth = None
        user = None

    request = Request()
    assert throttling.identity(request) == "ip:192.0.2.1"
    request.user = User()  # type: ignore[assignment]
    assert throttling.identity(request) == "user:7"
    request.auth = Token()  # type: ignore[assignment]
    assert throttling.identity(request) == "token:Token:42"


@pytest.mark.django_db
def test_the_schema_documents_429_on_every_operation():
    response = APIClient()
    from beachhead.core.services import do_create_user

    user, _ = do_create_user(
        username="schema", role="admin", markets=[], password="x" * 20, validate=False
    )
    response.force_authenticate(user)
    schema = response.get("/api/v1/schema/?format=json").json()
    operations = [
        operation
        for methods in schema["paths"].values()
        for name, operation in methods.items()
        if name in ("get", "post", "put", "patch", "delete")
    ]
    assert operations
    assert all("429" in operation["responses"] for operation in operations)
    assert "RateLimited" in schema["components"]["schemas"]
