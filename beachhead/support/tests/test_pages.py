"""The agent pages of the desk: a ticket with its conversation and promises, the reply and
properties forms, reply templates, attachments, logging a ticket, the desk and team health, and
rejected mail for admins; access (another market's agent gets 404) and bounded queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject
from beachhead.support.models import (
    Attachment,
    InboundMail,
    Message,
    ReplyTemplate,
    ReplyTemplateVariant,
    Status,
    Ticket,
)
from beachhead.support.services import tickets

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent(make_agent, tokyo_team):
    """An agent of the Japanese desk, on shift in Tokyo office hours."""
    user = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)
    user.first_name, user.last_name = "愛子", "佐藤"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def berlin_agent(make_agent):
    return make_agent("jonas", ["DE"], "Europe/Berlin", ["de", "en"])


@pytest.fixture
def ticket(customer, agent, mailed_ticket):
    """A Japanese customer's urgent ticket, opened by e-mail an hour ago."""
    return mailed_ticket(
        None,
        "yamada@yamato-seiki.co.jp",
        "本番環境のノードが起動しません (v8.1)",
        "昨夜のアップデート後、本番環境の3台のノードが起動しません。\nログを添付します。",
        body_quoted="> 以前のお問い合わせ #1042 について",
        body_html="<p>昨夜のアップデート後、<b>本番環境</b>の3台のノードが起動しません。</p>",
        priority="urgent",
        notes="charset declared as iso-2022-jp, decoded as cp50221",
        at=timezone.now() - dt.timedelta(hours=1),
    )


def converse(ticket, agent, n: int) -> None:
    """n more messages on the ticket: customer messages and notes, each with an attachment."""
    for i in range(n):
        if i % 2:
            message = tickets.do_reply(ticket, agent, f"調査中です ({i})", public=False)
        else:
            message = tickets.do_add_customer_message(
                ticket, text=f"追加の情報です ({i})", from_address="yamada@yamato-seiki.co.jp"
            )
        item = Attachment(message=message, filename=f"log-{i}.txt", size=12)
        item.file.save(f"log-{i}.txt", ContentFile(b"node failed\n"), save=False)
        item.save()


# --- The list ------------------------------------------------------------------------------------


def test_the_list_redirects_to_saved_views_with_filters(client, agent):
    client.force_login(agent)
    response = client.get("/support/?status=unsolved&assignee=me&priority=urgent,high&q=ノード")
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("/lists/tickets/?")
    assert "status%3Ain%3Anew%2Copen%2Cpending%2Con_hold" in target
    assert "assignee%3Aeq%3A%40me" in target
    assert "priority%3Ain%3Aurgent%2Chigh" in target
    assert client.get("/support/").headers["Location"] == "/lists/tickets/"


def test_the_saved_views_list_shows_tickets(client, agent, ticket):
    client.force_login(agent)
    response = client.get(client.get("/support/?status=unsolved").headers["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "本番環境のノードが起動しません" in html
    assert f"/support/tickets/{ticket.pk}/" in html


# --- A ticket ------------------------------------------------------------------------------------


def test_the_ticket_page_shows_the_conversation_and_the_promises(client, agent, ticket):
    tickets.do_reply(ticket, agent, "ログを確認しています。", public=False)
    agent.timezone = "Europe/Berlin"  # covering Japan from Berlin (follow the sun)
    agent.save(update_fields=["timezone"])
    client.force_login(agent)

    response = client.get(f"/support/tickets/{ticket.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "本番環境のノードが起動しません (v8.1)",
        "昨夜のアップデート後、本番環境の3台のノードが起動しません。\nログを添付します。",
        "Show quoted text",
        "以前のお問い合わせ #1042",
        "<b>本番環境</b>",  # sanitised HTML, on demand
        "decoded as cp50221",  # the parser's note
        "message-note",  # the internal note, styled apart
        "ログを確認しています。",
        "First reply",
        "Periodic update",
        "株式会社ヤマト精機",
        "yamada@yamato-seiki.co.jp",
        "Customer timeline",
        "in Tokyo",  # the customer's local time beside the viewer's
    ):
        assert text in html, text
    # Everything but the sanitised HTML is escaped.
    assert "&gt; 以前のお問い合わせ" in html


def test_the_ticket_page_escapes_what_customers_write(client, agent, customer):
    ticket = tickets.do_create_ticket(
        subject="<script>alert(1)</script>",
        body_text="<img src=x onerror=alert(1)>",
        requester_email="yamada@yamato-seiki.co.jp",
    )
    client.force_login(agent)
    html = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_another_markets_agent_gets_404_everywhere(client, berlin_agent, ticket):
    message = ticket.messages.get()
    item = Attachment(message=message, filename="log.txt", size=4)
    item.file.save("log.txt", ContentFile(b"boom"), save=False)
    item.save()
    client.force_login(berlin_agent)
    for url in (
        f"/support/tickets/{ticket.pk}/",
        f"/support/tickets/{ticket.pk}/template/?template=thanks",
        f"/support/attachments/{item.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/support/tickets/{ticket.pk}/reply/",
        f"/support/tickets/{ticket.pk}/properties/",
    ):
        assert client.post(url, {"reply-body": "x", "props-status": "solved"}).status_code == 404
    assert ticket.messages.count() == 1


def test_pages_need_a_login(client, ticket):
    for url in ("/support/desk/", f"/support/tickets/{ticket.pk}/", "/support/new/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_the_ticket_page_costs_the_same_queries_for_3_or_30_messages(
    client, agent, customer, ticket, django_assert_max_num_queries
):
    small = tickets.do_create_ticket(
        subject="ライセンスの更新", body_text="更新の手続き", account=customer
    )
    converse(small, agent, 3)
    converse(ticket, agent, 30)
    client.force_login(agent)
    client.get(f"/support/tickets/{small.pk}/")  # warm the per-process caches

    with django_assert_max_num_queries(30) as few:
        assert client.get(f"/support/tickets/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(30) as many:
        response = client.get(f"/support/tickets/{ticket.pk}/")
        assert response.status_code == 200

    assert len(few.captured_queries) == len(many.captured_queries)
    assert "log-29.txt" in response.content.decode()


# --- Replying ------------------------------------------------------------------------------------


def test_a_public_reply_keeps_the_first_reply_promise_and_emails_the_customer(
    client, agent, ticket, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/support/tickets/{ticket.pk}/reply/",
            {
                "reply-body": "山田様\n\nご連絡ありがとうございます。確認いたします。",
                "reply-kind": "reply",
            },
            **HTMX,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reply-box"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Reply sent to yamada@yamato-seiki.co.jp" in html
    assert response["HX-Trigger"] == "ticketChanged"
    reply = ticket.messages.get(kind=Message.Kind.REPLY)
    assert reply.author == agent
    assert "確認いたします。" in reply.body_text
    # Kept — late: the urgent ticket's 15 minutes ran out 45 minutes ago.
    assert for_subject(ticket).get(kind="first_reply").state == State.KEPT_LATE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to[0].endswith("<yamada@yamato-seiki.co.jp>")
    assert "確認いたします。" in mail.outbox[0].body


def test_an_internal_note_is_not_emailed(client, agent, ticket, django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/support/tickets/{ticket.pk}/reply/",
            {"reply-body": "お客様の環境はv8.1、再現手順を確認中。", "reply-kind": "note"},
            **HTMX,
        )
    assert response.status_code == 200
    assert "Note added" in response.content.decode()
    note = ticket.messages.get(kind=Message.Kind.NOTE)
    assert not note.is_public
    assert mail.outbox == []
    assert for_subject(ticket).get(kind="first_reply").state == State.OPEN


def test_an_empty_reply_comes_back_with_the_error(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        f"/support/tickets/{ticket.pk}/reply/", {"reply-body": "  ", "reply-kind": "reply"}, **HTMX
    )
    assert response.status_code == 200
    assert "Write something first." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_reply_without_htmx_redirects_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        f"/support/tickets/{ticket.pk}/reply/",
        {"reply-body": "承知しました。", "reply-kind": "reply"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/support/tickets/{ticket.pk}/"


def test_replying_pending_pauses_the_clocks(client, agent, ticket):
    client.force_login(agent)
    client.post(
        f"/support/tickets/{ticket.pk}/reply/",
        {
            "reply-body": "ログを送っていただけますか。",
            "reply-kind": "reply",
            "reply-status_after": "pending",
        },
        **HTMX,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    resolution = for_subject(ticket).get(kind="resolution")
    assert resolution.state == State.OPEN
    assert resolution.paused_at is not None
    html = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "state-paused" in html
    assert "Clock paused" in html


def test_a_follow_up_is_read_in_the_viewers_time_zone(client, agent, ticket):
    agent.timezone = "Asia/Tokyo"
    agent.save(update_fields=["timezone"])
    client.force_login(agent)
    by = (
        (timezone.now() + dt.timedelta(days=2))
        .astimezone(TOKYO)
        .replace(hour=10, minute=30, second=0, microsecond=0)
    )
    client.post(
        f"/support/tickets/{ticket.pk}/reply/",
        {
            "reply-body": "明日の午前中にご連絡します。",
            "reply-kind": "note",
            "reply-follow_up_at": by.strftime("%Y-%m-%dT%H:%M"),
        },
        **HTMX,
    )
    follow_up = for_subject(ticket).get(kind="follow_up")
    assert follow_up.owner == agent
    assert follow_up.state == State.OPEN
    assert follow_up.due_at == by


def test_a_follow_up_in_the_past_is_refused(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        f"/support/tickets/{ticket.pk}/reply/",
        {"reply-body": "x", "reply-kind": "note", "reply-follow_up_at": "2020-01-01T10:00"},
        **HTMX,
    )
    assert "A follow-up must be in the future." in response.content.decode()
    assert not for_subject(ticket).filter(kind="follow_up").exists()
    assert ticket.messages.count() == 1  # the whole step was rolled back


# --- Properties ----------------------------------------------------------------------------------


def _props(ticket, **changes):
    data = {
        "props-status": ticket.status,
        "props-priority": ticket.priority,
        "props-assignee": str(ticket.assignee_id or ""),
        "props-tags": ticket.tags,
        "props-product_version": ticket.product_version,
    }
    data.update({f"props-{k}": v for k, v in changes.items()})
    return data


def test_properties_update_through_the_service(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        f"/support/tickets/{ticket.pk}/properties/",
        _props(
            ticket,
            priority="high",
            tags="起動障害, Upgrade",
            product_version="8.1.2",
            assignee=str(agent.pk),
        ),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.tags == "upgrade 起動障害"
    assert ticket.product_version == "8.1.2"
    assert ticket.assignee == agent
    # A new priority re-made the promises with the new targets: urgent's periodic update went.
    assert not for_subject(ticket).filter(kind="periodic_update", state=State.OPEN).exists()


def test_setting_pending_in_properties_pauses(client, agent, ticket):
    client.force_login(agent)
    client.post(
        f"/support/tickets/{ticket.pk}/properties/", _props(ticket, status="pending"), **HTMX
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert for_subject(ticket).get(kind="resolution").paused_at is not None


def test_the_assignee_must_cover_the_market(client, agent, berlin_agent, ticket):
    client.force_login(agent)
    response = client.post(
        f"/support/tickets/{ticket.pk}/properties/",
        _props(ticket, assignee=str(berlin_agent.pk)),
        **HTMX,
    )
    assert "Select a valid choice" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee_id != berlin_agent.pk


# --- Reply templates -----------------------------------------------------------------------------


@pytest.fixture
def thanks():
    template = ReplyTemplate.objects.create(key="thanks", name="Thank you")
    for language, market, body in (
        ("en", "", "Dear {customer},\n\nThank you for contacting {company}. — {agent} {ticket}"),
        ("ja", "", "{customer}様\n\nお問い合わせありがとうございます。{company}の{agent}です。"),
        (
            "ja",
            "JP",
            "{customer}様\n\nいつもお世話になっております。{company}の{agent}です。{nope}",
        ),
        ("zh-hans", "", "{customer}，您好！感谢您联系{company}。"),
    ):
        ReplyTemplateVariant.objects.create(
            template=template, language=language, market_code=market, body=body
        )
    return template


def test_a_template_picks_the_japanese_variant_for_a_japanese_ticket(client, agent, ticket, thanks):
    client.force_login(agent)
    data = client.get(f"/support/tickets/{ticket.pk}/template/?template=thanks").json()
    assert data["language"] == "ja"
    assert data["market"] == "JP"
    assert data["text"].startswith("山田 太郎様\n\nいつもお世話になっております。")
    assert "佐藤愛子です。" in data["text"]
    assert data["text"].endswith("{nope}")  # an unknown placeholder stays as written


def test_a_template_falls_back_to_english(client, agent, customer, thanks):
    ticket = tickets.do_create_ticket(
        subject="Login fails",
        body_text="Cannot log in",
        account=customer,
        requester_email="ops@yamato-seiki.co.jp",
        language="ko",
    )
    client.force_login(agent)
    data = client.get(f"/support/tickets/{ticket.pk}/template/?template=thanks").json()
    assert data["language"] == "en"
    assert f"#{ticket.pk}" in data["text"]
    assert client.get(f"/support/tickets/{ticket.pk}/template/?template=nope").status_code == 404


# --- Attachments ---------------------------------------------------------------------------------


def test_an_attachment_downloads_for_those_who_may_see_the_ticket(client, agent, ticket, make_user):
    message = ticket.messages.get()
    item = Attachment(
        message=message, filename="ノードのログ.txt", content_type="text/plain", size=9
    )
    item.file.save("node.log", ContentFile(b"panic: 42"), save=False)
    item.save()
    refused = Attachment.objects.create(
        message=message,
        filename="dump.bin",
        size=80_000_000,
        rejected=True,
        reason="Larger than 10 MB: not kept.",
    )
    client.force_login(agent)

    response = client.get(f"/support/attachments/{item.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"panic: 42"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/support/attachments/{refused.pk}/").status_code == 404
    html = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "ノードのログ.txt" in html
    assert "Larger than 10 MB: not kept." in html
    client.force_login(make_user("support_agent", ["KR"]))
    assert client.get(f"/support/attachments/{item.pk}/").status_code == 404


# --- Logging a ticket ----------------------------------------------------------------------------


def test_an_agent_logs_a_phone_call(client, agent, customer):
    contact = customer.contacts.get()
    client.force_login(agent)
    assert client.get("/support/new/").status_code == 200
    options = client.get(f"/support/new/?account={customer.pk}", **HTMX).content.decode()
    assert "山田 太郎" in options
    found = client.get("/support/new/?account_q=ヤマト", **HTMX).content.decode()
    assert "株式会社ヤマト精機" in found

    response = client.post(
        "/support/new/",
        {
            "account": str(customer.pk),
            "requester": str(contact.pk),
            "subject": "電話: バックアップの復元方法",
            "body": "お電話でのお問い合わせ。昨日のバックアップからの復元手順を知りたい。",
            "priority": "high",
            "channel": "phone",
            "language": "ja",
        },
    )

    ticket = Ticket.objects.get(subject="電話: バックアップの復元方法")
    assert response.status_code == 302
    assert response["Location"] == f"/support/tickets/{ticket.pk}/"
    assert ticket.channel == "phone"
    assert ticket.requester == contact
    assert ticket.account == customer
    assert ticket.messages.get().author == agent
    assert for_subject(ticket).filter(kind="first_reply").exists()


def test_logging_a_ticket_needs_a_customer(client, agent, growth_customer, berlin_agent):
    client.force_login(agent)
    response = client.post(
        "/support/new/", {"subject": "x", "body": "y", "priority": "normal", "channel": "phone"}
    )
    assert response.status_code == 200
    assert "give the requester" in response.content.decode()
    # Another market's account is not offered and not accepted.
    client.force_login(berlin_agent)
    response = client.post(
        "/support/new/",
        {
            "account": str(growth_customer.pk),
            "subject": "x",
            "body": "y",
            "priority": "normal",
            "channel": "phone",
        },
    )
    assert "Choose one of your accounts." in response.content.decode()
    assert not Ticket.objects.exists()


# --- The desk and team health --------------------------------------------------------------------


def test_the_desk_counts_and_lists_what_is_at_risk(client, agent, ticket, customer, tokyo_team):
    from beachhead.support.models import TeamThreshold

    tickets.do_create_ticket(
        subject="請求書の宛名変更", body_text="宛名を変更したい", account=customer, priority="low"
    )
    soon = tickets.do_create_ticket(
        subject="管理画面に入れません",
        body_text="…",
        account=customer,
        priority="urgent",
        at=timezone.now() - dt.timedelta(minutes=13),
    )
    # The urgent ticket's first reply (15 minutes) was due 45 minutes ago; the other one's is
    # due in two minutes.
    TeamThreshold.objects.create(team=tokyo_team, max_breach_rate=5, min_satisfaction=90)
    client.force_login(agent)

    response = client.get("/support/desk/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "SLA at risk or broken now" in html
    assert f"#{ticket.pk} 本番環境のノード" in html
    assert "state-broken" in html
    assert "Broken and still owed" in html
    assert [c.ticket.pk for c in response.context["at_risk"]] == [soon.pk]
    assert ticket.pk in {c.ticket.pk for c in response.context["broken"]}
    assert "Tokyo support" in html
    assert response.context["unsolved"] == 3
    assert {r["key"]: r["count"] for r in response.context["priority_rows"]}["urgent"] == 2


def test_the_desk_teaches_when_empty(client, agent):
    client.force_login(agent)
    html = client.get("/support/desk/").content.decode()
    assert "BEACHHEAD_IMAP_URL" in html
    assert "/support/help/" in html


def test_the_desk_is_for_desk_roles(client, make_user, markets):
    client.force_login(make_user("account_executive", ["JP"]))
    assert client.get("/support/desk/").status_code == 403
    assert client.get("/support/teams/").status_code == 403


def test_the_desk_queries_are_bounded(
    client, agent, customer, ticket, django_assert_max_num_queries
):
    for i in range(20):
        tickets.do_create_ticket(
            subject=f"問い合わせ {i}", body_text="…", account=customer, priority="urgent"
        )
    client.force_login(agent)
    client.get("/support/desk/")
    with django_assert_max_num_queries(25):
        assert client.get("/support/desk/").status_code == 200


def test_team_health_shows_thresholds_and_alerts(client, agent, tokyo_team):
    from beachhead.core.models import Team
    from beachhead.support.models import TeamAlert, TeamThreshold

    partner = Team.objects.create(
        name="Manila outsourced desk", market_code="JP", kind="outsourced", timezone="Asia/Manila"
    )
    TeamThreshold.objects.create(team=partner, max_breach_rate=10, min_satisfaction=85)
    TeamAlert.objects.create(
        team=partner,
        metric="breach_rate",
        value=17.5,
        threshold=10,
        sample=40,
        period="2027-W02",
        raised_at=timezone.now() - dt.timedelta(days=2),
    )
    client.force_login(agent)
    html = client.get("/support/teams/").content.decode()
    assert "Manila outsourced desk" in html
    assert "Outsourced teams" in html
    assert "17.5%" in html
    assert "Tokyo support" in html


# --- Rejected mail -------------------------------------------------------------------------------

VALID_MAIL = (
    "From: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <yamada@yamato-seiki.co.jp>\r\n"
    "To: support@beachhead.localhost\r\n"
    "Subject: =?UTF-8?B?44OQ44OD44Kv44Ki44OD44OX44Gr44Gk44GE44Gm?=\r\n"
    "Message-ID: <retry-1@yamato-seiki.co.jp>\r\n"
    "Date: Mon, 18 Jan 2027 10:00:00 +0900\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "バックアップの取得方法を教えてください。\r\n"
).encode()


@pytest.fixture
def rejected_mail(db):
    item = InboundMail(
        fingerprint="a" * 64,
        source="imap://support",
        size=len(VALID_MAIL),
        subject="バックアップについて",
        from_address="yamada@yamato-seiki.co.jp",
        error="The message is 61.2 MB; the limit is 50 MB.",
    )
    item.raw.save("retry.eml", ContentFile(VALID_MAIL), save=False)
    item.save()
    return item


def test_rejected_mail_is_for_admins(client, agent, rejected_mail):
    client.force_login(agent)
    assert client.get("/support/rejected/").status_code == 403
    assert client.get(f"/support/rejected/{rejected_mail.pk}/").status_code == 403
    assert client.post(f"/support/rejected/{rejected_mail.pk}/retry/").status_code == 403


def test_an_admin_reads_rejected_mail(client, admin, rejected_mail):
    client.force_login(admin)
    html = client.get("/support/rejected/").content.decode()
    assert "バックアップについて" in html
    assert "61.2 MB" in html
    html = client.get(f"/support/rejected/{rejected_mail.pk}/").content.decode()
    assert "Message-ID: &lt;retry-1@yamato-seiki.co.jp&gt;" in html  # escaped, in a <pre>
    assert "Retry" in html


def test_an_admin_retries_a_rejected_mail(client, admin, customer, tokyo_team, rejected_mail):
    client.force_login(admin)

    response = client.post(f"/support/rejected/{rejected_mail.pk}/retry/")

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/support/tickets/{ticket.pk}/"
    assert ticket.account == customer
    assert ticket.subject == "バックアップについて"
    assert "バックアップの取得方法を教えてください。" in ticket.messages.get().body_text
    rejected_mail.refresh_from_db()
    assert rejected_mail.status == InboundMail.Status.RETRIED
    assert rejected_mail.ticket == ticket
    # Retrying again finds nothing to retry.
    assert client.get("/support/rejected/").context["page"].paginator.count == 0


def test_a_reader_sees_the_ticket_but_cannot_answer_or_change_it(client, make_user, ticket):
    reader = make_user("account_executive", ["JP"])
    client.force_login(reader)
    html = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "You can read this ticket" in html
    assert 'id="reply-box"' not in html
    response = client.post(
        f"/support/tickets/{ticket.pk}/reply/",
        {"reply-body": "勝手な返信", "reply-kind": "reply"},
        **HTMX,
    )
    assert "You may not change this ticket." in response.content.decode()
    response = client.post(
        f"/support/tickets/{ticket.pk}/properties/", _props(ticket, priority="low"), **HTMX
    )
    assert "You may not change this ticket." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert ticket.messages.count() == 1


def test_the_desk_grid_counts_the_scope_part_by_part(agent, customer, admin, markets):
    """The desk counts by market and by ownership in separate queries (``scope_parts``); the
    sum is exactly what the agent may see: their market, plus what they hold elsewhere."""
    from collections import Counter

    from beachhead.accounts.services.accounts import do_create_account
    from beachhead.core.access import scoped
    from beachhead.support.models import UNSOLVED_STATUSES, Ticket
    from beachhead.support.services.desk import unsolved_grid

    berlin = do_create_account(
        admin, market="DE", legal_name="Berliner Werke GmbH", industry="retail"
    )
    owned = do_create_account(admin, market="DE", legal_name="Agents own GmbH", industry="retail")
    owned.owner = agent
    owned.save(update_fields=["owner"])
    # Opened on a Sunday, when nobody is on shift: routing assigns none of them, whatever the
    # hour the test runs at (in Tokyo office hours it would give the agent all three).
    sunday = dt.datetime(2026, 6, 14, 3, 0, tzinfo=dt.UTC)
    for account, priority in [(customer, "urgent"), (customer, "low"), (berlin, "high")]:
        tickets.do_create_ticket(
            subject="x", body_text="y", account=account, priority=priority, at=sunday
        )
    mine = tickets.do_create_ticket(
        subject="x", body_text="y", account=owned, priority="high", at=sunday
    )
    solved = tickets.do_create_ticket(subject="x", body_text="y", account=customer, at=sunday)
    Ticket.objects.filter(pk=solved.pk).update(status="solved")
    Ticket.objects.filter(pk=mine.pk).update(assignee=agent)

    grid = unsolved_grid(agent)

    seen = scoped(Ticket, agent).filter(status__in=UNSOLVED_STATUSES)
    expected = Counter((t.status, t.priority) for t in seen)
    assert {(r["status"], r["priority"]): r["n"] for r in grid} == dict(expected)
    assert sum(r["n"] for r in grid) == 3  # two in JP, the owned one in DE; not Berlin's
    assert sum(r["mine"] for r in grid) == 1
    assert sum(r["unassigned"] for r in grid) == seen.filter(assignee__isnull=True).count()


def test_on_shift_now_shows_each_agents_own_local_time(client, make_agent, tokyo_team):
    """The desk's roster reads each agent's clock in their own zone, not the viewer's."""
    make_agent(
        "aiko", ["JP"], "Asia/Tokyo", ["ja"], shifts=[("00:00", "00:00")], days=range(7),
        team=tokyo_team, first_name="Aiko", last_name="Sato",
    )  # fmt: skip
    make_agent(
        "lena", ["DE"], "Europe/Berlin", ["de"], shifts=[("00:00", "00:00")], days=range(7),
        first_name="Lena", last_name="Hoffmann",
    )  # fmt: skip
    viewer = make_agent(
        "viewer", ["US"], "America/Los_Angeles", ["en"], shifts=[("00:00", "00:00")], days=range(7)
    )
    client.force_login(viewer)

    with translation.override("en"):
        response = client.get("/support/desk/")

    html = response.content.decode()
    now = response.context["now"]
    tokyo = now.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    berlin = now.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert f"{tokyo} in Tokyo" in html
    assert f"{berlin} in Berlin" in html
    assert "Aiko Sato" in html
    assert "Lena Hoffmann" in html
