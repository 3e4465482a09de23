"""The access layer, as a matrix of role × object × action.

Every cell is checked three ways that must agree: ``scoped(Model, user, action)`` (the queryset
every page and endpoint starts from), ``may(user, obj, action)`` (one record), and what a person
actually gets through the API and the pages: 200 for a record in scope, 404 for one outside it
(never 403: a record you may not see is simply not there).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from beachhead.core import notify
from beachhead.core.access import Action, may, scoped
from beachhead.core.models import Notification, Team, User
from beachhead.core.services import do_create_team

VIEW, CHANGE, DELETE = Action.VIEW, Action.CHANGE, Action.DELETE

#: The cast: one person per role (market-scoped roles in JP unless said otherwise), a second JP
#: account executive who owns nothing, a regional manager of another market, an inactive user
#: and the anonymous visitor.
CAST = {
    "admin": ("admin", []),
    "executive": ("executive", []),
    "rm_jp": ("regional_manager", ["JP"]),
    "rm_de": ("regional_manager", ["DE"]),
    "ae_jp": ("account_executive", ["JP"]),
    "ae2_jp": ("account_executive", ["JP"]),
    "agent_jp": ("support_agent", ["JP"]),
    "cs_jp": ("customer_success", ["JP"]),
    "finance_us": ("finance", ["US"]),
    "compliance_de": ("compliance", ["DE"]),
    "community_jp": ("community", ["JP"]),
    "inactive_jp": ("regional_manager", ["JP"]),
    "anonymous": (None, None),
}
EVERYONE = set(CAST)
GLOBAL = {"admin", "executive"}
JP_PEOPLE = {"rm_jp", "ae_jp", "ae2_jp", "agent_jp", "cs_jp", "community_jp"}
DE_PEOPLE = {"rm_de", "compliance_de"}


@pytest.fixture
def cast(make_user) -> dict:
    people = {}
    for name, (role, codes) in CAST.items():
        if role is None:
            people[name] = AnonymousUser()
            continue
        people[name] = make_user(role, codes, username=name)
    people["inactive_jp"].is_active = False
    people["inactive_jp"].save(update_fields=["is_active"])
    return people


# --- Expected outcomes -----------------------------------------------------------------------
# (object, action) → who may. Everybody else must be refused.

EXPECTED = {
    # Markets: everyone of the market sees it; its regional manager (and global roles) edit it.
    ("market_jp", VIEW): GLOBAL | JP_PEOPLE,
    ("market_jp", CHANGE): GLOBAL | {"rm_jp"},
    ("market_jp", DELETE): GLOBAL | {"rm_jp"},
    ("market_de", VIEW): GLOBAL | DE_PEOPLE,
    ("market_de", CHANGE): GLOBAL | {"rm_de"},
    # Teams: visible in their market; changed by their manager (no editor role) and global roles.
    ("team_jp", VIEW): GLOBAL | JP_PEOPLE,
    ("team_jp", CHANGE): GLOBAL | {"rm_jp"},
    ("team_jp", DELETE): GLOBAL | {"rm_jp"},
    ("team_de", VIEW): GLOBAL | DE_PEOPLE,
    ("team_de", CHANGE): GLOBAL | {"rm_de"},
    # A global team (no market): its members see it wherever they work; they do not change it.
    ("team_global", VIEW): GLOBAL | {"agent_jp", "rm_de"},
    ("team_global", CHANGE): GLOBAL,
    # An inbox is private: the recipient alone, admins included.
    ("notification", VIEW): {"agent_jp"},
    ("notification", CHANGE): {"agent_jp"},
    ("notification", DELETE): {"agent_jp"},
    # A JP commitment owned by ae_jp: the market sees it; the owner and its RM change it.
    ("commitment_jp", VIEW): GLOBAL | JP_PEOPLE,
    ("commitment_jp", CHANGE): GLOBAL | {"rm_jp", "ae_jp"},
    ("commitment_jp", DELETE): GLOBAL | {"rm_jp", "ae_jp"},
}

CELLS = [
    (obj, action, who, who in allowed)
    for (obj, action), allowed in EXPECTED.items()
    for who in sorted(EVERYONE)
]


def _cell_id(cell) -> str:
    obj, action, who, allowed = cell
    return f"{obj}-{action}-{who}-{'yes' if allowed else 'no'}"


@pytest.fixture
def teams(cast) -> dict:
    return {
        "team_jp": do_create_team(
            name="Tokyo Support",
            market_code="JP",
            manager=cast["rm_jp"],
            members=[cast["agent_jp"]],
        ),
        "team_de": do_create_team(name="Berlin Support", market_code="DE", manager=cast["rm_de"]),
        "team_global": do_create_team(
            name="Follow-the-sun Desk",
            manager=cast["executive"],
            members=[cast["agent_jp"], cast["rm_de"], cast["inactive_jp"]],
        ),
    }


@pytest.fixture
def notification(cast) -> Notification:
    notify.write_notices(
        [notify.Notice(recipient_id=cast["agent_jp"].pk, title="Ticket #1001 is at risk")]
    )
    return Notification.objects.get(recipient=cast["agent_jp"])


def _commitment(owner, market):
    from beachhead.commitments.services import do_create_commitment

    return do_create_commitment(
        kind="follow_up", calendar="24x7", target=timedelta(hours=4), owner=owner, market=market
    )


@pytest.fixture
def objects(cast, teams, notification, markets) -> dict:
    return {
        "market_jp": markets["JP"],
        "market_de": markets["DE"],
        **teams,
        "notification": notification,
        "commitment_jp": _commitment(cast["ae_jp"], markets["JP"]),
    }


# --- The layer itself ------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS, ids=_cell_id)
def test_scoped_and_may_agree_with_the_matrix(cell, cast, objects):
    # given
    obj_name, action, who, allowed = cell
    obj = objects[obj_name]
    user = cast[who]

    # when
    in_scope = scoped(type(obj), user, action).filter(pk=obj.pk).exists()
    one = may(user, obj, action)

    # then
    assert in_scope is allowed, f"scoped({type(obj).__name__}, {who}, {action})"
    assert one is allowed, f"may({who}, {obj_name}, {action})"


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_scoped_never_returns_a_row_twice(who, cast, teams, markets):
    # given: teams with several members (an OR over joins could repeat rows)
    teams["team_jp"].members.add(cast["ae_jp"], cast["cs_jp"], cast["community_jp"])
    teams["team_global"].members.add(cast["ae_jp"], cast["cs_jp"], cast["finance_us"])

    # when
    rows = list(scoped(Team, cast[who]).values_list("pk", flat=True))

    # then
    assert len(rows) == len(set(rows))


def test_inactive_and_anonymous_see_nothing_at_all(cast, objects):
    # given
    models = [type(o) for o in objects.values()] + [User]

    # when / then
    for who in ("inactive_jp", "anonymous"):
        for model in models:
            for action in (VIEW, CHANGE, DELETE):
                assert not scoped(model, cast[who], action).exists(), (who, model, action)


def test_visible_to_is_the_same_as_scoped(cast, teams):
    # given
    agent = cast["agent_jp"]

    # when
    via_manager = set(Team.objects.visible_to(agent).values_list("pk", flat=True))
    via_function = set(scoped(Team, agent).values_list("pk", flat=True))

    # then
    assert via_manager == via_function == {teams["team_jp"].pk, teams["team_global"].pk}


def test_a_member_sees_the_teams_linked_from_their_preferences(cast, teams, client):
    # given: agent_jp belongs to a JP team and to a global one
    client.force_login(cast["agent_jp"])
    html = client.get("/preferences/").content.decode()
    links = {int(pk) for pk in re.findall(r'href="/teams/(\d+)/"', html)}
    assert links == {teams["team_jp"].pk, teams["team_global"].pk}

    # when / then: every team linked there opens
    for pk in links:
        assert client.get(f"/teams/{pk}/").status_code == 200


def test_people_are_visible_to_every_active_colleague_and_changed_only_by_admins(cast):
    # given
    agent, rm = cast["agent_jp"], cast["rm_jp"]

    # when / then: everyone sees colleagues (the directory); only oneself and global roles change
    assert may(agent, cast["rm_de"], VIEW)
    assert not may(rm, agent, CHANGE)
    assert may(agent, agent, CHANGE)
    assert may(cast["admin"], agent, CHANGE)


# --- The same matrix through the API ---------------------------------------------------------


def _client(api, cast, who):
    user = cast[who]
    return api(None if who == "anonymous" else user)


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_api_commitment_detail_is_200_in_scope_and_404_outside(who, cast, objects, api):
    # given
    commitment = objects["commitment_jp"]
    client = _client(api, cast, who)

    # when
    response = client.get(f"/api/v1/commitments/{commitment.pk}/")

    # then
    if who == "anonymous" or who == "inactive_jp":
        assert response.status_code == 401
        assert response.json()["error"] in ("not_authenticated", "authentication_failed")
    elif who in EXPECTED[("commitment_jp", VIEW)]:
        assert response.status_code == 200
        assert response.json()["id"] == commitment.pk
    else:
        assert response.status_code == 404  # never 403 for a row outside scope
        assert response.json() == {"error": "not_found", "message": response.json()["message"]}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ae_jp", 200),  # the owner
        ("rm_jp", 200),  # the regional manager of the market
        ("admin", 200),
        ("executive", 200),
        ("rm_de", 404),  # another market's regional manager
        ("ae2_jp", 404),  # a JP account executive who does not own it
        ("agent_jp", 404),
        ("community_jp", 404),
        ("finance_us", 404),
        ("inactive_jp", 401),
        ("anonymous", 401),
    ],
)
def test_api_keep_a_commitment(who, status, cast, objects, api):
    # given
    commitment = objects["commitment_jp"]
    client = _client(api, cast, who)

    # when
    response = client.post(f"/api/v1/commitments/{commitment.pk}/keep/")

    # then
    assert response.status_code == status, response.content
    commitment.refresh_from_db()
    if status == 200:
        assert response.json()["state"] == "kept"
        assert commitment.state == "kept"
    else:
        assert commitment.state == "open"


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_api_teams_lists_exactly_the_teams_in_scope(who, cast, teams, api):
    # given
    client = _client(api, cast, who)
    expected = {team.name for key, team in teams.items() if who in EXPECTED[(key, VIEW)]}

    # when
    response = client.get("/api/v1/teams/")

    # then
    if who in ("anonymous", "inactive_jp"):
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == expected
    for key, team in teams.items():
        detail = client.get(f"/api/v1/teams/{team.pk}/")
        assert detail.status_code == (200 if who in EXPECTED[(key, VIEW)] else 404)


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_api_users_lists_active_colleagues(who, cast, api):
    # given
    client = _client(api, cast, who)

    # when
    response = client.get("/api/v1/users/", {"page_size": 100})

    # then
    if who in ("anonymous", "inactive_jp"):
        assert response.status_code == 401
        return
    assert response.status_code == 200
    names = {row["username"] for row in response.json()["results"]}
    assert names == EVERYONE - {"anonymous", "inactive_jp"}
    assert response.json()["count"] == len(names)


def test_api_users_detail_of_an_inactive_user_is_404_except_for_who_manages_people(cast, api):
    # when: a colleague who does not manage people asks, then an administrator (who may
    # reactivate them)
    hidden = api(cast["rm_jp"]).get(f"/api/v1/users/{cast['inactive_jp'].pk}/")
    shown = api(cast["admin"]).get(f"/api/v1/users/{cast['inactive_jp'].pk}/")

    # then
    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert shown.json()["is_active"] is False


# --- The same matrix through the pages -------------------------------------------------------


def _login(client, cast, who):
    if who != "anonymous":
        client.force_login(cast[who])
    return client


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_page_commitment_detail_is_200_in_scope_and_404_outside(who, cast, objects, client):
    # given
    commitment = objects["commitment_jp"]
    _login(client, cast, who)

    # when
    response = client.get(f"/commitments/{commitment.pk}/")

    # then
    if who in ("anonymous", "inactive_jp"):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    elif who in EXPECTED[("commitment_jp", VIEW)]:
        assert response.status_code == 200
        assert commitment.title in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_page_team_detail_is_200_in_scope_and_404_outside(who, cast, teams, client):
    # given
    _login(client, cast, who)

    for key, team in teams.items():
        # when
        response = client.get(f"/teams/{team.pk}/")

        # then
        if who in ("anonymous", "inactive_jp"):
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")
        elif who in EXPECTED[(key, VIEW)]:
            assert response.status_code == 200
            assert team.name in response.content.decode()
        else:
            assert response.status_code == 404, (who, key)


@pytest.mark.parametrize("who", sorted(EVERYONE - {"anonymous", "inactive_jp"}))
def test_page_teams_lists_exactly_the_teams_in_scope(who, cast, teams, client):
    # given
    _login(client, cast, who)

    # when
    response = client.get("/teams/")

    # then
    assert response.status_code == 200
    shown = {t.name for t in response.context["teams"]}
    expected = {teams[k].name for k in teams if who in EXPECTED[(k, VIEW)]}
    assert shown == expected


def test_page_commitment_action_outside_scope_is_404_and_changes_nothing(cast, objects, client):
    # given
    commitment = objects["commitment_jp"]
    client.force_login(cast["ae2_jp"])

    # when
    response = client.post(f"/commitments/{commitment.pk}/keep/")

    # then
    assert response.status_code == 404
    commitment.refresh_from_db()
    assert commitment.state == "open"


@pytest.mark.parametrize("action", [VIEW, CHANGE])
@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_scope_parts_and_market_narrowing_agree_with_scoped(who, action, cast, objects):
    """``scope_parts`` splits the scope into disjoint parts whose union is the scope;
    ``scoped_in_markets`` is the scope narrowed to those markets, however it gets there."""
    from beachhead.commitments.models import Commitment
    from beachhead.core.access import policy_for, scope_parts, scoped_in_markets
    from beachhead.markets.models import Market

    user = cast[who]
    for model in (Team, Commitment, Market):
        whole = set(scoped(model, user, action).values_list("pk", flat=True))
        parts = [set(p.values_list("pk", flat=True)) for p in scope_parts(model, user, action)]
        assert set().union(*parts) == whole, (model.__name__, who)
        assert sum(len(p) for p in parts) == len(whole), (model.__name__, who)  # disjoint
        path = policy_for(model).market_path
        for codes in (["JP"], ["DE"], ["JP", "DE"]):
            narrowed = scoped_in_markets(model, user, codes, action)
            expected = scoped(model, user, action).filter(**{f"{path}__in": codes})
            assert set(narrowed.values_list("pk", flat=True)) == set(
                expected.values_list("pk", flat=True)
            ), (model.__name__, who, codes)
