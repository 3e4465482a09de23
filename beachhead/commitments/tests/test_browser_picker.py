"""Browser test of "Record a promise": a real Chromium searches accounts in the picker, picks
one with the keyboard (the market follows), picks a contact of it, and records the promise;
screenshots of the form with the list box open in three languages under var/screenshots/."""

from __future__ import annotations

import pytest

from beachhead.commitments.models import Commitment
from beachhead.core.tests.browser import shoot, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _options(page, role: str, typed: str):
    """The list box's options once it answers what was typed (the focus may have asked first,
    with nothing typed)."""
    page.locator(f"#id_{role}-search").fill(typed)
    page.wait_for_function(
        "([role, typed]) => { const all = [...document.querySelectorAll(`#${role}-options"
        " [role=option]`)]; return document.querySelector(`#${role}-options.show`) && all.length"
        " && all.every(o => o.dataset.label.toLowerCase().includes(typed.toLowerCase())); }",
        arg=[role, typed],
    )
    return page.locator(f"#{role}-options [role=option]")


@pytest.fixture
def customers(make_user, markets):
    from beachhead.accounts.models import Contact
    from beachhead.accounts.services.accounts import do_create_account

    admin = make_user("admin")
    made = {}
    for market, legal, display in (
        ("JP", "株式会社ヤマト精機", "Yamato Seiki"),
        ("JP", "山田電機株式会社", "Yamada Denki"),
        ("KR", "삼성전자", "Samsung Electronics"),
        ("DE", "Nordwind GmbH", ""),
    ):
        made[legal] = do_create_account(
            admin, market=market, legal_name=legal, display_name=display,
            industry="manufacturing", tier="strategic", lifecycle="customer",
        )  # fmt: skip
    Contact.objects.create(
        account=made["株式会社ヤマト精機"], full_name="山田 太郎", email="yamada@ys.jp"
    )
    return made


def test_record_a_promise_with_the_picker(live_server, browser, make_user, customers):
    make_user(
        "account_executive", ["JP", "KR"], username="mina", first_name="Mina", last_name="Park"
    )
    base = live_server.url
    errors: list[str] = []
    context, page = signed_in_page(browser, base, "mina", "en", errors)
    page.goto(f"{base}/commitments/new/")

    search = page.locator("#id_customer-search")
    options = _options(page, "customer", "Yama")
    assert options.count() == 2  # the Berlin account is not the user's to see
    assert search.get_attribute("aria-expanded") == "true"
    search.press("ArrowDown")
    assert search.get_attribute("aria-activedescendant") == "customer-option-1"
    search.press("Enter")
    assert page.locator("#id_customer").input_value().startswith("account:")
    assert search.input_value() == "Yamada Denki"  # sorted by name

    _options(page, "customer", "Samsung").first.click()
    assert page.locator("select[name=market]").input_value() == "KR"  # the account's market
    _options(page, "customer", "Yamato")
    search.press("ArrowDown")
    search.press("Enter")
    assert page.locator("select[name=market]").input_value() == "JP"

    about = page.locator("#id_subject-search")
    _options(page, "subject", "山田")
    about.press("ArrowDown")
    about.press("Enter")
    page.fill("#id_title", "Send the capacity plan")
    page.fill("#id_hours", "8")
    page.click("button.btn-primary:has-text('Add to the ledger')")
    page.wait_for_url(f"{base}/commitments/*/")

    promise = Commitment.objects.get()
    assert promise.customer == customers["株式会社ヤマト精機"]
    assert promise.subject_label == "山田 太郎"
    context.close()

    for language in ("en", "zh-hans", "ja"):
        context, page = signed_in_page(browser, base, "mina", language, errors)
        page.goto(f"{base}/commitments/new/")
        _options(page, "customer", "a")
        shoot(page, f"record-a-promise-picker-{language}")
        context.close()
    assert errors == []
