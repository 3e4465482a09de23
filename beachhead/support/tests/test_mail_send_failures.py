"""A reply that cannot be sent is never left silently unsent: a permanent failure (the server
answers 5xx, the address is invalid) fails the message at once; a temporary one (connection
refused, 4xx) is tried again a bounded number of times, then fails. A failure tells the agent on
the ticket (inbox) and shows on the ticket page with a Retry button that queues it once.

The first test sends through a real SMTP server (aiosmtpd on loopback) that refuses the
recipient with 550; the others fail the send in the mail backend itself."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket

import pytest
from django.core import mail

from beachhead.core.models import Event, Notification
from beachhead.support import events as support_events
from beachhead.support.models import Ticket
from beachhead.support.services import outbound, tickets

pytestmark = pytest.mark.django_db

CUSTOMER_ADDRESS = "yamada@yamato-seiki.co.jp"
AT = dt.datetime(2027, 1, 18, 1, 0, tzinfo=dt.UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RefuseRecipients:
    """aiosmtpd handler: every RCPT TO answered with 550 (no such mailbox)."""

    def __init__(self):
        self.refused: list[str] = []
        self.delivered: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.refused.append(address)
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append(envelope)
        return "250 OK"


@pytest.fixture
def refusing_smtp(settings):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        pytest.fail("aiosmtpd is missing: `make install` installs the dev extras.")
    handler = RefuseRecipients()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def agent(make_agent, tokyo_team):
    return make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)


@pytest.fixture
def ticket(customer, mailed_ticket, agent, admin):
    made = mailed_ticket(customer, CUSTOMER_ADDRESS, "ライセンス", "更新手続きを教えてください。")
    return tickets.do_assign(made, admin, assignee=agent)


def _reply(ticket, agent, text="お問い合わせありがとうございます。"):
    """A public reply, written without sending (the test sends it when it wants)."""
    return tickets.do_reply(ticket, agent, text)


def _notices(user):
    return list(Notification.objects.filter(recipient=user, message=support_events.REPLY_FAILED))


@pytest.mark.mail_e2e
def test_a_recipient_the_server_refuses_fails_the_reply_and_tells_the_agent(
    refusing_smtp, ticket, agent, client
):
    reply = _reply(ticket, agent)

    assert outbound.send_reply(reply.pk, now=AT) is False

    reply.refresh_from_db()
    assert refusing_smtp.refused == [CUSTOMER_ADDRESS]
    assert refusing_smtp.delivered == []
    assert reply.sent_at is None
    assert reply.failed_at == AT
    assert reply.delivery_status == "failed"
    assert reply.failure_reason.startswith("550 5.1.1")
    assert "User unknown" in reply.failure_reason
    assert reply.send_attempts == 1
    assert reply.next_send_at is None  # permanent: no automatic retry
    # Recorded on the event stream, without the reply's text.
    event = Event.objects.get(kind=support_events.REPLY_FAILED)
    assert event.subject_id == str(ticket.pk)
    assert event.data["permanent"] is True
    assert event.data["message"] == reply.pk
    assert "お問い合わせ" not in str(event.data)
    # The agent on the ticket hears of it, in their inbox, with a link to the message.
    (notice,) = _notices(agent)
    assert notice.level == Notification.Level.WARNING
    assert f"#{ticket.pk}" in notice.title
    assert "550" in notice.body
    assert notice.url.endswith(f"#message-{reply.pk}")
    # A second run of the job (the queue retried it) changes nothing and tells no one again.
    assert outbound.send_reply(reply.pk, now=AT + dt.timedelta(hours=1)) is False
    assert refusing_smtp.refused == [CUSTOMER_ADDRESS]
    assert len(_notices(agent)) == 1
    # The page says so, with the reason and a Retry button.
    client.force_login(agent)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "Not delivered — 550 5.1.1" in html
    assert f"/support/tickets/{ticket.pk}/messages/{reply.pk}/retry/" in html


def _failing_backend(monkeypatch, error):
    calls = []

    def send_messages(self, messages):
        calls.append(messages)
        raise error

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages
    )
    return calls


def test_a_connection_error_is_retried_a_bounded_number_of_times_then_fails(
    monkeypatch, ticket, agent
):
    calls = _failing_backend(monkeypatch, ConnectionRefusedError(111, "Connection refused"))
    reply = _reply(ticket, agent)
    now = AT

    assert outbound.send_reply(reply.pk, now=now) is False
    reply.refresh_from_db()
    assert reply.delivery_status == "retrying"
    assert reply.failed_at is None
    assert reply.send_attempts == 1
    assert reply.next_send_at == now + dt.timedelta(minutes=1)
    assert "Connection refused" in reply.failure_reason
    assert _notices(agent) == []
    # Not due yet: the periodic job leaves it alone.
    assert outbound.send_due(now + dt.timedelta(seconds=30)) == 0
    assert len(calls) == 1
    for attempt in range(2, outbound.MAX_SEND_ATTEMPTS + 1):
        now = reply.next_send_at
        assert outbound.send_due(now) == 0
        reply.refresh_from_db()
        assert reply.send_attempts == attempt
    assert len(calls) == outbound.MAX_SEND_ATTEMPTS
    assert reply.delivery_status == "failed"
    assert reply.next_send_at is None
    assert reply.failed_at == now
    event = Event.objects.get(kind=support_events.REPLY_FAILED)
    assert event.data["permanent"] is False
    assert event.data["attempts"] == outbound.MAX_SEND_ATTEMPTS
    assert len(_notices(agent)) == 1
    # Failed for good: the job tries no more.
    assert outbound.send_due(now + dt.timedelta(days=1)) == 0
    assert len(calls) == outbound.MAX_SEND_ATTEMPTS


def test_a_temporary_failure_then_success_sends_once(monkeypatch, ticket, agent):
    reply = _reply(ticket, agent)
    _failing_backend(
        monkeypatch, smtplib.SMTPRecipientsRefused({CUSTOMER_ADDRESS: (451, b"Try later")})
    )
    assert outbound.send_reply(reply.pk, now=AT) is False
    reply.refresh_from_db()
    assert reply.delivery_status == "retrying"
    assert reply.failure_reason == "451 Try later"
    monkeypatch.undo()
    assert outbound.send_due(AT + dt.timedelta(minutes=1)) == 1
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    assert reply.failure_reason == ""
    assert len(mail.outbox) == 1
    assert outbound.send_due(AT + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (450, b"Mailbox busy")}), False),
        (smtplib.SMTPSenderRefused(553, b"Sender not allowed", "support@x"), True),
        (smtplib.SMTPDataError(554, b"Message rejected"), True),
        (smtplib.SMTPDataError(421, b"Service not available"), False),
        (smtplib.SMTPConnectError(421, b"Too many connections"), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
        (socket.gaierror(-2, "Name or service not known"), False),
        (ValueError("Invalid address"), True),
    ],
)
def test_failures_are_classified(error, permanent):
    assert outbound.classify(error).permanent is permanent


@pytest.mark.parametrize(
    "address", ["yamada@yamato-seiki.co.jp\r\nBcc: x@evil.example", "a@b@c", "@", "no-at-sign"]
)
def test_an_invalid_stored_address_fails_before_any_connection(address, monkeypatch, ticket, agent):
    calls = _failing_backend(monkeypatch, AssertionError("must not be sent"))
    Ticket.objects.filter(pk=ticket.pk).update(requester_email=address)
    ticket.refresh_from_db()
    reply = _reply(ticket, agent)
    assert outbound.send_reply(reply.pk, now=AT) is False
    reply.refresh_from_db()
    assert calls == []
    assert reply.delivery_status == "failed"
    assert reply.next_send_at is None
    assert reply.failure_reason
    assert len(_notices(agent)) == 1


def test_retry_queues_a_failed_reply_once(
    monkeypatch, ticket, agent, client, django_capture_on_commit_callbacks
):
    _failing_backend(monkeypatch, smtplib.SMTPRecipientsRefused({CUSTOMER_ADDRESS: (550, b"x")}))
    reply = _reply(ticket, agent)
    outbound.send_reply(reply.pk, now=AT)
    monkeypatch.undo()
    client.force_login(agent)
    url = f"/support/tickets/{ticket.pk}/messages/{reply.pk}/retry/"

    # The queue runs the send at once in tests (the immediate backend), after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code == 302
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    assert len(mail.outbox) == 1
    assert Event.objects.filter(kind=support_events.REPLY_RETRIED).count() == 1
    # A second click (or a second person) queues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert len(mail.outbox) == 1
    assert Event.objects.filter(kind=support_events.REPLY_RETRIED).count() == 1


def test_retry_through_the_api(
    monkeypatch, ticket, agent, api, make_user, django_capture_on_commit_callbacks
):
    _failing_backend(monkeypatch, smtplib.SMTPRecipientsRefused({CUSTOMER_ADDRESS: (550, b"x")}))
    reply = _reply(ticket, agent)
    outbound.send_reply(reply.pk, now=AT)
    monkeypatch.undo()
    client = api(agent)
    listed = client.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
    row = next(r for r in listed if r["id"] == reply.pk)
    assert row["delivery_status"] == "failed"
    assert row["failure_reason"] == "550 x"
    url = f"/api/v1/tickets/{ticket.pk}/messages/{reply.pk}/retry/"
    # Someone who sees the ticket but may not change it may not retry.
    finance = make_user("finance", ["JP"])
    assert api(finance).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code == 200
    assert answer.json()["delivery_status"] == "pending"  # queued; sent after the commit
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).json()["delivery_status"] == "sent"
    assert len(mail.outbox) == 1
    assert (
        client.post(f"/api/v1/tickets/{ticket.pk}/messages/99999999999999999999/retry/").status_code
        == 404
    )


def test_the_retry_job_is_scheduled():
    from beachhead.core import schedule

    assert "support.send_retries" in {job.name for job in schedule.jobs()}


def test_the_failure_notice_reads_in_the_readers_language(monkeypatch, ticket, agent):
    from beachhead.core import messages

    _failing_backend(monkeypatch, smtplib.SMTPRecipientsRefused({CUSTOMER_ADDRESS: (550, b"x")}))
    outbound.send_reply(_reply(ticket, agent).pk, now=AT)
    (notice,) = _notices(agent)
    ja = messages.render(notice.message, notice.params, "ja")
    zh = messages.render(notice.message, notice.params, "zh-hans")
    assert ja is not None
    assert zh is not None
    assert ja[0] != notice.title
    assert zh[0] != notice.title
    assert ja != zh
