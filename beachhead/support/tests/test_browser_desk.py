"""Browser test of the agent side of the desk: a real Chromium answers a ticket with the keyboard
(a template, Ctrl+Enter, an internal note), changes its properties with htmx, and takes
full-page screenshots of the ticket, the desk and the ticket list in English, Chinese and
Japanese (var/screenshots/support-*.png)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from beachhead.core.tests.browser import WIDTHS, shoot, signed_in_page
from beachhead.support.models import (
    Attachment,
    InboundMail,
    Message,
    ReplyTemplate,
    ReplyTemplateVariant,
    SlaPolicy,
    Survey,
    TeamAlert,
    TeamThreshold,
    Ticket,
)
from beachhead.support.services import tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# --- A desk with a week of work ------------------------------------------------------------------


def _agent(make_agent, username, markets, tz, languages, first, last, team=None, hours=None):
    """An agent on shift every day (all day unless ``hours``)."""
    shifts = [hours or ("00:00", "23:59")]
    return make_agent(
        username, markets, tz, languages, shifts=shifts, team=team, days=range(7),
        first_name=first, last_name=last,
    )  # fmt: skip


def _file(message, name, content, content_type="text/plain"):
    item = Attachment(message=message, filename=name, content_type=content_type, size=len(content))
    item.file.save(name, ContentFile(content), save=False)
    item.save()
    return item


@pytest.fixture
def desk(make_user, make_agent, markets):
    """Tokyo and Shanghai agents, an outsourced partner in Manila, customers in Japan, China
    and Germany, and a few dozen tickets in every state. Returns the showcase ticket."""
    from beachhead.accounts.models import Contact
    from beachhead.accounts.services.accounts import do_create_account
    from beachhead.core.models import Team

    if not SlaPolicy.objects.exists():  # a transactional test starts from an empty table
        seeds = importlib.import_module("beachhead.support.migrations.0002_default_sla_policies")
        seeds.seed(django_apps(), None)
    admin = make_user("admin", username="boss")
    kenji = make_user(
        "regional_manager", ["JP", "CN"], username="kenji", first_name="健二", last_name="中村",
        timezone_name="Asia/Tokyo",
    )  # fmt: skip
    tokyo = Team.objects.create(
        name="東京サポート", market_code="JP", timezone="Asia/Tokyo", manager=kenji
    )
    shanghai = Team.objects.create(
        name="上海支持中心", market_code="CN", timezone="Asia/Shanghai", manager=kenji
    )
    manila = Team.objects.create(
        name="Manila Partner Desk", market_code="JP", kind="outsourced", timezone="Asia/Manila",
        manager=kenji,
    )  # fmt: skip
    TeamThreshold.objects.create(team=manila, max_breach_rate=10, min_satisfaction=85)
    TeamThreshold.objects.create(team=tokyo, max_breach_rate=5, min_satisfaction=90)
    mei = _agent(
        make_agent, "mei", ["JP", "CN"], "Asia/Shanghai", ["zh-hans", "ja", "en"], "美玲", "王",
        shanghai,
    )  # fmt: skip
    aiko = _agent(make_agent, "aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], "愛子", "佐藤", tokyo)
    carlo = _agent(
        make_agent, "carlo", ["JP", "CN"], "Asia/Manila", ["en"], "Carlo", "Reyes", manila,
        hours=("08:00", "20:00"),
    )  # fmt: skip
    yamato = do_create_account(
        admin, market="JP", legal_name="株式会社ヤマト精機", display_name="ヤマト精機",
        industry="manufacturing", tier="strategic", lifecycle="customer", owner=kenji,
    )  # fmt: skip
    yamada = Contact.objects.create(
        account=yamato, full_name="山田 太郎", email="yamada@yamato-seiki.co.jp",
        phone="03-1234-5678", language="ja", job_title="情報システム部 部長",
    )  # fmt: skip
    yunqi = do_create_account(
        admin, market="CN", legal_name="上海云启科技有限公司", display_name="云启科技",
        industry="technology", tier="enterprise", lifecycle="customer",
    )  # fmt: skip
    li = Contact.objects.create(
        account=yunqi, full_name="李 明", email="li.ming@yunqi.cn", language="zh-hans"
    )
    ReplyTemplateVariant.objects.bulk_create(
        [
            ReplyTemplateVariant(template=template, language=lang, market_code=market, body=body)
            for template in [ReplyTemplate.objects.create(key="thanks", name="Thank you / 受付")]
            for lang, market, body in (
                ("en", "", "Dear {customer},\n\nThank you for contacting {company}. I am "
                 "looking into ticket {ticket} now.\n\nBest regards,\n{agent}"),
                ("ja", "JP", "{customer}様\n\nいつもお世話になっております。{company}の{agent}です。"
                 "お問い合わせ（{ticket}）を確認しております。"),
                ("zh-hans", "", "{customer}，您好！\n\n感谢您联系{company}，我们正在处理工单{ticket}。"),
            )
        ]
    )  # fmt: skip
    now = timezone.now()

    # The showcase: a strategic customer's production outage, 50 minutes of conversation.
    showcase = tickets.do_create_ticket(
        subject="【至急】本番環境のクラスタが v8.1.2 へのアップグレード後に起動しません",
        body_text=(
            "サポートご担当者様\n\n"
            "本日 9:30 に本番環境のクラスタを v8.1.2 にアップグレードしたところ、3 台のノードの"
            "うち 2 台が起動しなくなりました。ログには「checksum mismatch in WAL segment」という"
            "エラーが繰り返し出力されています。工場の生産管理システムが停止しているため、"
            "至急ご対応をお願いいたします。\n\nログ一式を添付いたします。\n\n"
            "株式会社ヤマト精機 情報システム部\n山田 太郎"
        ),
        body_quoted="> 2026/11/20 18:02 サポート窓口 <support@beachhead.localhost>:\n"
        "> アップグレード手順書を送付いたします。",
        body_html="<p>サポートご担当者様</p><p>本日 9:30 に本番環境のクラスタを "
        "<b>v8.1.2</b> にアップグレードしたところ…</p>",
        account=yamato,
        requester=yamada,
        priority="urgent",
        channel="email",
        tags="upgrade 起動障害",
        product_version="8.1.2",
        notes="Content-Type declared iso-2022-jp; decoded as cp50221 (extended characters)",
        at=now - dt.timedelta(minutes=50),
    )
    first = showcase.messages.get()
    _file(first, "node-2_server.log", b"FATAL checksum mismatch in WAL segment 0000000100000A\n")
    _file(first, "cluster-config.toml", b"[cluster]\nnodes = 3\n", "application/toml")
    tickets.do_reply(
        showcase, aiko,
        "山田様\n\nお問い合わせありがとうございます。東京サポートの佐藤です。\n"
        "ログを確認しております。WAL の整合性チェックで停止しているようです。"
        "30 分以内に回避手順をご連絡いたします。",
        at=now - dt.timedelta(minutes=42),
    )  # fmt: skip
    tickets.do_reply(
        showcase, mei,
        "已复现：v8.1.2 在 WAL 段跨越 16 MB 边界时校验失败。Workaround: start with "
        "--skip-wal-verify, then run `repair wal`. 已通知研发（BUG-4821）。",
        public=False, at=now - dt.timedelta(minutes=30),
    )  # fmt: skip
    later = tickets.do_add_customer_message(
        showcase,
        text="佐藤様\n\nご対応ありがとうございます。追加でコアダンプを送ります（サイズが大きいため"
        "分割できず、すみません）。",
        from_name="山田 太郎", from_address="yamada@yamato-seiki.co.jp", contact=yamada,
        at=now - dt.timedelta(minutes=12),
    )  # fmt: skip
    Attachment.objects.create(
        message=later, filename="core.node-2.dump", size=734_003_200, rejected=True,
        reason="Larger than the 10 MB limit: not kept. Ask for a download link.",
    )  # fmt: skip
    tickets.do_promise_follow_up(showcase, mei, now + dt.timedelta(hours=3))
    tickets.do_assign(showcase, kenji, assignee=mei)

    # The rest of the week, in three languages.
    subjects = [
        (yamato, yamada, "バックアップからのリストア手順について", "normal"),
        (yamato, yamada, "請求書の宛名変更のお願い", "low"),
        (yamato, yamada, "監査ログの保存期間を延長したい", "high"),
        (yunqi, li, "集群扩容后查询延迟明显增加，请协助排查", "urgent"),
        (yunqi, li, "申请开具增值税专用发票", "low"),
        (yunqi, li, "如何配置跨可用区的只读副本？", "normal"),
        (yamato, yamada, "Login via SAML fails for users with long e-mail addresses", "high"),
        (yunqi, li, "API rate limit raised to 5,000 requests per minute?", "normal"),
    ]
    made = []
    for i in range(24):
        account, contact, subject, priority = subjects[i % len(subjects)]
        ticket = tickets.do_create_ticket(
            subject=subject if i < len(subjects) else f"{subject} ({i // len(subjects) + 1})",
            body_text="…",
            account=account,
            requester=contact,
            priority=priority,
            channel=["email", "web_form", "portal", "phone", "api"][i % 5],
            at=now - dt.timedelta(hours=3 + i * 5),
        )
        made.append(ticket)
    for i, ticket in enumerate(made):
        if i % 6 == 1:
            tickets.do_reply(ticket, aiko if ticket.market.code == "JP" else mei, "ご確認ください。",
                             status="pending")  # fmt: skip
        elif i % 6 == 2:
            tickets.do_reply(ticket, mei, "已解决。", status="solved")
            Survey.objects.filter(ticket=ticket).update(
                rating="bad" if i == 8 else "good", answered_at=now
            )
        elif i % 6 == 3:
            tickets.do_assign(ticket, kenji, assignee=carlo, team=manila)
        elif i % 6 == 4:
            tickets.do_set_status(ticket, kenji, "on_hold")
    # About to break: a strategic customer's urgent first reply, 13 of its 15 minutes gone.
    tickets.do_create_ticket(
        subject="【至急】管理コンソールにログインできません（全ユーザー）", body_text="…",
        account=yamato, requester=yamada, priority="urgent", channel="phone",
        at=now - dt.timedelta(minutes=13),
    )  # fmt: skip
    TeamAlert.objects.create(
        team=manila, metric="breach_rate", value=23.5, threshold=10, sample=34,
        period="2026-W47", raised_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    # A mail nobody could read, for the admin.
    raw = (
        "From: 佐藤 <sato@example.jp>\r\nSubject: =?ISO-2022-JP?B?GyRCJTUlXSE8JUgbKEI=?=\r\n"
        'Content-Type: multipart/mixed; boundary="lost"\r\n\r\n--lost\r\n'
    ).encode() + b"\x1b$B%5%]!<%H\x1b(B" * 200
    item = InboundMail(
        fingerprint="f" * 64, source="imap://support@example.jp/INBOX", size=len(raw),
        subject="サポート", from_address="sato@example.jp",
        error="The multipart message has no closing boundary and no readable text part.",
    )  # fmt: skip
    item.raw.save("broken.eml", ContentFile(raw), save=False)
    item.save()
    # A new market's agent, whose desk is still empty.
    make_user("support_agent", ["DE"], username="lena", first_name="Lena", last_name="Hoffmann")
    assert Message.objects.filter(ticket=showcase).count() == 4
    return showcase


def django_apps():
    from django.apps import apps

    return apps


# --- The test ------------------------------------------------------------------------------------


def test_the_desk_in_a_browser(live_server, browser, desk):
    base = live_server.url
    showcase = desk
    errors: list[str] = []

    # --- the interactions, once, in English on a desktop ---
    context, page = signed_in_page(browser, base, "mei", "en", errors)
    page.goto(f"{base}/support/tickets/{showcase.pk}/")
    assert page.locator(".message").count() == 4
    assert page.locator(".message-note").count() == 1

    # n switches to an internal note, r back to a public reply with the box focused
    page.keyboard.press("n")
    page.wait_for_selector("#reply-box.is-note")
    page.locator("#id_reply-body").blur()
    page.keyboard.press("r")
    page.wait_for_selector("#reply-box:not(.is-note)")
    assert page.evaluate("document.activeElement.id") == "id_reply-body"

    # a template in the ticket's language and market, filled in
    page.select_option("#reply-template", "thanks")
    page.wait_for_function(
        "() => document.querySelector('#id_reply-body').value.includes('いつもお世話になっております')"
    )
    assert "山田 太郎様" in page.input_value("#id_reply-body")
    page.locator("#id_reply-body").press("End")
    page.keyboard.type("\n回避手順を添付いたします。")

    # Ctrl+Enter sends with htmx: the conversation and the promises redraw in place
    page.locator("#id_reply-body").press("Control+Enter")
    page.wait_for_selector("#reply-box .alert-success")
    assert page.locator(".message").count() == 5
    assert page.locator(".message-reply").count() == 2
    assert page.input_value("#id_reply-body") == ""
    reply = showcase.messages.order_by("-pk").first()
    assert reply.kind == Message.Kind.REPLY
    assert "回避手順を添付いたします。" in reply.body_text

    # properties with htmx
    page.select_option("#id_props-status", "pending")
    page.click("#properties-card button[type=submit]")
    page.wait_for_selector("#properties-card .text-green")
    assert Ticket.objects.get(pk=showcase.pk).status == "pending"
    page.wait_for_selector("#ticket-badges .status-pending")
    page.select_option("#id_props-status", "open")
    page.click("#properties-card button[type=submit]")
    page.wait_for_selector("#ticket-badges .status-open")
    context.close()

    # --- screenshots: three languages; the ticket also on a phone ---
    for language in ("en", "zh-hans", "ja"):
        for label, width in WIDTHS.items():
            context, page = signed_in_page(browser, base, "mei", language, errors, width)
            page.goto(f"{base}/support/tickets/{showcase.pk}/")
            page.locator(".message-quoted summary").first.click()
            shoot(page, f"support-ticket-{language}-{label}")
            if label == "desktop":
                page.goto(f"{base}/support/desk/")
                shoot(page, f"support-desk-{language}-{label}")
                page.goto(f"{base}/support/?status=unsolved")
                page.wait_for_selector("table.list-table")
                shoot(page, f"support-list-{language}-{label}")
            context.close()

    # --- the other pages, once, in English: logging a ticket, team health, an empty desk ---
    context, page = signed_in_page(browser, base, "mei", "en", errors)
    page.goto(f"{base}/support/new/")
    page.fill("#account-search", "云启")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_account option')].length === 2"
    )
    page.select_option("#id_account", index=1)
    page.wait_for_selector("#id_requester option:has-text('李 明')", state="attached")
    page.select_option("#id_requester", index=1)
    page.fill("#id_subject", "电话：生产集群备份失败，需要恢复指导")
    page.fill("#id_body", "客户来电：昨晚的全量备份在 80% 时失败，错误码 E-4012。")
    page.select_option("#id_language", "zh-hans")
    shoot(page, "support-create-en-desktop")
    page.click("button[type=submit]:has-text('Log the ticket')")
    page.wait_for_selector(".ticket-subject:has-text('生产集群备份失败')")
    logged = Ticket.objects.get(subject="电话：生产集群备份失败，需要恢复指导")
    assert logged.channel == "phone"
    assert logged.requester.full_name == "李 明"
    page.goto(f"{base}/support/teams/")
    shoot(page, "support-teams-en-desktop")
    context.close()
    context, page = signed_in_page(browser, base, "lena", "en")
    page.goto(f"{base}/support/desk/")
    assert page.locator("text=Connect a mailbox").count() == 1
    shoot(page, "support-desk-empty-en-desktop")
    context.close()
    context, page = signed_in_page(browser, base, "boss", "ja")
    page.goto(f"{base}/support/rejected/")
    page.click("table td.truncate a")  # the one rejected mail
    page.wait_for_selector("pre.raw-source")
    shoot(page, "support-rejected-ja-desktop")
    context.close()
    assert not errors, errors
