"""The Settings page "Deal stages": administrators rename (with names by language), reorder,
add and retire the pipeline's stages; a stage deals have been in is deactivated, not deleted,
and keeps its outcome; other roles get 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from beachhead.accounts.models import Stage
from beachhead.accounts.services import opportunities
from beachhead.accounts.services import stages as services
from beachhead.core.money import Money
from beachhead.core.tests import openapi
from beachhead.core.tests.pages import ok_html


@pytest.fixture
def boss(make_user):
    """An administrator who is not a superuser."""
    return make_user("admin", username="alex", superuser=False)


def keys() -> list[str]:
    return list(Stage.objects.order_by("order", "pk").values_list("key", flat=True))


def test_the_stage_list_is_for_admins_in_few_queries(
    client, boss, make_user, django_assert_max_num_queries
):
    client.force_login(boss)
    with django_assert_max_num_queries(8), translation.override("en"):
        html = ok_html(client.get("/settings/stages/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Negotiation" in html
    for role in ("executive", "regional_manager", "account_executive"):
        client.force_login(make_user(role, [] if role == "executive" else ["JP"]))
        assert client.get("/settings/stages/").status_code == 403
        assert client.get(f"/settings/stages/{Stage.objects.first().pk}/").status_code == 403


def test_a_seeded_stage_reads_in_the_readers_language_until_renamed(boss):
    pilot = Stage.objects.get(key="pilot")
    with translation.override("ja"):
        assert pilot.label != "Pilot"
    services.do_update_stage(pilot, boss, {"name": "Proof of concept", "names": {"ja": "PoC 検証"}})
    with translation.override("ja"):
        assert pilot.label == "PoC 検証"
    with translation.override("zh-hans"):
        assert pilot.label == "Proof of concept"


def test_an_admin_renames_a_stage_with_its_variants(client, boss):
    client.force_login(boss)
    pilot = Stage.objects.get(key="pilot")
    response = client.post(
        f"/settings/stages/{pilot.pk}/",
        {
            "name": "Trial",
            "name_zh": "试用",
            "name_ja": "トライアル",
            "probability": 45,
            "outcome": "open",
        },
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert (pilot.name, pilot.names, pilot.probability) == (
        "Trial",
        {"zh-hans": "试用", "ja": "トライアル"},
        45,
    )


def test_the_stage_form_says_what_is_wrong(client, boss):
    client.force_login(boss)
    pilot = Stage.objects.get(key="pilot")
    with translation.override("en"):
        html = ok_html(
            client.post(
                f"/settings/stages/{pilot.pk}/",
                {"name": "", "probability": 140, "outcome": "open"},
                HTTP_ACCEPT_LANGUAGE="en",
            )
        )
    assert "invalid-feedback" in html
    pilot.refresh_from_db()
    assert pilot.name == "Pilot"


def test_an_admin_adds_and_moves_a_stage(client, boss):
    client.force_login(boss)
    response = client.post(
        "/settings/stages/new/", {"name": "Security review", "probability": 70, "outcome": "open"}
    )
    assert response.status_code == 302
    assert keys()[-1] == "security-review"
    review = Stage.objects.get(key="security-review")
    for _step in range(3):
        client.post(f"/settings/stages/{review.pk}/move/", {"to": "up"})
    assert keys() == [
        "qualification", "discovery", "pilot", "proposal", "security-review", "negotiation", "won", "lost",
    ]  # fmt: skip


def test_a_stage_in_use_is_deactivated_not_deleted(boss, make_account, ae):
    deal = opportunities.do_create_opportunity(
        make_account(owner=ae), ae, name="Pilot", amount=Money(1000, "JPY"), stage="discovery"
    )
    discovery = Stage.objects.get(key="discovery")
    assert services.do_retire_stage(discovery, boss) == "deactivated"
    discovery.refresh_from_db()
    assert not discovery.is_active
    deal.refresh_from_db()
    assert deal.stage == discovery
    # new deals and moves no longer use it; the deal in it keeps it
    with pytest.raises(ValidationError):
        opportunities.do_create_opportunity(
            make_account(owner=ae), ae, name="X", amount=Money(1, "JPY"), stage="discovery"
        )
    assert opportunities.do_update_opportunity(deal, ae, {"stage": "discovery"}) == []
    with pytest.raises(ValidationError):
        services.do_update_stage(discovery, boss, {"outcome": "won"})
    empty = services.do_add_stage(boss, name="Unused")
    assert services.do_retire_stage(empty, boss) == "deleted"
    assert not Stage.objects.filter(key="unused").exists()


def test_the_pipeline_keeps_a_won_and_a_lost_stage(boss):
    with pytest.raises(ValidationError):
        services.do_retire_stage(Stage.objects.get(key="won"), boss)
    assert Stage.objects.get(key="won").is_active
    with pytest.raises(ValidationError):
        services.do_update_stage(Stage.objects.get(key="lost"), boss, {"outcome": "open"})


def test_only_admins_change_stages(make_user):
    manager = make_user("regional_manager", ["JP"])
    with pytest.raises(PermissionDenied):
        services.do_add_stage(manager, name="Mine")


def test_stages_through_the_api(api, boss, make_user):
    client = api(boss)
    created = client.post(
        "/api/v1/stages/",
        {"name": "Legal", "names": {"ja": "法務確認"}, "probability": 85},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["is_active"] is True
    ids = [pk, *Stage.objects.exclude(pk=pk).order_by("order").values_list("pk", flat=True)]
    reordered = client.post("/api/v1/stages/reorder/", {"ids": ids}, format="json")
    assert reordered.status_code == 200
    openapi.check(reordered, "post")
    assert reordered.json()[0]["key"] == "legal"
    assert (
        client.patch(f"/api/v1/stages/{pk}/", {"probability": 90}, format="json").json()[
            "probability"
        ]
        == 90
    )
    assert client.delete(f"/api/v1/stages/{pk}/").status_code == 204
    assert not Stage.objects.filter(pk=pk).exists()
    bad = client.post("/api/v1/stages/reorder/", {"ids": [1]}, format="json")
    assert bad.status_code == 400
    outsider = api(make_user("account_executive", ["JP"]))
    assert outsider.post("/api/v1/stages/", {"name": "X"}, format="json").status_code == 403
    assert outsider.get("/api/v1/stages/").status_code == 200
