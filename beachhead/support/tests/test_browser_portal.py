"""Browser test of the customer's pages: a real Chromium sends a request through the web form,
signs in to the portal with the e-mailed link, opens a ticket and replies; full-page
screenshots in three languages and two widths under var/screenshots/ (support-webform-*,
support-portal-*)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from beachhead.accounts.models import Contact
from beachhead.core.http import base_url
from beachhead.core.tests.browser import shoot
from beachhead.support.models import Channel, Message, Status, Survey, Ticket
from beachhead.support.services import portal as rules
from beachhead.support.services import tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1440": 1440, "390": 390}
LANGUAGES = ("en", "zh-hans", "ja")


def _fits(page) -> None:
    """Nothing sticks out sideways (a narrow phone must not scroll horizontally)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the window"


def _context(browser, base: str, language: str, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, timezone_id="Asia/Tokyo"
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return context


@pytest.fixture
def conversation(customer, make_agent, tokyo_team):
    """Yamato Seiki's requests: one in conversation (with an internal note), one waiting on the
    customer, one solved; and another company's request that must never show."""
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)
    agent.first_name, agent.last_name = "愛子", "青木"
    agent.save(update_fields=["first_name", "last_name"])
    yamada = Contact.objects.get(email="yamada@yamato-seiki.co.jp")
    sato = Contact.objects.create(
        account=customer, full_name="佐藤 花子", email="sato@yamato-seiki.co.jp", language="ja"
    )
    main = tickets.do_create_ticket(
        subject="夜間バッチの実行後にノードが再起動を繰り返す",
        body_text=(
            "本番環境で、夜間バッチ（02:00開始）の実行後にノード3台が再起動を繰り返しています。\n"
            "バージョン 7.4.2、ログを添付します。業務開始の9:00までに復旧したいです。"
        ),
        channel=Channel.EMAIL,
        requester=yamada,
        priority="high",
    )
    tickets.do_reply(main, agent, "社内メモ: 7.4.2 の既知の不具合 #4411 と同じ症状。", public=False)
    tickets.do_reply(
        main,
        agent,
        "山田様\n\nお問い合わせありがとうございます。サポートの青木です。\n"
        "ログを拝見し、7.4.2 の既知の不具合と同じ症状であることを確認しました。"
        "回避策として、設定 `max_compaction_threads` を 2 に下げてください。"
        "修正版 7.4.3 は今週中に公開予定です。",
    )
    tickets.do_add_customer_message(
        main,
        text="回避策を適用したところ、再起動は止まりました。修正版の公開日が決まりましたらお知らせください。",
        channel=Channel.EMAIL,
        contact=yamada,
        from_name=yamada.full_name,
        from_address=yamada.email,
    )
    waiting = tickets.do_create_ticket(
        subject="請求書の宛名を英語表記に変更したい",
        body_text="次回の請求書から宛名を Yamato Seiki Co., Ltd. にしてください。",
        channel=Channel.WEB_FORM,
        requester=sato,
    )
    tickets.do_reply(
        waiting,
        agent,
        "承知しました。変更後の宛名をもう一度ご確認ください。",
        status=Status.PENDING,
    )
    solved = tickets.do_create_ticket(
        subject="SSO の設定方法", body_text="SAML の設定手順を教えてください。", requester=yamada
    )
    tickets.do_reply(solved, agent, "手順書をお送りします。", status=Status.SOLVED)
    other = tickets.do_create_ticket(
        subject="他社の問い合わせ", body_text="見えてはいけない", requester_email="x@chiisana.jp"
    )
    return {"yamada": yamada, "main": main, "solved": solved, "other": other, "agent": agent}


def test_the_customer_pages_in_a_browser(live_server, browser, conversation, settings):
    # One address sends the form and asks for links many times here: the shared limits
    # (core.ratelimit) would refuse it, which test_portal.py checks; these pages are about looks.
    settings.BEACHHEAD_WEB_FORM_RATE = "1000/10m"
    settings.BEACHHEAD_PORTAL_LINK_RATE_IP = "1000/10m"
    settings.BEACHHEAD_PORTAL_LINK_RATE_ADDRESS = "1000/10m"
    base = live_server.url
    errors: list[str] = []
    main = conversation["main"]

    # --- the web form, once, in English on a desktop ---
    context = _context(browser, base, "en", 1440)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/support/help/")
    assert page.input_value("#id_tz") == "Asia/Tokyo"  # the browser's zone, for the answer time
    page.fill("#id_name", "Emma Schneider")
    page.fill("#id_email", "emma.schneider@example.de")
    page.fill("#id_company", "Nordlicht Logistik GmbH")
    page.fill("#id_subject", "Export to SAP stops at 10,000 rows")
    page.fill("#id_description", "Since the update on Monday the SAP export stops at 10,000 rows.")
    page.select_option("#id_priority", "high")
    # a person takes longer than the three seconds a bot does not wait
    page.wait_for_timeout(rules.FORM_MIN_SECONDS * 1000 + 200)
    page.click("#send-request")
    page.wait_for_url(f"{base}/support/help/sent/")
    ticket = Ticket.objects.get(channel=Channel.WEB_FORM, requester_email__startswith="emma")
    assert page.locator("#reference").inner_text() == f"#{ticket.pk}"
    assert "We will answer by" in page.locator("#due").inner_text()
    assert "Tokyo time" in page.locator("#due").inner_text()

    # --- portal sign-in: ask for a link, open it, press the button ---
    page.goto(f"{base}/support/portal/")
    page.fill("#id_email", "yamada@yamato-seiki.co.jp")
    page.click("#send-link")
    page.wait_for_selector("#link-sent")
    link = re.search(r"http\S+/support/portal/sign-in/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace(base_url(), base))
    page.click("#confirm-sign-in")
    page.wait_for_url(f"{base}/support/portal/")
    rows = page.locator("#portal-tickets tbody tr")
    assert rows.count() == 3  # the account's three, never another company's
    assert "他社の問い合わせ" not in page.content()
    page.click(f"text={main.subject}")
    page.wait_for_selector("#conversation")
    assert "社内メモ" not in page.content()
    page.fill("#id_text", "修正版の公開日が決まったら教えてください。")
    page.click("#send-reply")
    page.wait_for_selector("#latest:has-text('修正版の公開日が決まったら')")
    assert main.messages.filter(channel=Channel.PORTAL, kind=Message.Kind.INBOUND).exists()
    context.close()

    # --- screenshots: three languages, two widths ---
    survey = Survey.objects.get(ticket=conversation["solved"])
    expired = rules.issue_token(
        conversation["yamada"], now=timezone.now() - rules.TOKEN_LIFETIME - timedelta(minutes=1)
    )
    for language in LANGUAGES:
        for label, width in WIDTHS.items():
            context = _context(browser, base, language, width)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base}/support/help/")
            _fits(page)
            shoot(page, f"support-webform-{language}-{label}")
            page.fill("#id_name", "王 芳" if language == "zh-hans" else "田中 美咲")
            page.fill("#id_email", f"shot-{language}-{label}@example.com")
            page.fill(
                "#id_subject", "数据导出失败" if language == "zh-hans" else "データ出力の失敗"
            )
            page.fill("#id_description", "自昨天起，月度报表导出一直失败。")
            page.select_option("#id_language", language)
            page.wait_for_timeout(rules.FORM_MIN_SECONDS * 1000 + 200)
            page.click("#send-request")
            page.wait_for_url(f"{base}/support/help/sent/")
            _fits(page)
            shoot(page, f"support-webform-sent-{language}-{label}")

            page.goto(f"{base}/support/portal/")
            _fits(page)
            shoot(page, f"support-portal-signin-{language}-{label}")
            page.fill("#id_email", "yamada@yamato-seiki.co.jp")
            page.click("#send-link")
            page.wait_for_selector("#link-sent")
            _fits(page)
            shoot(page, f"support-portal-link-sent-{language}-{label}")
            page.goto(f"{base}/support/portal/sign-in/{expired}/")
            _fits(page)
            shoot(page, f"support-portal-link-expired-{language}-{label}")
            raw = rules.issue_token(conversation["yamada"])
            page.goto(f"{base}/support/portal/sign-in/{raw}/")
            page.click("#confirm-sign-in")
            page.wait_for_url(f"{base}/support/portal/")
            _fits(page)
            shoot(page, f"support-portal-list-{language}-{label}")
            page.goto(f"{base}/support/portal/tickets/{main.pk}/")
            _fits(page)
            shoot(page, f"support-portal-ticket-{language}-{label}")
            page.goto(f"{base}/support/portal/tickets/new/")
            _fits(page)
            shoot(page, f"support-portal-new-{language}-{label}")
            page.goto(f"{base}/support/survey/{survey.token}/?rating=bad")
            _fits(page)
            shoot(page, f"support-portal-survey-{language}-{label}")
            context.close()
    assert not errors, errors
