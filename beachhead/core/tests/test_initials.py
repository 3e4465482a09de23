"""Avatars carry the initials of a person's name, not the first letters of their username."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from beachhead.core.models import User, initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lena Hoffmann", "LH"),
        ("Maria de la Cruz", "MC"),
        ("chen wei", "CW"),
        ("山田 太郎", "山田"),
        ("藤井直樹", "藤井"),
        ("王芳", "王芳"),
        ("陈伟明", "陈"),
        ("欧阳娜娜", "欧阳"),
        ("김민준", "김"),
        ("yamada@example.jp", "YA"),
        ("admin", "AD"),
        ("", "?"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_a_user_avatar_reads_the_full_name():
    user = User(username="rm.apac", first_name="直樹", last_name="藤井")
    assert user.display_name == "藤井直樹"
    assert user.initials == "藤井"
    assert User(username="rm.apac").initials == "RA"
    rendered = Template("{% load beachhead %}{{ name|initials }}").render(
        Context({"name": "Lena Hoffmann"})
    )
    assert rendered == "LH"
