"""Fixtures every pillar's tests share: people with roles, API clients, mail and time."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from beachhead.core import i18n

_counter = itertools.count(1)


def pytest_sessionstart(session) -> None:
    # The build compiles the catalogues; a direct `pytest` run gets the same, fresh.
    i18n.compile_all()


@pytest.fixture(autouse=True)
def _signal_handlers():
    """Commands under test install signal handlers (the task worker catches SIGINT and SIGTERM
    and, in --batch mode, never puts them back): restore them after each test, or a later test
    that stops a loop with SIGINT (``mail poll``) waits forever."""
    import signal

    names = [n for n in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, n)]
    saved = {n: signal.getsignal(getattr(signal, n)) for n in names}
    yield
    for name, handler in saved.items():
        if handler is not None and signal.getsignal(getattr(signal, name)) is not handler:
            signal.signal(getattr(signal, name), handler)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True
    # Real hashing costs ~0.5 s per user on this machine; tests need a hash, not its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters of one test never meet another's (in Redis when REDIS_URL is set;
    # the database's roll back with the test).
    settings.BEACHHEAD_RATELIMIT_PREFIX = f"test:{uuid.uuid4().hex}:"

    # Two-factor sign-in (core.mfa): the per-role requirement is off unless a test asks for it
    # (the ``mfa_required`` fixture), so that signing in with a password in a test or a browser
    # test reaches the page under test; whoever has an app is still asked for a code.
    settings.BEACHHEAD_MFA_REQUIRED = False
    from django.core.cache import cache
    from django.utils import translation

    from beachhead.core import refcache

    cache.clear()
    refcache.clear_all()
    # A request through the test client leaves its user's language active in the thread (the
    # locale middleware activates it and nothing puts it back): every test starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    # django-auditlog connects a pre_save receiver per actor context and, when contexts nest,
    # may leave one connected; a test must not inherit another's receivers or context.
    from auditlog.context import auditlog_value
    from django.db.models.signals import pre_save

    receivers = list(pre_save.receivers)
    token = auditlog_value.set({"signal_duid": None})
    yield
    translation.deactivate()
    auditlog_value.reset(token)
    if len(pre_save.receivers) != len(receivers):
        pre_save.receivers = receivers
        pre_save.sender_receivers_cache.clear()


@pytest.fixture(autouse=True)
def _force_login_is_verified(monkeypatch):
    """``client.force_login(user)`` stands for a finished sign-in, second factor included: the
    session it makes is marked verified (``core.mfa``). ``client.login`` and the login pages
    are the real thing, and the MFA tests use those."""
    from django.test import Client

    from beachhead.core import mfa

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mfa.mark_verified(session)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def mfa_required(settings):
    """The per-role two-factor requirement on, as in production."""
    settings.BEACHHEAD_MFA_REQUIRED = True


@pytest.fixture
def make_user(db):
    """make_user("account_executive", ["JP"]) → a saved user with that role and markets."""
    from beachhead.core.services import do_create_user

    def make(role: str = "admin", markets: list[str] | None = None, **fields):
        username = fields.pop("username", f"{role}{next(_counter)}")
        user, _password = do_create_user(
            username=username,
            role=role,
            markets=markets
            if markets is not None
            else ([] if role in ("admin", "executive") else ["JP"]),
            password="A-long-test-passphrase-42",
            email=fields.pop("email", f"{username}@example.com"),
            validate=False,
            **fields,
        )
        return user

    return make


@pytest.fixture
def api(make_user):
    """api(user) → an APIClient that sends that user's token."""
    from beachhead.core.services import do_issue_token

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {do_issue_token(user)}")
        return client

    return client_for


@pytest.fixture
def markets(db):
    """All market playbooks, loaded as `make run` loads them."""
    from beachhead.markets.models import Market
    from beachhead.markets.services import do_sync_markets

    if not Market.objects.exists():
        do_sync_markets()
    return {m.code: m for m in Market.objects.all()}


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright, for the browser tests (``make browser``)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make browser` installs it.")
        pytest.skip("Debian's chromium is not installed here (run `make browser` as root).")
    from playwright.sync_api import sync_playwright

    # The live server's database calls run in the test's thread while Playwright's loop runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
