"""Kinds of commitment: the ledger's own, and those the pillars register from their ``ready``."""

from __future__ import annotations

import pytest

from beachhead.commitments import kinds


@pytest.fixture
def restore_kinds():
    saved = dict(kinds._registered), dict(kinds._kinds)
    yield
    for registry, before in zip((kinds._registered, kinds._kinds), saved, strict=True):
        registry.clear()
        registry.update(before)


def test_the_pillars_kinds_come_first_and_other_last():
    codes = [code for code, _label in kinds.choices()]
    # The support desk registers its SLA targets; the ledger's own kinds follow.
    assert codes[:4] == ["first_reply", "next_reply", "periodic_update", "resolution"]
    assert codes[4:] == list(kinds.BASIC)
    assert codes[-1] == "other"
    assert kinds.label("first_reply") == "First reply"
    assert kinds.label("unheard_of") == "unheard_of"
    assert not kinds.is_known("unheard_of")


def test_a_pillar_registers_a_kind_or_takes_one_over(restore_kinds):
    kinds.register("milestone", "Milestone")
    kinds.register("refund", "Refund due")
    codes = [code for code, _label in kinds.choices()]
    assert kinds.is_known("milestone")
    assert kinds.label("refund") == "Refund due"
    assert codes.index("milestone") < codes.index("follow_up")
    assert codes.count("refund") == 1
    assert codes.index("refund") < codes.index("follow_up")


def test_choices_handed_over_at_start_up_see_kinds_registered_later(restore_kinds):
    handed_over = kinds.CHOICES
    kinds.register("milestone", "Milestone")
    assert ("milestone", "Milestone") in list(handed_over)
    assert len(handed_over) == len(kinds.choices())
    assert handed_over[-1][0] == "other"
