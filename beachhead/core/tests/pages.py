"""Helpers for tests that read a rendered page."""

from __future__ import annotations


def ok_html(response) -> str:
    """The page's HTML, once the response is a 200."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()
