"""Every page of the core renders, needs a login, runs a bounded number of queries and speaks
the visitor's language."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beachhead.core.demo import DEMO_TEAMS
from beachhead.core.models import Team, User
from beachhead.core.services import do_create_team

PAGES = ["/", "/preferences/", "/people/", "/teams/", "/teams/{team}/", "/audit/", "/inbox/"]


@pytest.fixture
def demo(db):
    call_command("demo", seed=1, accounts=0, no_progress=True, stdout=None)
    return {"admin": User.objects.get(username="admin"), "team": Team.objects.order_by("pk")[0]}


@pytest.mark.parametrize("page", PAGES)
def test_every_core_page_renders_for_an_admin_with_demo_data(client, demo, page):
    # given
    client.force_login(demo["admin"])

    # when
    response = client.get(page.format(team=demo["team"].pk))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "{%" not in html
    assert "{{" not in html


@pytest.mark.parametrize("page", PAGES)
def test_every_core_page_needs_a_login(client, demo, page):
    # given
    url = page.format(team=demo["team"].pk)

    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("agent.tokyo", {"Tokyo Support", "Follow-the-sun Incident Desk"}),  # a member of both
        ("rm.apac", {"Tokyo Support", "Shanghai Support", "Manila Partner Desk"}),
        ("admin", {t[0] for t in DEMO_TEAMS}),
    ],
)
def test_the_teams_page_shows_the_teams_in_scope(client, demo, username, visible):
    # given
    client.force_login(User.objects.get(username=username))

    # when
    response = client.get("/teams/")

    # then
    assert {t.name for t in response.context["teams"]} == visible


def test_the_people_page_filters_by_role(client, demo):
    # given
    client.force_login(demo["admin"])

    # when
    response = client.get("/people/", {"role": "regional_manager"})

    # then
    people = list(response.context["page"])
    assert {p.username for p in people} == {"rm.apac", "rm.emea", "rm.americas"}
    assert "Sato Haruka" in response.content.decode()


def test_the_people_page_links_only_the_teams_the_viewer_may_open(client, demo):
    # given: agent.berlin may not see the Tokyo team of agent.tokyo
    client.force_login(User.objects.get(username="agent.berlin"))

    # when
    response = client.get("/people/")

    # then
    html = response.content.decode()
    assert "Yamamoto Aoi" in html  # the colleague is listed …
    links = {int(pk) for pk in re.findall(r'href="/teams/(\d+)/"', html)}
    for pk in links:  # … but every team link opens
        assert client.get(f"/teams/{pk}/").status_code == 200
    assert Team.objects.get(name="Tokyo Support").pk not in links
    assert Team.objects.get(name="Berlin Support").pk in links


def test_the_people_page_hides_inactive_people(client, demo):
    # given
    User.objects.filter(username="rm.emea").update(is_active=False)
    client.force_login(demo["admin"])

    # when
    response = client.get("/people/", {"role": "regional_manager"})

    # then
    assert {p.username for p in response.context["page"]} == {"rm.apac", "rm.americas"}


def test_the_home_page_greets_the_user_by_name(client, demo):
    # given
    client.force_login(User.objects.get(username="ae.tokyo"))

    # when
    response = client.get("/")

    # then
    assert "Takahashi Ren" in response.content.decode()


def test_the_sidebar_shows_the_audit_log_only_to_those_who_may_read_it(client, demo):
    # given
    client.force_login(User.objects.get(username="agent.tokyo"))
    agent_html = client.get("/").content.decode()
    client.force_login(User.objects.get(username="compliance"))

    # when
    compliance_html = client.get("/").content.decode()

    # then
    assert 'href="/audit/"' not in agent_html
    assert 'href="/audit/"' in compliance_html


# --- Query counts do not grow with rows ------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_people(make_user, n: int, start: int) -> list[User]:
    return [make_user("support_agent", ["JP"], username=f"person{start + i:03}") for i in range(n)]


def _add_teams(people: list[User], n: int, start: int) -> None:
    for i in range(n):
        do_create_team(
            name=f"Team {start + i:03}",
            market_code="JP",
            manager=people[i % len(people)],
            members=people[:3],
        )


def test_the_people_page_runs_the_same_queries_for_5_or_40_people(client, make_user):
    # given
    admin = make_user("admin")
    people = _add_people(make_user, 5, 0)
    _add_teams(people, 2, 0)
    client.force_login(admin)
    few = _count_queries(client, "/people/")

    # when
    _add_people(make_user, 35, 5)
    many = _count_queries(client, "/people/")

    # then
    assert many == few


def test_the_teams_pages_run_the_same_queries_for_5_or_40_teams(client, make_user):
    # given
    admin = make_user("admin")
    people = _add_people(make_user, 5, 0)
    _add_teams(people, 5, 0)
    client.force_login(admin)
    first = Team.objects.order_by("pk").first()
    few = _count_queries(client, "/teams/")
    few_detail = _count_queries(client, f"/teams/{first.pk}/")

    # when
    more = _add_people(make_user, 20, 5)
    _add_teams(more, 35, 5)
    first.members.add(*more)
    many = _count_queries(client, "/teams/")
    many_detail = _count_queries(client, f"/teams/{first.pk}/")

    # then
    assert many == few
    assert many_detail == few_detail


def test_the_preferences_page_runs_the_same_queries_whatever_the_teams(client, make_user):
    # given
    user = make_user("support_agent", ["JP"])
    do_create_team(name="Team 0", market_code="JP", members=[user])
    client.force_login(user)
    few = _count_queries(client, "/preferences/")

    # when
    for i in range(1, 10):
        do_create_team(name=f"Team {i}", market_code="JP", members=[user])
    many = _count_queries(client, "/preferences/")

    # then
    assert many == few


# --- Languages -------------------------------------------------------------------------------


def _html_lang(response) -> str:
    return re.search(r"<html lang=\"([^\"]+)\"", response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("zh-hans", "zh-hans"),
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh-hans"),
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9", "ja"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
    ],
)
@pytest.mark.django_db
def test_the_login_page_follows_accept_language(client, accept, lang):
    # when
    response = client.get("/login", headers={"accept-language": accept})

    # then
    assert response.status_code == 200
    assert _html_lang(response) == lang


@pytest.mark.django_db
def test_login_is_translated(client):
    # Expects the zh_Hans and ja catalogues (beachhead/locale/*/LC_MESSAGES/django.po).
    # when
    chinese = client.get("/login", headers={"accept-language": "zh-hans"}).content.decode()
    japanese = client.get("/login", headers={"accept-language": "ja"}).content.decode()

    # then
    assert "登录" in chinese
    assert "ログイン" in japanese


def test_a_signed_in_user_sees_their_own_language_whatever_the_browser_says(client, make_user):
    # given
    user = make_user("support_agent", ["JP"], language="ja")
    client.force_login(user)

    # when
    response = client.get("/teams/", headers={"accept-language": "zh-hans"})

    # then
    assert _html_lang(response) == "ja"


def test_the_audit_log_names_actions_and_fields_in_the_readers_language(client, make_user):
    # given: a Japanese-reading administrator and a team whose market changed
    from beachhead.core.audit import audit_actor
    from beachhead.core.services import do_create_team

    admin = make_user("admin", language="ja")
    with audit_actor(admin):
        team = do_create_team(name="Osaka desk", market_code="JP")
        team.market_code = "KR"
        team.save()
    client.force_login(admin)

    # when
    page = client.get("/audit/").content.decode()

    # then: words, not codes
    assert "変更" in page
    assert "作成" in page
    assert ">market_code<" not in page
    assert 'title="market_code">市場' in page
