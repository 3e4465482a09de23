"""The response headers of ASVS level 2: a Content-Security-Policy everywhere, no caching of
anything that is someone's data, and the headers of Django's deployment checklist."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_every_page_has_a_strict_content_security_policy(client, make_user):
    client.force_login(make_user("admin"))

    for path in ("/", "/login/", "/support/help/", "/api/v1/me/", "/nowhere/"):
        response = client.get(path)
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["base-uri"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["form-action"] == ["'self'"], path
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path
        assert "'unsafe-inline'" not in policy["style-src-elem"], path
        assert policy["img-src"] == ["'self'", "data:"], path


def test_pages_carry_no_inline_script_or_handler(client, make_user):
    """What the policy would block: no <script> without src, no on*= attribute."""
    client.force_login(make_user("admin"))

    for path in ("/", "/support/new/", "/settings/people/", "/support/help/"):
        body = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", body), path
        assert not re.search(r"\son[a-z]+\s*=\s*\"", body), path
        assert "<style" not in body, path


def test_the_api_docs_get_a_nonce_for_their_inline_script(client, make_user):
    client.force_login(make_user("admin"))

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    assert f'<script nonce="{nonce}">' in body
    assert f'<style nonce="{nonce}">' in body


def test_signed_in_pages_api_answers_and_anonymous_pages_are_not_stored(client, make_user, api):
    user = make_user("admin")

    assert "no-store" in client.get("/login/")["Cache-Control"]
    assert client.get("/support/help/")["Cache-Control"] == "no-store"
    client.force_login(user)
    for path in ("/", "/support/", "/settings/"):
        assert client.get(path)["Cache-Control"] == "no-store", path
    response = api(user).get("/api/v1/me/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_deployment_checklist_headers(client):
    response = client.get("/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/beachhead/beachhead.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
