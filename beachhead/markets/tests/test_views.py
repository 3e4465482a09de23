"""The markets pages: rendering, scope, the edit form, htmx fragments and query counts."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from beachhead.markets.models import Market
from beachhead.markets.tests.factories import MarketFactory

pytestmark = pytest.mark.django_db

LIST = reverse("markets:list")


def detail(code: str) -> str:
    return reverse("markets:detail", args=[code])


def edit(code: str) -> str:
    return reverse("markets:edit", args=[code])


@pytest.fixture
def browser(client):
    """``browser(user)`` → the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- list ------------------------------------------------------------------------------------


def test_list_shows_every_market_to_an_admin(browser, admin):
    response = browser(admin).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="flag flag-xs flag-country-') == Market.objects.count()
    assert "flag-country-jp" in html
    assert "Japan" in html
    assert "JPY" in html
    # state is a word beside the dot, never colour alone
    assert ("status-green" in html and ">Open<" in html) or ">Closed<" in html
    assert "Your time:" in html


def test_list_is_scoped_for_market_roles(browser, make_user):
    agent = make_user("support_agent", ["JP"])
    html = browser(agent).get(LIST).content.decode()
    assert "flag-country-jp" in html
    assert "flag-country-de" not in html


def test_list_filter_and_htmx_fragment(browser, admin):
    client = browser(admin)
    html = client.get(LIST, {"q": "ドイツ"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html  # only the rows
    assert "Germany" in html
    assert "Japan" not in html
    empty = client.get(LIST, {"q": "Atlantis"}).content.decode()
    assert "No market matches this filter" in empty


def test_list_empty_state_teaches(browser, make_user):
    Market.objects.all().delete()
    admin_html = browser(make_user("admin")).get(LIST).content.decode()
    assert "beachhead markets sync" in admin_html


def test_list_empty_state_for_someone_without_markets(client, make_user):
    agent = make_user("support_agent", ["QQ"])
    client.force_login(agent)
    html = client.get(LIST).content.decode()
    assert "No markets assigned to you" in html


def test_list_queries_do_not_grow_with_markets(browser, admin, django_assert_max_num_queries):
    client = browser(admin)
    client.get(LIST)  # warm the session and the calendars
    with django_assert_max_num_queries(6):
        client.get(LIST)
    created = MarketFactory.create_batch(15)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    html = response.content.decode()
    assert all(f"flag-country-{market.code.lower()}" in html for market in created)


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_the_whole_playbook(browser, admin, jp):
    response = browser(admin).get(detail("JP"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Japan",
        "日本",
        "Tokyo",  # the time zone, named by its city
        "Japan national holidays + bank holidays (Dec 31\u2009–\u2009Jan 3)",
        "Working week",
        "09:00–18:00",
        "Holidays in",
        "Formal and respectful",  # tone, in the viewer's language
        "Konbini",  # payment methods with their labels
        "APPI",  # compliance
        "Edit playbook",
    ):
        assert text in html, text
    assert "Edited locally" not in html


def test_detail_in_japanese(browser, make_user, jp):
    viewer = make_user("admin", language="ja")
    html = browser(viewer).get(detail("JP")).content.decode()
    assert "どのチャネルでも" in html  # the Japanese tone guidance
    assert "日本の祝日＋銀行休業日（12月31日～1月3日）" in html
    assert "東京" in html
    assert "Asia/Tokyo" not in html
    fragment = browser(viewer).get(
        reverse("markets:holidays", args=["JP"]), {"year": 2027}, HTTP_HX_REQUEST="true"
    )
    assert "成人の日" in fragment.content.decode()


def test_detail_is_404_outside_the_users_markets(browser, make_user):
    client = browser(make_user("support_agent", ["JP"]))
    assert client.get(detail("JP")).status_code == 200
    assert client.get(detail("DE")).status_code == 404
    assert client.get(reverse("markets:now", args=["DE"])).status_code == 404


def test_detail_requires_sign_in(client):
    response = client.get(detail("JP"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_read_only_roles_see_no_edit_button(browser, make_user, jp):
    html = browser(make_user("account_executive", ["JP"])).get(detail("JP")).content.decode()
    assert "Edit playbook" not in html


def test_holidays_fragment_switches_year(browser, admin, jp):
    response = browser(admin).get(
        reverse("markets:holidays", args=["JP"]), {"year": 2030}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Holidays in 2030" in html
    assert "2029" in html
    assert "2031" in html


# --- edit ------------------------------------------------------------------------------------


def form_data(market: Market, **overrides) -> dict:
    from beachhead.markets.forms import MarketForm

    data = MarketForm.initial_for(market)
    data.update(overrides)
    return data


def test_the_regional_manager_edits_the_playbook(browser, make_user, jp):
    manager = make_user("regional_manager", ["JP"])
    client = browser(manager)
    assert client.get(edit("JP")).status_code == 200

    response = client.post(
        edit("JP"),
        form_data(jp, support_channels="phone, email", tone_en="Keigo in every reply."),
    )

    assert response.status_code == 302
    assert response["Location"] == detail("JP")
    jp.refresh_from_db()
    assert jp.support_channels == ["phone", "email"]
    assert jp.tone["en"] == "Keigo in every reply."
    assert jp.edited_fields == ["support_channels", "tone"]
    entry = LogEntry.objects.get_for_object(jp).order_by("-timestamp").first()
    assert entry.actor == manager
    assert "tone" in entry.changes_dict

    page = client.get(detail("JP")).content.decode()
    assert "Edited locally" in page
    assert "2 fields are now marked as edited" in page


def test_an_unchanged_form_changes_nothing(browser, admin, jp):
    response = browser(admin).post(edit("JP"), form_data(jp), follow=True)
    jp.refresh_from_db()
    assert jp.edited_fields == []
    assert "Nothing changed." in response.content.decode()


def test_bad_weekly_hours_are_shown_beside_the_field(browser, admin, jp):
    response = browser(admin).post(
        edit("JP"), form_data(jp, weekly_hours='{"mon": [["9am", "6pm"]]}')
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a time of day in 24-hour HH:MM form" in html
    assert "is-invalid" in html
    jp.refresh_from_db()
    assert jp.edited_fields == []


def test_invalid_json_is_explained(browser, admin, jp):
    response = browser(admin).post(edit("JP"), form_data(jp, compliance='{"all": ["appi",]}'))
    assert "This is not valid JSON" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "markets"), [("regional_manager", ["DE"]), ("account_executive", ["JP"])]
)
def test_others_cannot_edit(browser, make_user, jp, role, markets):
    client = browser(make_user(role, markets))
    assert client.get(edit("JP")).status_code == 404
    assert client.post(edit("JP"), form_data(jp, currency="USD")).status_code == 404
    jp.refresh_from_db()
    assert jp.currency == "JPY"


def test_reload_from_the_file_discards_local_edits(browser, admin, jp):
    client = browser(admin)
    client.post(edit("JP"), form_data(jp, currency="USD"))
    response = client.post(reverse("markets:reset", args=["JP"]))
    assert response.status_code == 302
    jp.refresh_from_db()
    assert jp.currency == "JPY"
    assert jp.edited_fields == []


# --- dashboard -------------------------------------------------------------------------------


def test_home_shows_the_users_markets(browser, make_user):
    html = browser(make_user("regional_manager", ["JP"])).get("/").content.decode()
    assert "Your markets now" in html
    assert "flag-country-jp" in html
