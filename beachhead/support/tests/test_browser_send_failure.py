"""Browser test: a reply the customer's mail server refused shows on the ticket as "Not
delivered" with the reason and a Retry button that sends it; finance reads the same ticket
without the internal note. Screenshots in English, Chinese and Japanese
(var/screenshots/support-failed-reply-*.png, support-ticket-finance-en-desktop.png)."""

from __future__ import annotations

import importlib
import smtplib

import pytest

from beachhead.core.tests.browser import WIDTHS, shoot, signed_in_page
from beachhead.support.models import Message, SlaPolicy
from beachhead.support.services import outbound, tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "yamada@yamato-seiki.co.jp"
NOTE = "電話で確認済み：先方のメールサーバーが移行中。"


@pytest.fixture
def failed(make_user, make_agent, markets, monkeypatch):
    """A Japanese customer's ticket, answered by Aiko, whose reply the server refused (550);
    with an internal note."""
    from django.apps import apps

    from beachhead.accounts.models import Contact
    from beachhead.accounts.services.accounts import do_create_account
    from beachhead.core.models import Team

    if not SlaPolicy.objects.exists():  # a transactional test starts from an empty table
        seeds = importlib.import_module("beachhead.support.migrations.0002_default_sla_policies")
        seeds.seed(apps, None)
    admin = make_user("admin", username="boss")
    make_user("finance", ["JP"], username="hana", first_name="Hana", last_name="Sato")
    team = Team.objects.create(name="東京サポート", market_code="JP", timezone="Asia/Tokyo")
    aiko = make_agent(
        "aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=team, first_name="愛子",
        last_name="佐藤", shifts=[("00:00", "23:59")], days=range(7),
    )  # fmt: skip
    account = do_create_account(
        admin, market="JP", legal_name="株式会社ヤマト精機", industry="manufacturing",
        tier="strategic", lifecycle="customer",
    )  # fmt: skip
    Contact.objects.create(account=account, full_name="山田 太郎", email=ADDRESS, language="ja")
    ticket = tickets.do_create_ticket(
        subject="夜間バッチが停止しました",
        body_text="昨夜のアップグレード後、夜間のエクスポートが止まっています。至急ご確認ください。",
        account=account,
        requester_email=ADDRESS,
        channel="email",
    )
    ticket = tickets.do_assign(ticket, admin, assignee=aiko)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {ADDRESS: (550, b"5.1.1 <yamada@yamato-seiki.co.jp>: Recipient address rejected")}
        )

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        # do_reply queues the send after its commit: the immediate backend sends (and fails) it.
        reply = tickets.do_reply(
            ticket,
            aiko,
            "山田様\n\nお問い合わせありがとうございます。エクスポートジョブのログを確認しております。",
        )
    tickets.do_reply(ticket, aiko, NOTE, public=False)
    reply.refresh_from_db()
    assert reply.delivery_status == "failed"
    return ticket


def test_a_failed_reply_in_a_browser(live_server, browser, failed):
    base = live_server.url
    errors: list[str] = []
    url = f"{base}/support/tickets/{failed.pk}/"

    for language in ("en", "zh-hans", "ja"):
        for label, width in WIDTHS.items():
            context, page = signed_in_page(browser, base, "aiko", language, errors, width)
            page.goto(url)
            assert page.locator(".message-failed .message-delivery .alert-danger").count() == 1
            shoot(page, f"support-failed-reply-{language}-{label}")
            context.close()

    # Finance reads the conversation, not the note, and cannot write one.
    context, page = signed_in_page(browser, base, "hana", "en", errors)
    page.goto(url)
    assert page.locator(".message").count() == 2
    assert page.locator(".message-note").count() == 0
    assert NOTE not in page.content()
    shoot(page, "support-ticket-finance-en-desktop")
    context.close()

    # Retry sends it (the mail server takes it now) and the page says e-mailed.
    context, page = signed_in_page(browser, base, "aiko", "en", errors)
    page.goto(url)
    assert page.locator("#reply-kind-note").count() == 1
    page.click(".message-failed button[type=submit]")
    page.wait_for_selector(".alert-success, .alert:has-text('queued')")
    assert page.locator(".message-failed").count() == 0
    reply = Message.objects.get(ticket=failed, kind=Message.Kind.REPLY)
    assert reply.delivery_status == "sent"
    assert page.locator(".message-reply:has-text('e-mailed')").count() == 1
    context.close()
    assert errors == []
    assert outbound.send_due() == 0
