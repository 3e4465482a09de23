"""A reference list for the saved-views tests: commitments, registered for the test only (the
ledger is not ours to change, and the accounts lists may not exist yet)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Value
from django.db.models.functions import Cast

from beachhead.commitments import kinds
from beachhead.commitments.models import Commitment, State
from beachhead.core.access import scoped
from beachhead.savedviews import registry
from beachhead.savedviews.registry import Column, ListSource

KEY = "reference"
T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)


def update(obj, path, value, user):
    """The reference list's inline edit: a title of 3 to 300 characters, or a state."""
    if path == "title":
        value = (value or "").strip()
        if not 3 <= len(value) <= 300:
            raise ValidationError("A description has 3 to 300 characters.")
        obj.title = value
        obj.save(update_fields=["title", "updated_at"])
        return obj
    if path == "state":
        obj.state = value
        obj.save(update_fields=["state", "updated_at"])
        return obj
    if path == "owner":
        from beachhead.core.models import User

        obj.owner = User.objects.filter(pk=value).first()
        if obj.owner is None:
            raise ValidationError("No such person.")
        obj.save(update_fields=["owner", "updated_at"])
        return obj
    raise ValidationError("Not editable.")


def queryset(user):
    return (
        scoped(Commitment, user)
        .select_related("owner", "market")
        .annotate(
            fee=Cast("target_seconds", DecimalField(max_digits=14, decimal_places=2)),
            fee_currency=Value("JPY"),
        )
    )


def make_source(**overrides) -> ListSource:
    fields = {
        "key": KEY,
        "label": "Promises",
        "model": Commitment,
        "queryset": queryset,
        "columns": [
            Column("title", "Description", editable=True),
            Column("kind", "Kind", kind="choice", choices=kinds.choices(), groupable=True),
            Column(
                "state", "State", kind="choice", choices=State.choices, groupable=True,
                editable=True,
            ),
            Column("market__code", "Market", groupable=True),
            Column("owner__username", "Owner", kind="user", groupable=True),
            Column("owner", "Owner id", kind="user", groupable=True, editable=True),
            Column("kind_label", "Kind label", sortable=False, filterable=False),
            Column("due_at", "Due", kind="datetime"),
            Column("target_seconds", "Target", kind="number"),
            Column("fee", "Fee", kind="money", currency_path="fee_currency"),
            Column("fee_currency", "Fee currency", filterable=False),
            Column("customer_label", "Customer"),
            Column("paused_at", "Paused", kind="datetime"),
        ],
        "default_columns": ["title", "state", "market__code", "owner__username", "due_at"],
        "default_sort": "due_at",
        "kanban_path": "state",
        "title_path": "title",
        "detail_url": lambda obj: f"/commitments/{obj.pk}/",
        "update": update,
        "search_paths": ["title", "customer_label"],
        "empty_text": "Promises made to customers.",
    }  # fmt: skip
    fields.update(overrides)
    return ListSource(**fields)


@pytest.fixture
def reference():
    source = make_source()
    registry.register(source)
    yield source
    registry.unregister(KEY)


@pytest.fixture
def aoi(make_user):
    """Two agents of the Japanese desk."""
    return make_user("support_agent", ["JP"], username="aoi")


@pytest.fixture
def ren(make_user):
    return make_user("support_agent", ["JP"], username="ren")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def promise(markets):
    """promise(owner, code="JP", hours=4, **fields) → a commitment (fields set afterwards)."""
    from beachhead.commitments.services import do_create_commitment

    def make(owner, code="JP", hours=4, start=None, **fields):
        commitment = do_create_commitment(
            kind=fields.pop("kind", "follow_up"),
            calendar="24x7",
            target=timedelta(hours=hours),
            owner=owner,
            market=markets[code],
            start=start or T0,
            title=fields.pop("title", ""),
            customer_label=fields.pop("customer_label", ""),
        )
        if fields:
            Commitment.objects.filter(pk=commitment.pk).update(**fields)
            commitment.refresh_from_db()
        return commitment

    return make
