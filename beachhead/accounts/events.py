"""What the accounts pillar tells the event stream: each change of a deployment (the
deployments' own ``DeploymentEvent`` rows stay their record and the source of deep-user
curves)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from beachhead.core import events

DEPLOYMENT_FIELDS = ("environment", "node_count", "version")
KINDS = {
    "accounts.deployment_created": gettext_lazy("Deployed"),
    "accounts.deployment_changed": gettext_lazy("Deployment changed"),
    "accounts.deployment_retired": gettext_lazy("Deployment retired"),
}


def deployment_kind(kind: str) -> str:
    """``created`` → ``accounts.deployment_created``."""
    return f"accounts.deployment_{kind}"


def register() -> None:
    for code, label in KINDS.items():
        events.register_kind(code, label, fields=DEPLOYMENT_FIELDS)
