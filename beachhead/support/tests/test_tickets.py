"""Tickets through the services: SLA commitments on the right calendar, replies keep them,
pending pauses them, follow-ups, status changes and access."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject
from beachhead.support.models import Message, Status, Ticket
from beachhead.support.services import tickets

TOKYO = ZoneInfo("Asia/Tokyo")
# Friday 8 January 2027, 17:55 in Tokyo; Monday 11 January is Coming of Age Day.
FRIDAY_EVENING = dt.datetime(2027, 1, 8, 17, 55, tzinfo=TOKYO)


def _due(ticket, kind):
    return for_subject(ticket).get(kind=kind).due_at.astimezone(TOKYO)


@pytest.mark.django_db
def test_friday_evening_before_a_holiday_monday(
    customer, growth_customer, tokyo_team, mailed_ticket
):
    def on_friday_evening(account, requester_email, subject, body_text, priority):
        return mailed_ticket(
            account, requester_email, subject, body_text, priority=priority, at=FRIDAY_EVENING
        )

    normal = on_friday_evening(
        growth_customer,
        "sato@example.jp",
        "ノードが起動しません",
        "本番環境のノードが起動しません。",
        "normal",
    )
    # 8 business hours on the Japanese calendar: 5 minutes on Friday, the rest on Tuesday.
    assert _due(normal, "first_reply") == dt.datetime(2027, 1, 12, 16, 55, tzinfo=TOKYO)
    assert normal.sla_policy.name == "Normal"
    urgent = on_friday_evening(
        customer, "yamada@yamato-seiki.co.jp", "本番停止", "全ノードが停止しています。", "urgent"
    )
    # Strategic + urgent: a first human reply within 15 minutes, around the clock.
    assert _due(urgent, "first_reply") == dt.datetime(2027, 1, 8, 18, 10, tzinfo=TOKYO)
    assert _due(urgent, "periodic_update") == dt.datetime(2027, 1, 8, 18, 55, tzinfo=TOKYO)
    urgent.refresh_from_db()
    assert urgent.sla_due_at == dt.datetime(2027, 1, 8, 18, 10, tzinfo=TOKYO)
    assert urgent.requester.full_name == "山田 太郎"  # the existing contact, not a new one
    # Nobody is on shift and there is no agent: the market's team holds the promises.
    commitment = for_subject(urgent).get(kind="first_reply")
    assert commitment.team == tokyo_team
    assert commitment.owner is None
    assert commitment.customer_id == str(customer.pk)


@pytest.mark.django_db
def test_reply_keeps_pending_pauses_and_customer_reopens(
    customer, make_agent, tokyo_team, django_capture_on_commit_callbacks
):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)
    monday = dt.datetime(2027, 1, 18, 10, 0, tzinfo=TOKYO)
    ticket = tickets.do_create_ticket(
        subject="ライセンスについて",
        body_text="更新の手続きを教えてください。",
        requester_email="yamada@yamato-seiki.co.jp",
        priority="high",
        channel="email",
        at=monday,
    )
    assert ticket.assignee == agent  # on shift, speaks Japanese
    assert ticket.account == customer
    first = for_subject(ticket).get(kind="first_reply")
    assert first.owner == agent
    with django_capture_on_commit_callbacks(execute=True):
        tickets.do_reply(
            ticket,
            agent,
            "ご連絡ありがとうございます。",
            status="pending",
            at=monday + dt.timedelta(minutes=30),
        )
    first.refresh_from_db()
    assert first.state == State.KEPT
    resolution = for_subject(ticket).get(kind="resolution")
    assert resolution.paused_at is not None
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.first_replied_at is not None
    # The reply went out by e-mail, threaded and in Japanese.
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to[0].endswith("<yamada@yamato-seiki.co.jp>")
    assert "ご連絡ありがとうございます。" in sent.body
    assert f"[#{ticket.pk}]" in sent.subject
    assert sent.extra_headers["Message-ID"].startswith("<")
    # The customer answers two days later: the clock runs again, a next reply is owed.
    tickets.do_add_customer_message(
        ticket, text="ありがとうございます。", at=monday + dt.timedelta(days=2)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    resolution.refresh_from_db()
    assert resolution.paused_at is None
    assert resolution.due_at > first.due_at
    assert for_subject(ticket).filter(kind="next_reply", state=State.OPEN).count() == 1


@pytest.mark.django_db
def test_solve_keeps_resolution_and_sends_survey(
    customer, make_agent, tokyo_team, django_capture_on_commit_callbacks
):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"], team=tokyo_team)
    at = dt.datetime(2027, 1, 18, 10, 0, tzinfo=TOKYO)
    ticket = tickets.do_create_ticket(
        subject="質問", body_text="質問です", requester_email="yamada@yamato-seiki.co.jp", at=at
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.do_reply(
            ticket, agent, "回答です。", status="solved", at=at + dt.timedelta(hours=1)
        )
    states = dict(for_subject(ticket).values_list("kind", "state"))
    assert states == {"first_reply": State.KEPT, "resolution": State.KEPT}
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.survey.token
    assert len(mail.outbox) == 2  # the reply and the survey
    survey = tickets.do_answer_survey(
        ticket.survey.token, "good", "早い対応でした", at=at + dt.timedelta(days=1)
    )
    assert survey.rating == "good"
    ticket.refresh_from_db()
    assert ticket.satisfaction == "good"


@pytest.mark.django_db
def test_follow_up_promise_and_internal_note(customer, make_agent, tokyo_team):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja"], team=tokyo_team)
    at = dt.datetime(2027, 1, 18, 10, 0, tzinfo=TOKYO)
    ticket = tickets.do_create_ticket(
        subject="調査依頼",
        body_text="ログを見てください",
        requester_email="yamada@yamato-seiki.co.jp",
        at=at,
    )
    by = dt.datetime(2027, 1, 19, 12, 0, tzinfo=TOKYO)
    note = tickets.do_reply(
        ticket,
        agent,
        "ログを確認中",
        public=False,
        follow_up_at=by,
        at=at + dt.timedelta(minutes=5),
    )
    assert note.kind == Message.Kind.NOTE
    assert mail.outbox == []
    follow_up = for_subject(ticket).get(kind="follow_up")
    assert follow_up.due_at == by
    assert follow_up.owner == agent
    # A note is not a reply: the first-reply promise is still open.
    assert for_subject(ticket).get(kind="first_reply").state == State.OPEN
    with pytest.raises(ValidationError):
        tickets.do_promise_follow_up(ticket, agent, at - dt.timedelta(hours=1), at=at)


@pytest.mark.django_db
def test_priority_change_reapplies_policy(customer, make_agent, tokyo_team, admin):
    at = dt.datetime(2027, 1, 18, 10, 0, tzinfo=TOKYO)
    ticket = tickets.do_create_ticket(
        subject="遅い", body_text="遅いです", requester_email="yamada@yamato-seiki.co.jp", at=at
    )
    # Five minutes later, before any promise is due (not at the wall clock: after 18 January
    # 2027 the first promises would be overdue, and broken rather than cancelled).
    tickets.do_update_ticket(ticket, admin, {"priority": "urgent"}, at=at + dt.timedelta(minutes=5))
    first = for_subject(ticket).filter(kind="first_reply", state=State.OPEN).get()
    assert first.due_at == at + dt.timedelta(minutes=15)  # strategic urgent, 24x7
    assert for_subject(ticket).filter(state=State.CANCELLED).count() == 2


@pytest.mark.django_db
def test_agents_of_other_markets_may_not_answer(customer, make_user):
    ticket = tickets.do_create_ticket(
        subject="質問", body_text="質問", requester_email="yamada@yamato-seiki.co.jp"
    )
    berlin = make_user("support_agent", ["DE"], username="jonas")
    assert not Ticket.objects.visible_to(berlin).filter(pk=ticket.pk).exists()
    with pytest.raises(PermissionDenied):
        tickets.do_reply(ticket, berlin, "Hallo")


@pytest.mark.django_db
def test_unknown_sender_becomes_contact_of_no_account(markets):
    ticket = tickets.do_create_ticket(
        subject="Question", body_text="Hi", requester_email="Someone@Gmail.com", language="de"
    )
    assert ticket.requester.account is None
    assert ticket.requester.email == "someone@gmail.com"
    assert ticket.market.code == "DE"  # from the language, for lack of an account
    assert ticket.team is not None  # someone holds the promises


@pytest.mark.parametrize("value", ["", "Billing, billing  Login;urgent"])
def test_normalize_tags(value):
    assert tickets.normalize_tags(value) == ("billing login urgent" if value else "")


@pytest.mark.django_db
def test_a_reply_after_the_breach_keeps_the_promise_late(customer, tokyo_team, admin):
    from beachhead.commitments.services import sweep

    at = dt.datetime(2027, 1, 24, 3, 0, tzinfo=TOKYO)  # Sunday: nobody on shift
    ticket = tickets.do_create_ticket(
        subject="停止",
        body_text="停止中",
        requester_email="yamada@yamato-seiki.co.jp",
        priority="urgent",
        at=at,
    )
    first = for_subject(ticket).get(kind="first_reply")
    sweep(now=first.due_at + dt.timedelta(minutes=1))
    first.refresh_from_db()
    assert first.state == State.BROKEN
    ticket.refresh_from_db()
    assert ticket.sla_due_at == first.due_at  # still owed: shown overdue
    tickets.do_reply(
        ticket, admin, "大変お待たせいたしました。", at=first.due_at + dt.timedelta(minutes=20)
    )
    first.refresh_from_db()
    assert first.state == State.KEPT_LATE
    assert first.broken_at == first.due_at
    ticket.refresh_from_db()
    assert ticket.sla_due_at != first.due_at


@pytest.mark.django_db
def test_survey_is_emailed_once_and_assignee_must_cover_the_market(
    customer, tokyo_team, admin, make_user, django_capture_on_commit_callbacks
):
    from beachhead.support.services import outbound

    ticket = tickets.do_create_ticket(
        subject="質問", body_text="質問", requester_email="yamada@yamato-seiki.co.jp"
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.do_set_status(ticket, admin, "solved")
    assert [m.subject for m in mail.outbox if "#" in m.subject]
    sent = len(mail.outbox)
    assert outbound.send_survey(ticket.survey.pk) is False  # a retried job sends nothing
    assert len(mail.outbox) == sent
    berlin = make_user("support_agent", ["DE"], username="jonas")
    with pytest.raises(ValidationError):
        tickets.do_assign(ticket, admin, assignee=berlin)
