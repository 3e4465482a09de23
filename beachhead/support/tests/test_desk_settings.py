"""The desk's settings pages: SLA policies, agents, shifts and reply templates; who may change
what (an admin everywhere, a regional manager in their markets, an agent nowhere); validation
in the reader's language; names in several languages where they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from beachhead.core.settings_pages import pages_for
from beachhead.core.tests.pages import ok_html
from beachhead.support.models import (
    AgentProfile,
    ReplyTemplate,
    ReplyTemplateVariant,
    Shift,
    SlaPolicy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("regional_manager", ["JP"], username="kenji")


@pytest.fixture
def jp_policy(markets):
    return SlaPolicy.objects.create(
        name="Japan strategic",
        names={"ja": "日本 戦略顧客"},
        market_codes=["JP"],
        order=5,
        first_reply_minutes=30,
    )


@pytest.fixture
def template():
    template = ReplyTemplate.objects.create(key="thanks", name="Thanks", names={"ja": "お礼"})
    ReplyTemplateVariant.objects.create(
        template=template,
        language="ja",
        market_code="JP",
        body="{customer}様、ありがとうございます。",
    )
    return template


def signed_in(client, user, language="en"):
    """Sign ``user`` in, reading the pages in ``language`` (their preference)."""
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


URLS = [
    "/settings/desk/sla-policies/",
    "/settings/desk/sla-policies/new/",
    "/settings/desk/agents/",
    "/settings/desk/shifts/",
    "/settings/desk/shifts/new/",
    "/settings/desk/templates/",
    "/settings/desk/templates/new/",
]


@pytest.mark.parametrize("language", ["en", "zh-hans", "ja"])
def test_every_page_opens_for_an_admin_in_each_language(client, admin, markets, language):
    signed_in(client, admin, language)
    for url in URLS:
        html = ok_html(client.get(url, HTTP_ACCEPT_LANGUAGE=language))
        assert "/settings/" in html  # the breadcrumb leads back to the hub


def test_empty_lists_teach_what_belongs_there(client, admin, db):
    SlaPolicy.objects.all().delete()
    signed_in(client, admin)
    with translation.override("en"):
        assert "No SLA policy yet" in ok_html(client.get("/settings/desk/sla-policies/"))
        assert "No reply template yet" in ok_html(client.get("/settings/desk/templates/"))
        assert "No agent yet" in ok_html(client.get("/settings/desk/agents/"))


def test_an_agent_may_not_open_the_settings(client, make_agent, jp_policy):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"])
    signed_in(client, agent)
    for url in [*URLS, f"/settings/desk/sla-policies/{jp_policy.pk}/"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/settings/desk/sla-policies/{jp_policy.pk}/", {"name": "Mine"})
    assert response.status_code == 403
    jp_policy.refresh_from_db()
    assert jp_policy.name == "Japan strategic"
    assert pages_for(agent) == [] or all(not p.key.startswith("desk.") for p in pages_for(agent))


def test_the_hub_lists_the_desk_pages_to_admins_and_managers(admin, manager):
    keys = {"desk.sla_policies", "desk.agents", "desk.shifts", "desk.templates"}
    assert keys <= {p.key for p in pages_for(admin)}
    assert keys <= {p.key for p in pages_for(manager)}


def test_admin_creates_a_policy_with_names_and_it_shows_in_the_readers_language(
    client, admin, markets
):
    signed_in(client, admin)
    response = client.post(
        "/settings/desk/sla-policies/new/",
        {
            "name": "Urgent Korea",
            "name_zh_hans": "韩国紧急",
            "name_ja": "韓国 緊急",
            "order": "3",
            "is_active": "on",
            "priorities": ["urgent"],
            "market_codes": ["KR"],
            "calendar": "24x7",
            "first_reply_minutes": "15",
            "resolution_minutes": "480",
        },
    )
    assert response.status_code == 302, response.content
    policy = SlaPolicy.objects.get(name="Urgent Korea")
    assert policy.names == {"zh-hans": "韩国紧急", "ja": "韓国 緊急"}
    assert policy.priorities == ["urgent"]
    assert policy.market_codes == ["KR"]
    signed_in(client, admin, "ja")
    html = ok_html(client.get("/settings/desk/sla-policies/", HTTP_ACCEPT_LANGUAGE="ja"))
    assert "韓国 緊急" in html
    assert "15分" in html  # the target, in Japanese


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "more than zero"), ("ja", "0 分より大きく"), ("zh-hans", "必须大于 0 分钟")],
)
def test_targets_must_be_positive_in_the_readers_language(
    client, admin, markets, language, message
):
    signed_in(client, admin, language)
    response = client.post(
        "/settings/desk/sla-policies/new/",
        {"name": "Bad", "order": "1", "calendar": "market", "first_reply_minutes": "0"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert message in ok_html(response)
    assert not SlaPolicy.objects.filter(name="Bad").exists()


def test_resolution_cannot_come_before_first_reply(admin, markets):
    from django.core.exceptions import ValidationError

    from beachhead.support.services.sla_policies import do_create_sla_policy

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        do_create_sla_policy(
            admin, name="x", first_reply_minutes=60, resolution_minutes=30, calendar="coverage"
        )
    assert set(caught.value.message_dict) == {"resolution_minutes", "coverage_markets"}


def test_a_manager_changes_only_policies_of_their_markets(client, manager, jp_policy, markets):
    everywhere = SlaPolicy.objects.exclude(pk=jp_policy.pk).first()
    assert everywhere is not None
    assert not everywhere.market_codes
    signed_in(client, manager)
    html = ok_html(client.get("/settings/desk/sla-policies/"))
    assert f"/settings/desk/sla-policies/{jp_policy.pk}/" in html
    assert f"/settings/desk/sla-policies/{everywhere.pk}/" not in html
    assert client.get(f"/settings/desk/sla-policies/{everywhere.pk}/").status_code == 403
    response = client.post(
        f"/settings/desk/sla-policies/{jp_policy.pk}/",
        {
            "name": "Japan strategic",
            "order": "5",
            "market_codes": ["JP"],
            "calendar": "market",
            "first_reply_minutes": "20",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    jp_policy.refresh_from_db()
    assert jp_policy.first_reply_minutes == 20
    # A policy for another market, or for every market, is refused.
    with translation.override("en"):
        response = client.post(
            "/settings/desk/sla-policies/new/",
            {"name": "Everywhere", "order": "1", "calendar": "market", "first_reply_minutes": "5"},
        )
        assert "only an admin sets policies for every market" in ok_html(response)
    assert not SlaPolicy.objects.filter(name="Everywhere").exists()


def test_a_policy_tickets_follow_is_deactivated_not_deleted(client, admin, jp_policy, customer):
    from beachhead.support.services.tickets import do_create_ticket

    signed_in(client, admin)
    fresh = SlaPolicy.objects.create(name="Unused", first_reply_minutes=10)
    client.post(f"/settings/desk/sla-policies/{fresh.pk}/delete/")
    assert not SlaPolicy.objects.filter(pk=fresh.pk).exists()
    ticket = do_create_ticket(subject="助けて", body_text="…", account=customer, actor=admin)
    used = ticket.sla_policy
    assert used is not None
    client.post(f"/settings/desk/sla-policies/{used.pk}/delete/")
    used.refresh_from_db()
    assert used.is_active is False
    with translation.override("ja"):
        html = ok_html(client.get(ticket.get_absolute_url()))
    assert used.name in html or (used.names.get("ja") or "") in html


def test_sla_policy_change_is_audited_and_an_event(admin, jp_policy):
    from auditlog.context import auditlog_value
    from auditlog.models import LogEntry

    from beachhead.core.models import Event
    from beachhead.support.services.sla_policies import do_update_sla_policy

    # An earlier test's request may leave auditlog's context behind naming a user with the same
    # id (``audit_actor`` then trusts it): start from none, as a command or a task does.
    auditlog_value.set({})
    do_update_sla_policy(jp_policy, admin, {"first_reply_minutes": 45})
    entry = LogEntry.objects.get_for_object(jp_policy).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin
    event = Event.objects.filter(kind="support.sla_policy_changed").latest("pk")
    assert event.data == {"action": "changed", "fields": ["first_reply_minutes"]}


# --- Agents and shifts -------------------------------------------------------------------------


def test_agents_list_shows_languages_and_week_in_few_queries(
    client, admin, make_agent, django_assert_max_num_queries
):
    for n in range(6):
        make_agent(f"agent{n}", ["JP"], "Asia/Tokyo", ["ja", "en"], first_name=f"A{n}")
    signed_in(client, admin, "en")
    with django_assert_max_num_queries(12):
        html = ok_html(client.get("/settings/desk/agents/"))
    assert "Japanese" in html
    assert "09:00–18:00" in html
    assert "Tokyo" in html
    with django_assert_max_num_queries(12):
        ok_html(client.get("/settings/desk/shifts/"))


def test_manager_edits_agents_of_their_market_only(client, manager, make_agent):
    mine = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"])
    other = make_agent("lena", ["DE"], "Europe/Berlin", ["de"])
    signed_in(client, manager)
    html = ok_html(client.get("/settings/desk/agents/"))
    assert mine.display_name in html
    assert other.display_name not in html
    assert client.get(f"/settings/desk/agents/{other.pk}/").status_code == 404
    response = client.post(
        f"/settings/desk/agents/{mine.pk}/",
        {"languages": ["ja", "en"], "skills": "Billing, kubernetes", "accepts_tickets": ""},
    )
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=mine)
    assert profile.languages == ["ja", "en"]
    assert profile.skills == ["billing", "kubernetes"]
    assert profile.accepts_tickets is False


def test_night_shift_runs_past_midnight_and_overlaps_are_refused(client, admin, make_agent):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"], shifts=[("09:00", "18:00")], days=[0])
    signed_in(client, admin)
    response = client.post(
        "/settings/desk/shifts/new/",
        {"agent": agent.pk, "weekday": "0", "start": "22:00", "end": "06:00"},
    )
    assert response.status_code == 302
    night = Shift.objects.get(user=agent, start=dt.time(22, 0))
    assert night.end == dt.time(6, 0)
    # Tuesday 05:00 is still inside Monday's night shift.
    with translation.override("en"):
        html = ok_html(
            client.post(
                "/settings/desk/shifts/new/",
                {"agent": agent.pk, "weekday": "1", "start": "05:00", "end": "08:00"},
            )
        )
        assert "overlaps the agent&#x27;s shift on Monday, 22:00–06:00" in html
        html = ok_html(
            client.post(
                "/settings/desk/shifts/new/",
                {"agent": agent.pk, "weekday": "2", "start": "10:00", "end": "10:00"},
            )
        )
        assert "ends at another time than it starts" in html
    assert ok_html(client.get("/settings/desk/shifts/")).count("past midnight") >= 1


def test_manager_cannot_add_a_shift_to_another_markets_agent(manager, make_agent):
    from django.core.exceptions import ValidationError

    from beachhead.support.services.agents import do_create_shift

    other = make_agent("lena", ["DE"], "Europe/Berlin", ["de"])
    with pytest.raises(ValidationError) as caught:
        do_create_shift(manager, agent=other.pk, weekday=0, start="09:00", end="17:00")
    assert "agent" in caught.value.message_dict


# --- Reply templates -----------------------------------------------------------------------------


def test_template_with_wordings_and_placeholders_checked(client, admin, markets):
    signed_in(client, admin)
    response = client.post(
        "/settings/desk/templates/new/",
        {"name": "Asking for logs", "name_zh_hans": "索取日志", "name_ja": "ログのお願い"},
    )
    template = ReplyTemplate.objects.get(name="Asking for logs")
    assert response.status_code == 302
    assert template.key == "asking-for-logs"
    url = f"/settings/desk/templates/{template.pk}/wordings/new/"
    with translation.override("en"):
        html = ok_html(
            client.post(
                url,
                {
                    "language": "en",
                    "market_code": "",
                    "tone": "formal",
                    "body": "Dear {client}, please send logs.",
                },
            )
        )
        assert "Unknown placeholder {client}" in html
        html = ok_html(
            client.post(
                url,
                {
                    "language": "en",
                    "market_code": "",
                    "tone": "formal",
                    "body": "Dear {customer, please",
                },
            )
        )
        assert "A brace is not closed" in html
    response = client.post(
        url,
        {
            "language": "en",
            "market_code": "",
            "tone": "formal",
            "body": "Dear {customer}, please send the logs of {ticket}.",
        },
    )
    assert response.status_code == 302
    assert template.variants.get().language == "en"
    signed_in(client, admin, "zh-hans")
    assert "索取日志" in ok_html(
        client.get("/settings/desk/templates/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    )


def test_manager_changes_wordings_of_their_market_only(client, manager, template, markets):
    shared = ReplyTemplateVariant.objects.create(template=template, language="en", body="Thanks!")
    signed_in(client, manager)
    mine = template.variants.get(market_code="JP")
    base = f"/settings/desk/templates/{template.pk}/wordings"
    assert client.get(f"{base}/{mine.pk}/").status_code == 200
    assert client.get(f"{base}/{shared.pk}/").status_code == 404
    # The template has a wording for every market: its title is the admin's.
    assert client.post(f"/settings/desk/templates/{template.pk}/", {"name": "X"}).status_code == 403
    response = client.post(
        f"{base}/new/", {"language": "en", "market_code": "DE", "tone": "formal", "body": "Hi"}
    )
    assert response.status_code == 200  # refused: not their market
    assert not template.variants.filter(market_code="DE").exists()


def test_picker_offers_the_customers_and_the_readers_language(
    client, make_agent, customer, template
):
    from beachhead.support.services.tickets import do_create_ticket

    ReplyTemplateVariant.objects.create(
        template=template, language="en", body="Thank you, {customer}."
    )
    agent = make_agent(
        "lena", ["JP"], "Europe/Berlin", ["en"], shifts=[("00:00", "00:00")], days=range(7)
    )
    ticket = do_create_ticket(
        subject="質問", body_text="…", account=customer, language="ja", actor=agent
    )
    signed_in(client, agent, "en")
    html = ok_html(client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-language="ja"' in html
    assert 'data-language="en"' in html
    url = f"/support/tickets/{ticket.pk}/template/?template=thanks"
    assert client.get(url).json()["language"] == "ja"
    assert client.get(url + "&language=en").json()["text"].startswith("Thank you")
    signed_in(client, agent, "ja")
    assert "お礼" in ok_html(client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja"))


@pytest.mark.parametrize(
    "body", ["Dear {customer:>999999999}", "Dear {customer!r}", "{ticket:,}", "{agent!s:^50}"]
)
def test_a_wording_with_a_format_spec_is_refused(body):
    """ASVS 1.3.10: a placeholder's format spec would let an editor make the server build a
    string of any size; only plain {names} are taken."""
    from django.core.exceptions import ValidationError

    from beachhead.support.services.reply_templates import check_placeholders

    with pytest.raises(ValidationError) as caught:
        check_placeholders(body)
    assert "without a format" in caught.value.messages[0]


def test_filling_a_wording_evaluates_nothing_but_plain_names():
    from beachhead.support.services.reply_templates import fill_placeholders

    values = {"customer": "Aiko", "ticket": "#7"}
    assert fill_placeholders("Dear {customer}, {{ticket}} is {ticket}.", values) == (
        "Dear Aiko, {ticket} is #7."
    )
    # Stored before the check refused them: left as written, never evaluated.
    for body in ("{customer:>999999999}", "{customer.__class__}", "{customer[0]}", "{x}", "{"):
        assert fill_placeholders(body, values) == body
