"""The desk's settings through the API: SLA policies, agent profiles, shifts, reply templates
and their wordings; the same rules and messages as the pages, answers as the schema says."""

from __future__ import annotations

import pytest

from beachhead.core.tests.openapi import check, check_error
from beachhead.support.models import ReplyTemplate, Shift, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("regional_manager", ["JP"], username="kenji")


def test_policies_list_and_admin_creates_one_with_names(api, admin, markets):
    client = api(admin)
    check(client.get("/api/v1/sla-policies/"))
    response = client.post(
        "/api/v1/sla-policies/",
        {
            "name": "Strategic Korea",
            "names": {"ja": "韓国 戦略"},
            "tiers": ["strategic"],
            "market_codes": ["kr"],
            "calendar": "24x7",
            "first_reply_minutes": 15,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = check(response, "post")
    assert data["market_codes"] == ["KR"]
    assert data["names"] == {"ja": "韓国 戦略"}


def test_policy_errors_are_by_field(api, admin, markets):
    data = check_error(
        api(admin).post(
            "/api/v1/sla-policies/",
            {"name": "x", "first_reply_minutes": -5, "calendar": "sometimes"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        400,
    )
    assert set(data["fields"]) == {"first_reply_minutes", "calendar"}


def test_agent_cannot_write_policies_and_manager_only_their_markets(
    api, make_agent, manager, markets
):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"])
    everywhere = SlaPolicy.objects.filter(market_codes=[]).first()
    assert everywhere is not None
    body = {"name": "Mine", "market_codes": ["JP"], "first_reply_minutes": 10}
    check_error(api(agent).post("/api/v1/sla-policies/", body, format="json"), 403)
    check_error(
        api(agent).patch(f"/api/v1/sla-policies/{everywhere.pk}/", {"order": 1}, format="json"),
        404,
    )
    client = api(manager)
    created = client.post("/api/v1/sla-policies/", body, format="json")
    assert created.status_code == 201, created.content
    check_error(
        client.post("/api/v1/sla-policies/", {**body, "market_codes": ["DE"]}, format="json"),
        400,
    )
    check_error(
        client.patch(f"/api/v1/sla-policies/{everywhere.pk}/", {"order": 1}, format="json"),
        404,
    )
    changed = client.patch(
        f"/api/v1/sla-policies/{created.json()['id']}/", {"resolution_minutes": 600}, format="json"
    )
    assert check(changed, "patch")["resolution_minutes"] == 600


def test_deleting_a_policy_tickets_follow_deactivates_it(api, admin, customer):
    from beachhead.support.services.tickets import do_create_ticket

    ticket = do_create_ticket(subject="急ぎ", body_text="…", account=customer, actor=admin)
    assert ticket.sla_policy is not None
    response = api(admin).delete(f"/api/v1/sla-policies/{ticket.sla_policy_id}/")
    assert response.status_code == 200
    assert check(response, "delete")["is_active"] is False
    unused = SlaPolicy.objects.create(name="Unused", first_reply_minutes=5)
    assert api(admin).delete(f"/api/v1/sla-policies/{unused.pk}/").status_code == 204


def test_shifts_and_profiles_through_the_api(api, manager, make_agent):
    mine = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"], shifts=[("09:00", "18:00")], days=[0])
    other = make_agent("lena", ["DE"], "Europe/Berlin", ["de"])
    client = api(manager)
    check(client.get("/api/v1/shifts/"))
    night = client.post(
        "/api/v1/shifts/",
        {"agent": mine.pk, "weekday": 4, "start": "22:00", "end": "06:00"},
        format="json",
    )
    assert night.status_code == 201, night.content
    assert check(night, "post")["past_midnight"] is True
    data = check_error(
        client.post(
            "/api/v1/shifts/",
            {"agent": mine.pk, "weekday": 5, "start": "05:00", "end": "07:00"},
            format="json",
        ),
        400,
    )
    assert "start" in data["fields"]  # Friday's night shift runs into Saturday 06:00
    check_error(
        client.post(
            "/api/v1/shifts/",
            {"agent": other.pk, "weekday": 0, "start": "09:00", "end": "17:00"},
            format="json",
        ),
        400,
    )
    theirs = Shift.objects.filter(user=other).first()
    check_error(client.delete(f"/api/v1/shifts/{theirs.pk}/"), 404)
    profile = mine.agent_profile
    changed = client.patch(
        f"/api/v1/agent-profiles/{profile.pk}/",
        {"skills": ["billing"], "accepts_tickets": False},
        format="json",
    )
    assert check(changed, "patch")["skills"] == ["billing"]
    check_error(
        client.patch(
            f"/api/v1/agent-profiles/{other.agent_profile.pk}/", {"skills": []}, format="json"
        ),
        404,
    )


def test_templates_and_wordings_through_the_api(api, admin, manager, markets):
    client = api(admin)
    created = client.post(
        "/api/v1/reply-templates/", {"name": "Closing", "names": {"ja": "クローズ"}}, format="json"
    )
    assert created.status_code == 201, created.content
    template = check(created, "post")
    assert template["key"] == "closing"
    bad = check_error(
        client.post(
            "/api/v1/reply-template-wordings/",
            {"template": template["id"], "language": "en", "body": "Bye {who}"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        400,
    )
    assert "body" in bad["fields"]
    ok = api(manager).post(
        "/api/v1/reply-template-wordings/",
        {"template": template["id"], "language": "ja", "market_code": "JP", "body": "{customer}様"},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    listed = check(api(manager).get(f"/api/v1/reply-templates/{template['id']}/"))
    assert [v["market_code"] for v in listed["variants"]] == ["JP"]
    assert ReplyTemplate.objects.get(pk=template["id"]).names == {"ja": "クローズ"}
