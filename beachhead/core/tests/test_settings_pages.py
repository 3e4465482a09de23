"""The in-app Settings: the hub lists the pages a role may open, people and teams are managed
there by administrators (through the services, with the audit trail), and the Django admin is
for superusers only."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import translation

from beachhead.core import services
from beachhead.core.models import Team, User
from beachhead.core.tests import openapi
from beachhead.core.tests.pages import ok_html


@pytest.fixture
def admin(make_user):
    """An administrator who is not a superuser: the in-app Settings are theirs."""
    return make_user(
        "admin", username="alex", superuser=False, first_name="Alex", last_name="Admin"
    )


@pytest.fixture
def agent(make_user):
    return make_user(
        "support_agent", ["JP"], username="aoi", first_name="Aoi", last_name="Yamamoto"
    )


# --- the hub and the sidebar -------------------------------------------------------------------


def test_the_hub_groups_the_pages_an_admin_may_open(client, admin):
    client.force_login(admin)
    with translation.override("en"):
        html = ok_html(client.get("/settings/", HTTP_ACCEPT_LANGUAGE="en"))
    for key in ("people", "teams", "deal_stages", "market_playbooks"):
        assert f'data-settings-page="{key}"' in html
    assert "People and roles" in html
    assert 'href="/settings/"' in html  # the sidebar entry


def test_a_regional_manager_sees_only_the_market_playbooks(client, make_user):
    client.force_login(make_user("regional_manager", ["JP"]))
    html = ok_html(client.get("/settings/"))
    assert 'data-settings-page="market_playbooks"' in html
    assert 'data-settings-page="people"' not in html
    assert 'data-settings-page="deal_stages"' not in html


def test_a_role_without_settings_pages_has_no_hub_and_no_sidebar_entry(client, agent):
    client.force_login(agent)
    assert client.get("/settings/").status_code == 403
    assert 'href="/settings/"' not in ok_html(client.get("/people/"))


def test_the_hub_needs_a_login(client, db):
    response = client.get("/settings/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("language", ["zh-hans", "ja"])
def test_the_hub_speaks_chinese_and_japanese(client, admin, language):
    admin.language = language
    admin.save()
    client.force_login(admin)
    html = ok_html(client.get("/settings/"))
    assert "People and roles" not in html
    assert "Deal stages" not in html
    assert "Market playbooks" not in html


# --- the Django admin --------------------------------------------------------------------------


def test_an_admin_who_is_not_a_superuser_is_sent_to_the_settings(client, admin):
    client.force_login(admin)
    for url in ("/admin/", "/admin/core/user/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/settings/"


def test_staff_without_settings_pages_is_refused_the_admin(client, agent):
    agent.is_staff = True
    agent.save()
    client.force_login(agent)
    assert client.get("/admin/").status_code == 403


def test_a_superuser_still_opens_the_admin(client, make_user):
    client.force_login(make_user("admin", username="root"))
    assert client.get("/admin/").status_code == 200


# --- people ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/settings/people/", "/settings/people/new/", "/settings/teams/", "/settings/teams/new/"],
)
def test_people_and_teams_settings_are_for_admins(client, make_user, url):
    for role in ("executive", "regional_manager", "support_agent"):
        client.force_login(make_user(role, ["JP"] if role != "executive" else []))
        assert client.get(url).status_code == 403, role


def test_the_people_list_shows_everyone_with_role_markets_teams_and_last_sign_in(
    client, admin, agent, django_assert_max_num_queries
):
    services.do_create_team(
        name="Tokyo Support", market_code="JP", members=[agent], names={"ja": "東京サポート"}
    )
    for n in range(30):
        services.do_invite_person(admin, username=f"p{n}", role="support_agent", markets=["DE"])
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        html = ok_html(client.get("/settings/people/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Aoi Yamamoto" in html
    assert "aoi@example.com" in html
    assert "Tokyo Support" in html
    assert "Never" in html


def test_the_people_list_reads_team_names_in_the_readers_language(client, admin, agent):
    services.do_create_team(
        name="Tokyo Support", market_code="JP", members=[agent], names={"ja": "東京サポート"}
    )
    admin.language = "ja"  # a signed-in reader's own language wins over the cookie
    admin.save()
    client.force_login(admin)
    assert "東京サポート" in ok_html(client.get("/settings/people/"))


def test_an_admin_adds_a_person_who_gets_an_invitation(client, admin, settings):
    settings.BEACHHEAD_BASE_URL = "https://crm.example.com"
    client.force_login(admin)
    response = client.post(
        "/settings/people/new/",
        {
            "username": "ren",
            "first_name": "Ren",
            "last_name": "Takahashi",
            "email": "ren@example.com",
            "role": "account_executive",
            "markets": "jp, kr",
            "language": "ja",
            "timezone": "Asia/Tokyo",
            "send_invitation": "on",
        },
    )
    assert response.status_code == 302
    ren = User.objects.get(username="ren")
    assert (ren.role, ren.market_codes, ren.language, ren.timezone) == (
        "account_executive",
        ["JP", "KR"],
        "ja",
        "Asia/Tokyo",
    )
    assert not ren.is_superuser
    assert not ren.is_staff
    assert not ren.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ren@example.com"]
    # The link starts with the configured address, not the host the admin's request came in on.
    assert "https://crm.example.com/password/reset/" in mail.outbox[0].body
    assert "testserver" not in mail.outbox[0].body
    entry = LogEntry.objects.get_for_object(ren).get()
    assert entry.actor == admin


def test_adding_a_person_explains_what_is_wrong(client, admin, agent):
    client.force_login(admin)
    with translation.override("en"):
        html = ok_html(
            client.post(
                "/settings/people/new/",
                {
                    "username": "aoi",
                    "role": "support_agent",
                    "markets": "",
                    "language": "en",
                    "timezone": "UTC",
                },
                HTTP_ACCEPT_LANGUAGE="en",
            )
        )
    assert "Someone already has this username." in html
    html = ok_html(
        client.post(
            "/settings/people/new/",
            {
                "username": "new",
                "role": "support_agent",
                "markets": "",
                "language": "en",
                "timezone": "UTC",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    assert "give at least one" in html
    assert not User.objects.filter(username="new").exists()


def test_an_admin_changes_a_role_and_markets(client, admin, agent):
    client.force_login(admin)
    response = client.post(
        f"/settings/people/{agent.pk}/",
        {
            "first_name": "Aoi",
            "last_name": "Yamamoto",
            "email": "aoi@example.com",
            "role": "regional_manager",
            "markets": "JP KR CN",
            "language": "ja",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.role, agent.market_codes) == ("regional_manager", ["JP", "KR", "CN"])


def test_deactivating_keeps_the_person_and_their_history(client, admin, agent):
    client.force_login(admin)
    response = client.post(f"/settings/people/{agent.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active
    client.post(f"/settings/people/{agent.pk}/active/", {"active": "1"})
    agent.refresh_from_db()
    assert agent.is_active


def test_an_admin_cannot_lock_themselves_out(admin):
    with pytest.raises(services.ValidationError):
        services.do_deactivate_person(admin, admin)
    with pytest.raises(services.ValidationError):
        services.do_update_person(admin, admin, {"role": "executive"})


def test_demoting_a_superuser_admin_takes_the_django_admin_away(admin, make_user):
    root = make_user("admin", username="root")
    services.do_update_person(root, admin, {"role": "executive"})
    root.refresh_from_db()
    assert not root.is_superuser
    assert not root.is_staff


def test_only_admins_change_people(agent, make_user):
    with pytest.raises(services.PermissionDenied):
        services.do_update_person(agent, make_user("executive", []), {"role": "admin"})


# --- teams -------------------------------------------------------------------------------------


def test_an_admin_creates_a_team_with_its_names_in_other_languages(client, admin, agent):
    client.force_login(admin)
    response = client.post(
        "/settings/teams/new/",
        {
            "name": "Osaka Support",
            "name_zh": "大阪支持团队",
            "name_ja": "大阪サポート",
            "market": "jp",
            "kind": "outsourced",
            "timezone": "Asia/Tokyo",
            "manager": admin.pk,
            "members": [agent.pk],
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Osaka Support")
    assert team.names == {"zh-hans": "大阪支持团队", "ja": "大阪サポート"}
    assert (team.market_code, team.kind, team.manager) == ("JP", "outsourced", admin)
    assert list(team.members.all()) == [agent]
    admin.language = "zh-hans"
    admin.save()
    assert "大阪支持团队" in ok_html(client.get("/teams/"))
    assert "大阪支持团队" in ok_html(client.get("/settings/teams/"))


def test_a_team_name_is_unique_and_its_market_a_code(client, admin):
    services.do_create_team(name="Tokyo Support", market_code="JP")
    client.force_login(admin)
    with translation.override("en"):
        html = ok_html(
            client.post(
                "/settings/teams/new/",
                {"name": "Tokyo Support", "market": "Japan", "kind": "in_house", "timezone": "UTC"},
                HTTP_ACCEPT_LANGUAGE="en",
            )
        )
    assert "is-invalid" in html or "invalid-feedback" in html
    assert Team.objects.count() == 1


def test_the_teams_settings_list_counts_members_in_few_queries(
    client, admin, agent, django_assert_max_num_queries
):
    for n in range(20):
        services.do_create_team(name=f"Team {n}", market_code="JP", manager=admin, members=[agent])
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        html = ok_html(client.get("/settings/teams/"))
    assert "Team 19" in html


def test_an_admin_edits_a_team(client, admin, agent):
    team = services.do_create_team(name="Tokyo Support", market_code="JP")
    client.force_login(admin)
    response = client.post(
        f"/settings/teams/{team.pk}/",
        {
            "name": "Tokyo Desk",
            "name_ja": "東京デスク",
            "market": "",
            "kind": "in_house",
            "timezone": "UTC",
            "members": [agent.pk],
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.names, team.market_code) == ("Tokyo Desk", {"ja": "東京デスク"}, "")


def test_an_unknown_person_or_team_is_not_found(client, admin):
    client.force_login(admin)
    assert client.get("/settings/people/999999/").status_code == 404
    assert client.get("/settings/teams/999999/").status_code == 404


# --- the API -----------------------------------------------------------------------------------


def test_admins_add_change_and_deactivate_people_through_the_api(api, admin, agent):
    client = api(admin)
    created = client.post(
        "/api/v1/users/",
        {
            "username": "lena",
            "role": "regional_manager",
            "markets": ["de", "fr"],
            "email": "lena@example.com",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert openapi.check(created, "post")["markets"] == ["DE", "FR"]
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/users/{pk}/", {"timezone": "Europe/Berlin"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["timezone"] == "Europe/Berlin"
    assert client.delete(f"/api/v1/users/{pk}/").status_code == 204
    assert User.objects.get(pk=pk).is_active is False
    listed = client.get("/api/v1/users/", {"active": "false"}).json()
    assert [row["username"] for row in listed["results"]] == ["lena"]


def test_the_api_refuses_people_changes_to_other_roles(api, agent, make_user):
    exec_ = make_user("executive", [])
    assert (
        api(exec_).patch(f"/api/v1/users/{agent.pk}/", {"role": "admin"}, format="json").status_code
        == 403
    )
    assert (
        api(agent)
        .post("/api/v1/users/", {"username": "x", "role": "admin"}, format="json")
        .status_code
        == 403
    )
    # an agent may not even see another market's colleague: 404
    other = make_user("support_agent", ["DE"])
    assert (
        api(agent).patch(f"/api/v1/users/{other.pk}/", {"role": "admin"}, format="json").status_code
        == 404
    )


def test_admins_create_and_rename_teams_through_the_api(api, admin, agent):
    client = api(admin)
    created = client.post(
        "/api/v1/teams/",
        {
            "name": "Seoul Support",
            "names": {"ja": "ソウルサポート"},
            "market": "KR",
            "members": [agent.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = openapi.check(created, "post")["id"]
    renamed = client.patch(
        f"/api/v1/teams/{pk}/", {"names": {"zh-hans": "首尔支持"}}, format="json"
    )
    assert renamed.status_code == 200
    assert openapi.check(renamed, "patch")["names"] == {"zh-hans": "首尔支持"}
    bad = client.post("/api/v1/teams/", {"name": "X", "names": {"fr": "x"}}, format="json")
    assert bad.status_code == 400
    assert api(agent).post("/api/v1/teams/", {"name": "Mine"}, format="json").status_code == 403
