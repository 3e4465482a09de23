"""``core.refcache``: small tables kept in memory, forgotten when their rows change, and never
filled from a transaction that wrote them (it could still roll back)."""

from __future__ import annotations

import pytest
from django.db import transaction

from beachhead.core.models import Team
from beachhead.core.refcache import RefCache


@pytest.fixture
def names():
    loads = []

    def load():
        loads.append(1)
        return sorted(Team.objects.values_list("name", flat=True))

    cache = RefCache("test.teams", load, watch=("core.Team",))
    cache.loads = loads
    return cache


@pytest.mark.django_db(transaction=True)
def test_kept_until_a_watched_row_is_saved(names):
    Team.objects.create(name="Tokyo")
    assert names.get() == ["Tokyo"]
    assert names.get() == ["Tokyo"]
    assert len(names.loads) == 1  # the second read came from memory
    Team.objects.create(name="Berlin")
    assert names.get() == ["Berlin", "Tokyo"]
    assert len(names.loads) == 2
    Team.objects.filter(name="Berlin").get().delete()
    assert names.get() == ["Tokyo"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_never_stays_in_memory(names):
    Team.objects.create(name="Tokyo")
    assert names.get() == ["Tokyo"]

    def write_that_rolls_back():
        with transaction.atomic():
            Team.objects.create(name="Ghost")
            # Inside the writing transaction the new row is seen, but not kept.
            assert names.get() == ["Ghost", "Tokyo"]
            assert names.get() == ["Ghost", "Tokyo"]
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError, match="roll back"):
        write_that_rolls_back()
    assert names.get() == ["Tokyo"]
    loads = len(names.loads)
    assert names.get() == ["Tokyo"]
    assert len(names.loads) == loads  # cached again once the transaction ended


@pytest.mark.django_db(transaction=True)
def test_expires_after_its_ttl(monkeypatch, names):
    import beachhead.core.refcache as module

    Team.objects.create(name="Tokyo")
    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    names.get()
    Team.objects.filter(name="Tokyo").update(name="Osaka")  # no signal: another process
    assert names.get() == ["Tokyo"]
    clock[0] += 31
    assert names.get() == ["Osaka"]


@pytest.mark.django_db(transaction=True)
def test_many_to_many_changes_clear_it(make_user):
    from beachhead.core.models import User

    cache = RefCache(
        "test.members",
        lambda: sorted(Team.members.through.objects.values_list("user_id", flat=True)),
        watch=("core.Team.members",),
    )
    team = Team.objects.create(name="Tokyo")
    assert cache.get() == []
    user = make_user("support_agent", ["JP"])
    team.members.add(user)
    assert cache.get() == [user.pk]
    assert User.objects.filter(pk=user.pk).exists()
