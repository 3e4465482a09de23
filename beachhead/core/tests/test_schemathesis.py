"""Schemathesis over the whole API: every operation of the published OpenAPI schema, called with
generated input through the live Django app (WSGI), once as an admin and once as a support agent
limited to one market, with demo data loaded so that ids exist.

Every call must answer without a server error, with a documented status code and content type,
and with a body the schema describes. The run is bounded (``MAX_EXAMPLES`` per operation) and
deterministic (Hypothesis derandomised, no example database), so CI sees the same calls each time.
"""

from __future__ import annotations

import contextvars
import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.serialization import serialize_binary
from werkzeug.test import Client as WsgiClient

from beachhead.core.models import User
from beachhead.core.services import do_issue_token

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=False)]

#: Examples per operation: enough to reach each error branch, few enough for CI on two cores.
MAX_EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _wsgi_app():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


@pytest.fixture
def demo_data(db, settings):
    # Calls go through Django's WSGI handler, whose request signals close the database
    # connection; inside a test's transaction that must not happen (Django's test client
    # does the same).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # Schemathesis calls it
    # Hundreds of calls a minute from one token: above the rate limit, which has its own tests.
    settings.BEACHHEAD_API_RATE = "100000/minute"
    call_command("markets", "sync", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("demo", seed=3, accounts=6, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schemathesis.serializer("message/rfc822")
def _raw_mail(ctx, value) -> bytes:
    return serialize_binary(value)


def _operations(schema):
    # DELETE last (users the very last), so the rows the other operations read are still there.
    ops = [result.ok() for result in schema.get_all_operations()]
    return sorted(
        ops,
        key=lambda op: (
            op.method.upper() == "DELETE",
            op.path.startswith("/api/v1/users/"),
            op.path,
            op.method,
        ),
    )


def _existing(path: str, headers: dict) -> dict[str, list]:
    # Path parameters that name rows which exist: the first page of the list above the first
    # ``{parameter}`` (``/api/v1/accounts/{id}/ltv/`` → ``/api/v1/accounts/``), its rows' values.
    if "{" not in path:
        return {}
    prefix, rest = path.split("{", 1)
    name = rest.split("}", 1)[0]
    response = WsgiClient(_wsgi_app()).get(prefix, headers=headers)
    if response.status_code != 200:
        return {}
    data = response.json
    rows = data.get("results", data) if isinstance(data, dict) else data
    key = name if rows and name in rows[0] else "id"
    values = [row[key] for row in rows if isinstance(row, dict) and key in row]
    return {name: values[:3]} if values else {}


def _strategy(operation, headers: dict):
    free = operation.as_strategy()
    known = _existing(operation.path, headers)
    if not known:
        return free
    ((name, values),) = known.items()
    named = st.sampled_from(values).flatmap(
        lambda value: operation.as_strategy(path_parameters={name: value})
    )
    return st.one_of(free, named)


def _run(user: User) -> list[str]:
    app = _wsgi_app()
    headers = {"Authorization": f"Token {do_issue_token(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers=headers)
    failures: list[str] = []
    for operation in _operations(schema):
        _explore(operation, headers, failures)
    return failures


def _explore(operation, headers: dict, failures: list[str]) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, headers))
    def call(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # each kind reported once, the run goes on
            kinds = [type(e).__name__ for e in getattr(exc, "exceptions", [exc])]
            key = f"{label} {kinds}"
            if not any(failure.startswith(key) for failure in failures):
                failures.append(f"{key}\n{str(exc)[:1500]}")

    call()


def _isolated_run(user: User) -> list[str]:
    # In a copy of the context: the calls' middleware (the audit log's actor) set context
    # variables that must not outlive this test and reach the next ones.
    return contextvars.copy_context().run(_run, user)


def test_the_whole_api_as_an_admin(demo_data):
    failures = _isolated_run(User.objects.get(username="admin"))
    assert not failures, "\n\n".join(failures)


def test_the_whole_api_as_a_support_agent_of_one_market(demo_data, make_user):
    agent = make_user("support_agent", ["JP"], username="agent.schemathesis")
    failures = _isolated_run(agent)
    assert not failures, "\n\n".join(failures)
