"""The audit log: who changed what (old and new values), and the page that reads it back."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beachhead.core.models import Team, User
from beachhead.core.services import do_create_team

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def entries_for(model) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by(
            "timestamp", "pk"
        )
    )


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="ops")


# --- What is written -------------------------------------------------------------------------


def test_creating_updating_and_deleting_a_team_is_audited_with_the_actor(admin, make_user):
    # given
    agent = make_user("support_agent", ["JP"], username="aoi")

    # when
    with set_actor(admin):
        team = do_create_team(name="Tokyo Support", market_code="JP", timezone_name="Asia/Tokyo")
        team.name = "Tokyo Desk"
        team.save()
        team.members.add(agent)
        team_pk = team.pk
        team.delete()

    # then
    created, renamed, joined, deleted = entries_for(Team)
    assert [e.action for e in (created, renamed, joined, deleted)] == [
        CREATE,
        UPDATE,
        UPDATE,
        DELETE,
    ]
    assert {e.actor for e in (created, renamed, joined, deleted)} == {admin}
    assert {e.object_pk for e in (created, renamed, joined, deleted)} == {str(team_pk)}
    assert created.changes_dict["name"] == ["None", "Tokyo Support"]
    assert renamed.changes_dict == {"name": ["Tokyo Support", "Tokyo Desk"]}
    assert joined.changes_dict["members"] == {"type": "m2m", "operation": "add", "objects": ["aoi"]}
    assert deleted.object_repr == "Tokyo Desk"


def test_updating_a_market_is_audited_with_the_changed_field(markets, make_user):
    # given
    rm = make_user("regional_manager", ["DE"], username="lena")
    market = markets["DE"]
    before = market.currency
    LogEntry.objects.all().delete()

    # when
    with set_actor(rm):
        market.currency = "CHF"
        market.save()

    # then
    (entry,) = entries_for(type(market))
    assert entry.action == UPDATE
    assert entry.actor == rm
    assert entry.changes_dict["currency"] == [before, "CHF"]


def test_a_change_through_a_page_records_the_actor_and_the_changed_fields(client, make_user):
    # given: the middleware sets the actor from the request
    user = make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")
    client.force_login(user)
    LogEntry.objects.all().delete()

    # when
    client.post(
        "/preferences/",
        {"email": "aoi@example.com", "language": "ja", "timezone": "Asia/Tokyo"},
        REMOTE_ADDR="192.0.2.10",
    )

    # then
    (entry,) = entries_for(User)
    assert entry.action == UPDATE
    assert entry.actor == user
    assert entry.remote_addr == "192.0.2.10"
    assert entry.changes_dict == {"language": ["en", "ja"], "timezone": ["UTC", "Asia/Tokyo"]}


def test_passwords_and_logins_never_reach_the_audit_log(client, make_user):
    # given
    user = make_user("support_agent", ["JP"], username="aoi")
    LogEntry.objects.all().delete()

    # when: signing in (last_login changes) and changing the password
    client.post("/login/", {"username": "aoi", "password": "A-long-test-passphrase-42"})
    user.refresh_from_db()
    user.set_password("Another-long-passphrase-77")
    user.save()

    # then
    for entry in LogEntry.objects.all():
        assert "password" not in entry.changes_dict
        assert "last_login" not in entry.changes_dict
        assert "pbkdf2" not in str(entry.changes)
        assert "md5$" not in str(entry.changes)


# --- The page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "markets_", "status"),
    [
        ("admin", [], 200),
        ("executive", [], 200),
        ("compliance", ["DE"], 200),
        ("support_agent", ["JP"], 403),
        ("regional_manager", ["JP"], 403),
        ("account_executive", ["JP"], 403),
        ("customer_success", ["JP"], 403),
        ("finance", ["US"], 403),
        ("community", ["CN"], 403),
    ],
)
def test_the_audit_page_is_for_admin_compliance_and_executives(
    client, make_user, role, markets_, status
):
    # given
    viewer = make_user(role, markets_)
    with set_actor(viewer):
        do_create_team(name="Tokyo Support", market_code="JP")
    client.force_login(viewer)

    # when
    response = client.get("/audit/")

    # then
    assert response.status_code == status
    if status == 200:
        assert "Tokyo Support" in response.content.decode()
    else:
        assert "Tokyo Support" not in response.content.decode()


@pytest.mark.django_db
def test_the_audit_page_needs_a_login(client):
    # when
    response = client.get("/audit/")

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_audit_page_shows_membership_changes(client, admin, make_user):
    # given
    agent = make_user("support_agent", ["JP"], username="aoi")
    with set_actor(admin):
        team = do_create_team(name="Tokyo Support", market_code="JP")
        team.members.add(agent)
        team.members.remove(agent)
    client.force_login(admin)

    # when
    response = client.get("/audit/", {"model": "core.team"})

    # then: who joined and who left, not "members: — → —"
    html = response.content.decode()
    assert '<strong title="members">Members</strong>: + aoi' in html
    assert '<strong title="members">Members</strong>: − aoi' in html


@pytest.fixture
def history(admin, make_user):
    """A small history: two actors, teams and a user, every kind of action."""
    lena = make_user("compliance", ["DE"], username="lena")
    with set_actor(admin):
        keep = do_create_team(name="Tokyo Support", market_code="JP")
        gone = do_create_team(name="Osaka Desk", market_code="JP")
        gone.delete()
    with set_actor(lena):
        keep.timezone = "Asia/Tokyo"
        keep.save()
        lena.language = "ja"
        lena.save()
    return {"admin": admin, "lena": lena}


def _shown(response) -> list[tuple[str, str, int]]:
    return [
        (e.actor.username if e.actor else "", e.object_repr, e.action)
        for e in response.context["page"]
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"model": "core.team"},
            {("ops", "Tokyo Support", CREATE), ("ops", "Osaka Desk", CREATE),
             ("ops", "Osaka Desk", DELETE), ("lena", "Tokyo Support", UPDATE)},
        ),
        ({"actor": "lena"}, {("lena", "Tokyo Support", UPDATE), ("lena", "lena", UPDATE)}),
        ({"action": str(DELETE)}, {("ops", "Osaka Desk", DELETE)}),
        ({"model": "core.user", "action": str(UPDATE)}, {("lena", "lena", UPDATE)}),
        ({"model": "core.team", "actor": "ops", "action": str(UPDATE)}, set()),
        ({"model": "nonsense"}, set()),
    ],
)  # fmt: skip
def test_the_audit_page_filters(client, history, params, expected):
    # given
    client.force_login(history["admin"])

    # when
    response = client.get("/audit/", params)

    # then
    assert response.status_code == 200
    shown = {row for row in _shown(response) if row[1] != "ops" or row[2] != CREATE}
    assert shown == expected


def test_an_unknown_action_filter_is_ignored(client, history):
    # given
    client.force_login(history["admin"])
    everything = _shown(client.get("/audit/"))

    # when
    response = client.get("/audit/", {"action": "drop table"})

    # then
    assert response.status_code == 200
    assert response.context["action"] == ""
    assert _shown(response) == everything


def test_the_newest_entry_comes_first(client, history):
    # given
    client.force_login(history["admin"])

    # when
    page = client.get("/audit/").context["page"]

    # then
    stamps = [(e.timestamp, e.pk) for e in page]
    assert stamps == sorted(stamps, reverse=True)


def _make_entries(actor, n: int, start: int = 0) -> None:
    with set_actor(actor):
        for i in range(start, start + n):
            do_create_team(name=f"Team {i:03}", market_code="JP")


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_audit_page_runs_a_bounded_number_of_queries(
    client, admin, make_user, django_assert_max_num_queries
):
    # given: 60 entries by several actors (more than a page of 50)
    others = [make_user("admin", username=f"admin{i}") for i in range(3)]
    for i, actor in enumerate([admin, *others]):
        with set_actor(actor):
            for j in range(15):
                do_create_team(name=f"Team {i}-{j:02}", market_code="JP")
    assert LogEntry.objects.filter(content_type__model="team").count() == 60
    client.force_login(admin)

    # when / then
    with django_assert_max_num_queries(8):  # 6 today: session, user, count, page, types
        response = client.get("/audit/")
    assert len(response.context["page"]) == 50


def test_the_audit_page_query_count_does_not_grow_with_entries(client, admin):
    # given
    client.force_login(admin)
    _make_entries(admin, 5)
    few = _queries_for(client, "/audit/")

    # when
    _make_entries(admin, 40, start=5)
    many = _queries_for(client, "/audit/")

    # then
    assert many == few
