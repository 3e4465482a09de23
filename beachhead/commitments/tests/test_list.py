"""The ledger as a saved-views source: its columns (health now, due time in the customer's
zone, the owner or the team), its filters, its scope for two roles, its export, and the
commitments page's parameters turned into saved-view conditions."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from beachhead.commitments import lists, services
from beachhead.commitments.models import Commitment, State
from beachhead.commitments.tests.test_api_pages import make
from beachhead.core.models import Team


@pytest.fixture
def agent(make_user):
    return make_user("support_agent", ["JP"], username="aoi")


def promise(owner, markets, code="JP", minutes=60, start=None, **fields):
    """A promise of the API tests' kind, with ``fields`` (a title at least) set afterwards."""
    commitment = make(owner, markets, minutes, code, start)
    Commitment.objects.filter(pk=commitment.pk).update(**{"title": "Call back", **fields})
    commitment.refresh_from_db()
    return commitment


def titles(html: str) -> set[str]:
    """The promises a page lists (their titles link to their pages)."""
    return set(re.findall(r'<a href="/commitments/\d+/">\s*([^<]+?)\s*</a>', html))


@pytest.fixture
def ledger(agent, markets, make_user):
    """One promise of each health in Tokyo, and one in Berlin."""
    now = datetime.now(UTC)
    promise(agent, markets, title="On track", minutes=600)
    promise(agent, markets, title="Late one", start=now - timedelta(hours=2))
    promise(agent, markets, title="Paused one", minutes=600, paused_at=now)
    kept = promise(agent, markets, title="Kept one", kind="first_reply")
    services.do_keep(kept, at=now)
    promise(make_user("support_agent", ["DE"], username="jonas"), markets, "DE", title="Berlin")


def test_health_in_sql_is_the_models_health(ledger):
    now = timezone.now()
    rows = Commitment.objects.annotate(health_now=lists.health_at(now))
    assert {c.title: c.health_now for c in rows} == {c.title: c.health(now) for c in rows}
    assert {c.title: c.health_now for c in rows}["Late one"] == "broken"


def test_columns_render_health_due_owner_and_kind(client, agent, ledger):
    client.force_login(agent)
    cols = "title,kind,owner,team__name,due_at,health_now,state,market__code,calendar"
    response = client.get("/lists/commitments/", {"cols": cols})
    html = response.content.decode()
    assert response.status_code == 200
    assert "alert-danger" not in html
    assert "state-at_risk" not in html
    assert "state-broken" in html
    assert "state-paused" in html
    assert "Follow-up" in html
    assert "First reply" in html
    assert "<time datetime=" in html  # due times, the customer's zone on hover
    assert ">aoi<" in html.replace("\n", "").replace("  ", "")
    commitment = Commitment.objects.get(title="On track")
    assert f'href="/commitments/{commitment.pk}/"' in html


def test_a_team_holds_a_promise_without_owner(client, agent, markets):
    team = Team.objects.create(name="Tokyo desk")
    c = promise(agent, markets, title="Team promise")
    Commitment.objects.filter(pk=c.pk).update(owner=None, team=team)
    client.force_login(agent)  # no longer theirs, but in their market
    html = client.get("/lists/commitments/", {"f": "title:eq:Team promise"}).content.decode()
    assert "Tokyo desk" in html


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (["state:eq:open"], {"On track", "Late one", "Paused one"}),
        (["health_now:eq:paused"], {"Paused one"}),
        (["state:eq:open", "health_now:eq:broken"], {"Late one"}),
        (["health_now:in:on_track,kept"], {"On track", "Kept one"}),
        (["kind:eq:first_reply"], {"Kept one"}),
        (["owner:eq:@me", "state:in:kept,kept_late"], {"Kept one"}),
    ],
)
def test_filters(client, agent, ledger, conditions, expected):
    client.force_login(agent)
    html = client.get("/lists/commitments/", {"f": conditions}).content.decode()
    assert titles(html) == expected


def test_group_and_sort_by_health(client, agent, ledger):
    client.force_login(agent)
    grouped = client.get("/lists/commitments/", {"group": "health_now", "sort": "-health_now"})
    assert grouped.status_code == 200
    assert "alert-danger" not in grouped.content.decode()


@pytest.mark.parametrize(
    ("role", "markets_of", "expected"),
    [
        ("support_agent", ["JP"], {"On track", "Late one", "Paused one", "Kept one"}),
        ("support_agent", ["DE"], {"Berlin"}),
        ("admin", None, {"On track", "Late one", "Paused one", "Kept one", "Berlin"}),
    ],
)
def test_scope_of_each_role_in_the_page_and_the_export(
    client, make_user, ledger, role, markets_of, expected
):
    client.force_login(make_user(role, markets_of, username=f"{role}-viewer"))
    assert titles(client.get("/lists/commitments/").content.decode()) == expected
    export = client.get("/lists/commitments/export.csv", {"cols": "title,health_now,state"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Promise", "Health", "State"]
    assert {row[0] for row in rows[1:]} == expected
    # Plain values (labels), not badges.
    assert all("badge" not in cell for row in rows for cell in row)


def test_export_writes_health_labels(client, agent, ledger):
    client.force_login(agent)
    export = client.get(
        "/lists/commitments/export.csv", {"cols": "title,health_now", "f": "health_now:eq:paused"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[1:] == [["Paused one", "Paused"]]
    xlsx = client.get("/lists/commitments/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_header_offers_to_record_a_promise_to_those_who_may(client, agent, make_user):
    client.force_login(agent)
    assert 'href="/commitments/new/"' in client.get("/lists/commitments/").content.decode()
    client.force_login(make_user("community", ["JP"], username="kei"))
    html = client.get("/lists/commitments/").content.decode()
    assert "Record a promise" not in html


def _conditions(location: str) -> tuple[str, dict]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query)


def test_the_commitments_page_is_the_list_with_our_parameters(client, agent):
    client.force_login(agent)
    path, query = _conditions(client.get("/commitments/")["Location"])
    assert path == "/lists/commitments/"
    assert query == {"f": ["state:eq:open"]}
    path, query = _conditions(
        client.get(
            "/commitments/",
            {
                "kind": "follow_up",
                "market": "jp",
                "owner": "me",
                "health": "overdue",
                "q": "Nintendo",
                "page": "2",
            },
        )["Location"]
    )
    assert query == {
        "f": [
            "kind:eq:follow_up",
            "market__code:eq:JP",
            "owner:eq:@me",
            "state:eq:open",
            "health_now:eq:broken",
        ],
        "q": ["Nintendo"],
        "page": ["2"],
    }
    # A value the ledger does not know is left out, as the page always did.
    path, query = _conditions(client.get("/commitments/?state=bogus&market=JPN")["Location"])
    assert path == "/lists/commitments/"
    assert query == {}
    assert client.get("/commitments/?health=at_risk")["Location"].endswith(
        "?f=health_now%3Aeq%3Aat_risk"
    )


def test_api_parameters(api, agent, ledger):
    client = api(agent)

    def names(params) -> set[str]:
        body = client.get("/api/v1/commitments/", params).json()
        return {row["title"] for row in body["results"]}

    assert names({"health": "overdue"}) == {"Late one"}
    assert names({"health": "paused"}) == {"Paused one"}
    assert names({"health": "at_risk"}) == set()
    assert names({"kind": "first_reply"}) == {"Kept one"}
    assert names({"state": "kept"}) == {"Kept one"}
    assert names({"market": "jp", "q": "paused"}) == {"Paused one"}
    assert names({"q": "ticket #42", "owner": str(agent.pk), "state": "open"}) == {
        "On track",
        "Late one",
        "Paused one",
    }
    # Values it does not understand are ignored, never an error.
    everything = {"On track", "Late one", "Paused one", "Kept one"}
    for params in (
        {"state": "bogus"},
        {"state": "open,kept"},
        {"kind": "nope"},
        {"market": "JP,KR"},
        {"owner": "aoi"},
        {"owner": "none"},
        {"health": "sick"},
    ):
        assert names(params) == everything, params


def test_the_at_risk_health_in_the_api_and_the_list(api, client, agent, markets):
    start = timezone.now() - timedelta(minutes=50)
    promise(agent, markets, title="Risky", start=start)  # warned at 80% of an hour: at risk
    assert [
        r["title"] for r in api(agent).get("/api/v1/commitments/?health=at_risk").json()["results"]
    ] == ["Risky"]
    client.force_login(agent)
    html = client.get(client.get("/commitments/?health=at_risk")["Location"]).content.decode()
    assert "Risky" in html


def test_list_query_count_does_not_grow(client, agent, markets, django_assert_max_num_queries):
    client.force_login(agent)
    promise(agent, markets)
    with django_assert_max_num_queries(60) as small:
        client.get(
            "/lists/commitments/", {"cols": ",".join(c.path for c in lists.COMMITMENTS.columns)}
        )
    for _ in range(10):
        promise(agent, markets)
    with django_assert_max_num_queries(60) as large:
        client.get(
            "/lists/commitments/", {"cols": ",".join(c.path for c in lists.COMMITMENTS.columns)}
        )
    assert len(large.captured_queries) == len(small.captured_queries)


def test_state_choices_are_the_models(db):
    assert dict(lists.COMMITMENTS.column("state").choices) == dict(State.choices)


def test_the_default_list_shows_state_and_health_badges_and_full_names(
    client, agent, ledger, django_assert_max_num_queries
):
    """State and health are default columns, each a badge with the house colour, an icon and
    the word; owners by full name, not username."""
    from django.utils import translation

    agent.first_name, agent.last_name = "Aoi", "Tanaka"
    agent.save()
    client.force_login(agent)
    client.get("/lists/commitments/")  # warm the per-process caches
    with translation.override("en"), django_assert_max_num_queries(30):
        response = client.get("/lists/commitments/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "state" in response.context["state"].columns
    assert "health_now" in response.context["state"].columns
    assert 'class="badge bg-blue-lt"><i class="ti ti-circle-dot me-1"></i>Open' in html
    assert 'class="badge bg-green-lt"><i class="ti ti-circle-check me-1"></i>Kept on time' in html
    assert "state-paused" in html
    assert "state-broken" in html
    assert "Aoi Tanaka" in html
    assert ">aoi<" not in html.replace("\n", "").replace("  ", "")


def test_the_api_names_the_owner(client, agent, ledger):
    agent.first_name, agent.last_name = "Aoi", "Tanaka"
    agent.save()
    client.force_login(agent)
    rows = client.get("/api/v1/commitments/").json()["results"]
    mine = [r for r in rows if r["owner"] == agent.pk]
    assert mine
    assert {r["owner_name"] for r in mine} == {"Aoi Tanaka"}
