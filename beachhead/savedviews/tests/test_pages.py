"""The list page: table, groups, board, inline edit, saved views and their visibility, the
URL as the state, empty states, and a constant number of queries."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beachhead.commitments.models import Commitment
from beachhead.core.models import Team
from beachhead.savedviews import services
from beachhead.savedviews.models import SavedView
from beachhead.savedviews.state import ViewState

URL = "/lists/reference/"


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="ada")


def login(client, user):
    client.force_login(user)
    return client


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/commitments/\d+/">([^<]+)</a>', html)


# --- The table --------------------------------------------------------------------------------


def test_the_page_lists_the_rows_the_user_may_see(client, reference, aoi, promise, make_user):
    kim = make_user("support_agent", ["KR"], username="kim")
    promise(aoi, title="Reply to Sony")
    promise(kim, "KR", title="Reply to Samsung")

    response = login(client, aoi).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == ["Reply to Sony"]
    assert 'class="table-sticky' in html or "table-sticky" in html
    assert 'aria-sort="ascending"' in html  # the default sort is shown on its column


def test_numbers_are_right_aligned_and_money_carries_its_currency(client, reference, aoi, promise):
    promise(aoi, hours=4, title="Reply")

    html = login(client, aoi).get(URL, {"cols": "title,target_seconds,fee"}).content.decode()

    assert '<td id="cell-' in html
    assert re.search(r'class="num text-nowrap"[^>]*>\s*14,400\s*<', html)
    assert "14,400 JPY" in html  # JPY has no minor unit


def test_a_table_cell_reads_as_the_cell_the_inline_edit_answers_with(
    client, reference, aoi, promise
):
    """The table writes its cells in Python (tables.cell_html), not with a template per
    cell: the same markup as the single cell, text escaped, edit URL as reverse() gives it."""
    from django.urls import reverse

    commitment = promise(aoi, title="<b>Sony & Co</b>")
    client = login(client, aoi)

    page = client.get(URL, {"cols": "title,state,fee"}).content.decode()
    for path in ("title", "state"):
        first = "1" if path == "title" else ""
        answer = client.get(
            f"/lists/reference/rows/{commitment.pk}/{path}/", {"first": first} if first else {}
        )
        cell = answer.content.decode()
        assert cell.startswith(f'<td id="cell-{commitment.pk}-{path}"')
        assert cell in page
        edit = reverse("savedviews:cell_edit", args=["reference", commitment.pk, path])
        assert f'hx-get="{edit}{"?first=1" if first else ""}"' in cell
    assert "&lt;b&gt;Sony &amp; Co&lt;/b&gt;" in page
    assert "<b>Sony" not in page
    assert 'aria-label="Edit Description"' in page


def test_long_text_is_truncated_with_the_full_text_on_hover(client, reference, aoi, promise):
    long = "A very long promise description " * 5
    promise(aoi, title=long.strip())

    html = login(client, aoi).get(URL).content.decode()

    assert 'class="truncate' in html
    assert f'title="{long.strip()}"' in html


def test_sorting_by_a_column_and_descending(client, reference, aoi, promise):
    promise(aoi, hours=1, title="Bravo")
    promise(aoi, hours=2, title="Alpha")
    promise(aoi, hours=3, title="Charlie")
    client = login(client, aoi)

    assert titles(client.get(URL).content.decode()) == ["Bravo", "Alpha", "Charlie"]
    assert titles(client.get(URL, {"sort": "title"}).content.decode()) == [
        "Alpha",
        "Bravo",
        "Charlie",
    ]
    assert titles(client.get(URL, {"sort": "-title"}).content.decode()) == [
        "Charlie",
        "Bravo",
        "Alpha",
    ]


def test_group_by_renders_headers_with_counts_from_one_aggregate_query(
    client, reference, aoi, promise
):
    for i in range(3):
        promise(aoi, hours=i + 1, title=f"Open {i}")
    promise(aoi, hours=5, title="Kept one", state="kept")
    client = login(client, aoi)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"group": "state", "page_size": "2"})
    html = response.content.decode()

    on_rows = [q["sql"].upper() for q in queries if "COMMITMENTS_COMMITMENT" in q["sql"].upper()]
    assert len([sql for sql in on_rows if "GROUP BY" in sql]) == 1
    assert len(on_rows) == 2  # the group counts (which also give the total) and the page
    # the page (2 rows) starts with the "Open" group, whose count covers every page
    assert re.search(r'scope="rowgroup">Open <span[^>]*>3</span>', html)
    assert "Kept on time" not in re.findall(r'scope="rowgroup">([^<]+)<', html)
    assert "Page 1 of 2" in html
    # groups come in the order of the choices (open, kept …), not alphabetically
    second = client.get(URL, {"group": "state", "page_size": "2", "page": "2"}).content.decode()
    assert re.findall(r'scope="rowgroup">([^<]+) <', second) == ["Open", "Kept on time"]
    assert titles(second) == ["Open 2", "Kept one"]


def test_group_counts_and_rows_follow_the_group_order(reference, aoi, promise):
    promise(aoi, hours=1, title="a", state="kept")
    promise(aoi, hours=2, title="b")
    promise(aoi, hours=3, title="c", state="kept")
    state = ViewState(columns=("title",), sort=("due_at",), group_by="state")

    page = services.list_page(reference, state, aoi)

    assert [(g.value, g.count) for g in page.groups] == [("open", 1), ("kept", 2)]
    assert [r.title for r in page.rows] == ["b", "a", "c"]


# --- The board --------------------------------------------------------------------------------


def test_the_board_shows_every_lane_with_counts_and_caps_cards(
    client, reference, aoi, promise, monkeypatch
):
    monkeypatch.setattr(services, "LANE_CAP", 2)
    for i in range(3):
        promise(aoi, hours=i + 1, title=f"Open {i}")
    promise(aoi, title="Broken one", state="broken")

    response = login(client, aoi).get(URL, {"layout": "kanban"})
    html = response.content.decode()

    lanes = re.findall(
        r'<h3 class="h5 mb-0" id="lane-\d+">([^<]+)</h3>\s*<span[^>]*>(\d+)</span>', html
    )
    assert lanes == [
        ("Open", "3"),
        ("Kept on time", "0"),
        ("Kept late", "0"),
        ("Broken", "1"),
        ("Cancelled", "0"),
    ]
    assert "Open 0" in html
    assert "Open 1" in html
    assert "Open 2" not in html
    more = re.search(r'href="([^"]+)">1 more<', html)
    assert more, html
    query = parse_qs(urlsplit(more.group(1).replace("&amp;", "&")).query)
    assert query["f"] == ["state:eq:open"]
    assert "layout" not in query
    # the "more" link opens the table with the lane's filter
    table = client.get(more.group(1).replace("&amp;", "&")).content.decode()
    assert titles(table) == ["Open 0", "Open 1", "Open 2"]


def test_kanban_lanes_in_two_queries(reference, aoi, promise, django_assert_max_num_queries):
    for i in range(6):
        promise(aoi, hours=i + 1, title=f"P{i}", state=["open", "kept", "broken"][i % 3])
    state = ViewState(columns=("title",), layout="kanban")
    with django_assert_max_num_queries(2):
        lanes = services.kanban_lanes(reference, state, aoi, cap=1)
    assert [(lane.value, lane.count, len(lane.cards)) for lane in lanes][:4] == [
        ("open", 2, 1),
        ("kept", 2, 1),
        ("kept_late", 0, 0),
        ("broken", 2, 1),
    ]


@pytest.mark.parametrize("sliced_in", [True, False], ids=["bounded-subqueries", "windowed"])
def test_the_board_reads_the_same_cards_either_way(
    reference, aoi, promise, monkeypatch, django_assert_max_num_queries, sliced_in
):
    """One bounded subquery per lane where the database allows LIMIT inside IN; a window
    numbering each lane's rows elsewhere (MySQL). The same first cards, in the same order."""
    from django.db import connection

    for i in range(7):
        promise(aoi, hours=7 - i, title=f"P{i}", state=["open", "kept", "broken"][i % 3])
    promise(aoi, hours=9, title="Nobody's", state="")
    # MariaDB and MySQL refuse LIMIT inside IN: there only the windowed path can run.
    sliced_in = sliced_in and connection.features.allow_sliced_subqueries_with_in
    monkeypatch.setattr(connection.features, "allow_sliced_subqueries_with_in", sliced_in)
    state = ViewState(columns=("title",), layout="kanban", sort=("-due_at",))

    with django_assert_max_num_queries(2):
        lanes = services.kanban_lanes(reference, state, aoi, cap=2)

    cards = {str(lane.value): [c.title for c in lane.cards] for lane in lanes if lane.cards}
    assert cards == {
        "open": ["P0", "P3"],
        "kept": ["P1", "P4"],
        "broken": ["P2", "P5"],
        "": ["Nobody's"],
    }


def test_moving_a_card_changes_its_lane_through_the_update(client, reference, aoi, promise):
    commitment = promise(aoi, title="Move me")
    client = login(client, aoi)

    response = client.post(
        f"/lists/reference/rows/{commitment.pk}/move/",
        {"value": "kept", "state": "layout=kanban"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.state == "kept"
    assert "kanban-lane" in response.content.decode()


def test_a_card_the_user_may_not_change_has_no_move_control(client, reference, aoi, ren, promise):
    theirs = promise(ren, title="Ren's promise")
    html = login(client, aoi).get(URL, {"layout": "kanban"}).content.decode()
    assert "Ren&#x27;s promise" in html
    assert f"move-{theirs.pk}" not in html
    response = client.post(f"/lists/reference/rows/{theirs.pk}/move/", {"value": "kept"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "open"


# --- Inline edit ------------------------------------------------------------------------------


def test_inline_edit_of_an_own_row(client, reference, aoi, promise):
    commitment = promise(aoi, title="Old words")
    client = login(client, aoi)
    cell_url = f"/lists/reference/rows/{commitment.pk}/title/"

    page = client.get(URL).content.decode()
    assert f"{cell_url}edit/" in page  # the edit affordance

    form = client.get(f"{cell_url}edit/?first=1")
    assert form.status_code == 200
    assert 'name="value"' in form.content.decode()

    saved = client.post(cell_url, {"value": "New words", "first": "1"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "New words" in saved.content.decode()
    commitment.refresh_from_db()
    assert commitment.title == "New words"


def test_inline_edit_errors_are_shown_in_the_cell(client, reference, aoi, promise):
    commitment = promise(aoi, title="Old words")

    response = login(client, aoi).post(
        f"/lists/reference/rows/{commitment.pk}/title/", {"value": "x"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 to 300 characters" in html
    assert "is-invalid" in html
    commitment.refresh_from_db()
    assert commitment.title == "Old words"


def test_rows_the_user_may_only_view_are_not_editable(client, reference, aoi, ren, promise):
    theirs = promise(ren, title="Ren's words")
    client = login(client, aoi)
    cell_url = f"/lists/reference/rows/{theirs.pk}/title/"

    page = client.get(URL).content.decode()
    assert "Ren&#x27;s words" in page
    assert f"{cell_url}edit/" not in page
    assert client.get(f"{cell_url}edit/").status_code == 404
    assert client.post(cell_url, {"value": "Hijacked"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Ren's words"


def test_a_regional_manager_may_edit_rows_of_the_market(client, reference, aoi, promise, make_user):
    manager = make_user("regional_manager", ["JP"])
    commitment = promise(aoi, title="Team words")

    response = login(client, manager).post(
        f"/lists/reference/rows/{commitment.pk}/title/", {"value": "Manager words"}
    )

    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.title == "Manager words"


def test_columns_not_declared_editable_cannot_be_edited(client, reference, aoi, promise):
    commitment = promise(aoi)
    client = login(client, aoi)
    assert (
        client.post(
            f"/lists/reference/rows/{commitment.pk}/customer_label/", {"value": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/lists/reference/rows/{commitment.pk}/owner__password/").status_code == 404


# --- Saved views: URL round trip, modified bar, rename, delete ------------------------------


def test_save_a_view_and_open_it_again(client, reference, aoi, promise):
    promise(aoi, hours=1, title="Alpha", customer_label="Sony")
    promise(aoi, hours=2, title="Bravo", customer_label="Nintendo")
    promise(aoi, hours=3, title="Charlie", customer_label="Sony", state="kept")
    client = login(client, aoi)
    state = "cols=title,customer_label&f=customer_label:eq:Sony&sort=-title"
    before = titles(client.get(f"{URL}?{state}").content.decode())

    response = client.post(
        "/lists/reference/views/", {"name": "Sony, newest first", "state": state}
    )

    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?view={view.pk}"
    assert view.owner == aoi
    assert view.shared_with_team is None
    assert view.config["filters"] == [{"field": "customer_label", "op": "eq", "value": "Sony"}]
    assert view.config["sort"] == ["-title"]
    opened = client.get(response["Location"]).content.decode()
    assert titles(opened) == before == ["Charlie", "Alpha"]
    assert "Sony, newest first" in opened
    assert "list-modified" not in opened


def test_changing_a_saved_view_shows_the_modified_bar_and_save_keeps_it(
    client, reference, aoi, promise
):
    promise(aoi, title="Alpha")
    view = services.do_create_view(
        source="reference", name="Mine", config={"columns": ["title"]}, owner=aoi
    )
    client = login(client, aoi)

    modified = client.get(URL, {"view": view.pk, "sort": "-title"}).content.decode()
    assert "list-modified" in modified
    assert "Reset" in modified
    assert f'href="{URL}?view={view.pk}"' in modified  # reset

    saved = client.post(
        f"/lists/reference/views/{view.pk}/save/", {"state": f"view={view.pk}&sort=-title"}
    )
    assert saved.status_code == 302
    view.refresh_from_db()
    assert view.config["sort"] == ["-title"]
    assert view.config["columns"] == ["title"]
    assert "list-modified" not in client.get(URL, {"view": view.pk}).content.decode()


def test_clearing_a_views_filters_in_the_url(client, reference, aoi, promise):
    promise(aoi, title="Alpha", customer_label="Sony")
    promise(aoi, title="Bravo", customer_label="Nintendo")
    view = services.do_create_view(
        source="reference",
        name="Sony",
        config={"filters": [{"field": "customer_label", "op": "eq", "value": "Sony"}]},
        owner=aoi,
    )
    client = login(client, aoi)
    assert titles(client.get(URL, {"view": view.pk}).content.decode()) == ["Alpha"]
    assert titles(client.get(f"{URL}?view={view.pk}&f=").content.decode()) == ["Alpha", "Bravo"]


def test_save_as_new_from_a_modified_view(client, reference, aoi):
    view = services.do_create_view(
        source="reference", name="Base", config={"columns": ["title"]}, owner=aoi
    )
    response = login(client, aoi).post(
        "/lists/reference/views/",
        {"name": "Derived", "state": f"view={view.pk}&sort=-due_at"},
    )
    derived = SavedView.objects.get(name="Derived")
    assert response.status_code == 302
    assert derived.config["columns"] == ["title"]
    assert derived.config["sort"] == ["-due_at"]


def test_rename_share_and_delete(client, reference, aoi, make_user):
    team = Team.objects.create(name="Tokyo desk")
    team.members.add(aoi)
    view = services.do_create_view(source="reference", name="Old", config={}, owner=aoi)
    client = login(client, aoi)

    client.post(
        f"/lists/reference/views/{view.pk}/rename/", {"name": "New", "shared_with_team": team.pk}
    )
    view.refresh_from_db()
    assert view.name == "New"
    assert view.shared_with_team == team

    response = client.post(f"/lists/reference/views/{view.pk}/delete/")
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_saving_with_a_bad_name_or_a_foreign_team_is_refused(client, reference, aoi):
    foreign = Team.objects.create(name="Seoul desk")
    client = login(client, aoi)
    client.post("/lists/reference/views/", {"name": "  ", "state": ""})
    client.post("/lists/reference/views/", {"name": "Mine", "shared_with_team": foreign.pk})
    assert not SavedView.objects.exists()


# --- Who sees which view --------------------------------------------------------------------


def test_personal_and_team_views(client, reference, aoi, ren, admin, make_user):
    team = Team.objects.create(name="Tokyo desk")
    team.members.add(aoi, ren)
    outsider = make_user("support_agent", ["JP"], username="sora")
    personal = services.do_create_view(source="reference", name="Aoi only", config={}, owner=aoi)
    shared = services.do_create_view(
        source="reference", name="Desk view", config={}, owner=aoi, shared_with_team=team
    )

    assert set(SavedView.objects.visible_to(aoi)) == {personal, shared}
    assert set(SavedView.objects.visible_to(ren)) == {shared}
    assert set(SavedView.objects.visible_to(outsider)) == set()
    assert set(SavedView.objects.visible_to(admin)) == {personal, shared}
    # only the owner (or an admin) changes or deletes
    assert set(SavedView.objects.visible_to(ren, "change")) == set()
    assert set(SavedView.objects.visible_to(admin, "delete")) == {personal, shared}

    html = login(client, ren).get(URL).content.decode()
    assert "Desk view" in html
    assert "Aoi only" not in html
    assert client.get(URL, {"view": personal.pk}).status_code == 404
    assert client.get(URL, {"view": shared.pk}).status_code == 200
    assert client.post(f"/lists/reference/views/{shared.pk}/delete/").status_code == 404
    assert (
        client.post(
            f"/lists/reference/views/{shared.pk}/save/", {"state": "sort=-title"}
        ).status_code
        == 404
    )
    assert SavedView.objects.count() == 2


def test_a_team_manager_sees_the_teams_views(reference, aoi, make_user):
    manager = make_user("regional_manager", ["JP"])
    team = Team.objects.create(name="Tokyo desk", manager=manager)
    team.members.add(aoi)
    shared = services.do_create_view(
        source="reference", name="Desk", config={}, owner=aoi, shared_with_team=team
    )
    assert list(SavedView.objects.visible_to(manager)) == [shared]


# --- URL state, htmx, errors, empty states ------------------------------------------------


def test_the_builder_form_redirects_to_a_bookmarkable_url(client, reference, aoi):
    response = login(client, aoi).get(
        URL,
        {
            "fb": "1",
            "cols": ["title", "market__code"],
            "f0_field": "market__code",
            "f0_op": "in",
            "f0_value": "JP, KR",
            "f1_field": "state",
            "f1_op": "in",
            "f1_value": ["open", "kept"],
            "f2_field": "target_seconds",
            "f2_op": "between",
            "f2_value": "1",
            "f2_value2": "99999",
            "sort": "-due_at",
            "group": "",
            "page_size": "50",
            "q": "",
        },
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True)
    assert query == {
        "cols": ["title,market__code"],
        "f": ["market__code:in:JP,KR", "state:in:open,kept", "target_seconds:between:1,99999"],
        "sort": ["-due_at"],
    }


def test_htmx_gets_the_fragment_and_the_canonical_url(client, reference, aoi, promise):
    promise(aoi, title="Alpha")
    response = login(client, aoi).get(
        URL, {"fb": "1", "sort": "title", "q": "alp"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{URL}?sort=title&q=alp"
    html = response.content.decode()
    assert "<html" not in html
    assert "Alpha" in html


def test_bad_state_shows_errors_naming_the_field_not_a_500(client, reference, aoi, promise):
    promise(aoi, title="Alpha")
    response = login(client, aoi).get(
        URL,
        {"f": ["due_at:lt:someday", "owner__password:eq:x"], "sort": "secret", "group": "title"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html
    for word in ("Due", "someday", "owner__password", "secret", "title"):
        assert word in html


def test_unknown_list_and_view_are_404(client, reference, aoi):
    client = login(client, aoi)
    assert client.get("/lists/nothing/").status_code == 404
    assert client.get(URL, {"view": "999"}).status_code == 404
    assert client.get(URL, {"view": "x"}).status_code == 404


def test_the_empty_state_names_the_filters_to_relax(client, reference, aoi, promise):
    promise(aoi, title="Alpha", customer_label="Sony")
    html = (
        login(client, aoi)
        .get(URL, {"f": ["customer_label:eq:Nintendo", "state:eq:open"], "q": "zzz"})
        .content.decode()
    )
    assert "No rows match this view" in html
    assert "Customer" in html
    assert "Nintendo" in html
    assert "Search “zzz”" in html
    assert "Clear all filters" in html


def test_the_empty_state_of_an_empty_list_says_what_belongs_there(client, reference, aoi):
    html = login(client, aoi).get(URL).content.decode()
    assert "No Promises yet" in html
    assert "Promises made to customers." in html


def test_lists_index_and_navigation(client, reference, aoi):
    services.do_create_view(source="reference", name="Morning check", config={}, owner=aoi)
    html = login(client, aoi).get("/lists/").content.decode()
    assert 'href="/lists/reference/"' in html
    assert "Morning check" in html
    assert 'href="/lists/"' in html  # the sidebar entry


def test_anonymous_users_are_sent_to_sign_in(client, reference):
    assert client.get(URL).status_code == 302


# --- A constant number of queries -----------------------------------------------------------


@pytest.mark.parametrize("layout", ["table", "kanban"])
@pytest.mark.parametrize("group", ["", "market__code"])
def test_query_count_does_not_grow_with_the_rows(client, reference, aoi, promise, layout, group):
    team = Team.objects.create(name="Tokyo desk")
    team.members.add(aoi)
    view = services.do_create_view(
        source="reference",
        name="All",
        config={"columns": ["title", "kind", "state", "market__code", "owner__username", "fee"]},
        owner=aoi,
        shared_with_team=team,
    )
    client = login(client, aoi)
    params = {"view": view.pk, "layout": layout, "group": group}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(queries)

    for i in range(5):
        promise(aoi, hours=i + 1, title=f"Row {i}")
    small = count()
    for i in range(35):
        promise(aoi, hours=i + 10, title=f"More {i}")
    assert Commitment.objects.count() == 40
    assert count() == small


def test_views_are_audit_logged(reference, aoi):
    from auditlog.models import LogEntry

    view = services.do_create_view(source="reference", name="Audited", config={}, owner=aoi)
    services.do_update_view(view, actor=aoi, name="Renamed")
    entries = LogEntry.objects.get_for_object(view)
    assert entries.count() == 2


def test_a_row_id_that_cannot_be_a_key_is_not_found(client, reference, aoi):
    client = login(client, aoi)
    assert client.get("/lists/reference/rows/abc/title/").status_code == 404
    assert client.get("/lists/reference/rows/abc/title/edit/").status_code == 404
    assert client.post("/lists/reference/rows/abc/title/", {"value": "x"}).status_code == 404
    assert client.post("/lists/reference/rows/abc/move/", {"value": "kept"}).status_code == 404


def test_an_admin_picker_shows_own_and_team_views_only(client, reference, aoi, admin):
    services.do_create_view(source="reference", name="Aoi private", config={}, owner=aoi)
    html = login(client, admin).get(URL).content.decode()
    assert "Aoi private" not in html


# --- Person columns that are foreign keys (``owner``) ------------------------------------


def test_a_person_column_reads_by_name_groups_by_name_and_sorts_by_username(
    client, reference, aoi, ren, promise, make_user
):
    manager = make_user("regional_manager", ["JP"], username="mika")
    promise(ren, hours=1, title="Ren's")
    promise(aoi, hours=2, title="Aoi's")
    client = login(client, manager)

    html = client.get(URL, {"cols": "title,owner", "group": "owner"}).content.decode()
    assert re.findall(r'scope="rowgroup">([^<]+) <', html) == ["aoi", "ren"]
    assert titles(client.get(URL, {"cols": "title,owner", "sort": "owner"}).content.decode()) == [
        "Aoi&#x27;s",
        "Ren&#x27;s",
    ]


def test_person_filters_and_edits_offer_people(client, reference, aoi, ren, promise):
    commitment = promise(aoi, title="Mine")
    client = login(client, aoi)

    row = client.get("/lists/reference/filter-row/", {"i": "4", "f4_field": "owner"}).content
    assert b'value="@me"' in row
    assert f'value="{ren.pk}"'.encode() in row

    form = client.get(f"/lists/reference/rows/{commitment.pk}/owner/edit/").content.decode()
    assert f'<option value="{aoi.pk}" selected>' in form
    assert f'value="{ren.pk}"' in form

    response = client.post(f"/lists/reference/rows/{commitment.pk}/owner/", {"value": ren.pk})
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.owner == ren


@pytest.mark.parametrize(
    ("language", "number", "money"),
    [
        ("en", "1,234.5", "26,161.00 EUR"),
        ("ja", "1,234.5", "1,567,800 JPY"),
        ("de", "1.234,5", None),
    ],
)
def test_numbers_and_money_follow_the_viewers_locale(language, number, money):
    from decimal import Decimal

    from django.utils import translation

    from beachhead.savedviews.tables import format_money, format_number

    with translation.override(language):
        assert format_number(Decimal("1234.5")) == number
        if money:
            amount, currency = money.split()
            raw = Decimal(amount.replace(",", ""))
            assert format_money(raw, currency) == money  # the currency's own decimals
