"""Inbound e-mail through ``ingest`` and ``beachhead mail``: real RFC 822 files in, tickets and
messages out.

Fixtures in ``mail/threads/`` (one conversation of the Japanese customer and a few strangers):

- ``original.eml``: 山田 writes in from yamato-seiki.co.jp (a ``MailDomain`` of the customer);
- ``reply-in-reply-to.eml``: his follow-up, threaded by In-Reply-To only;
- ``reply-references-only.eml``: a colleague (not yet a contact) answers with References only;
- ``reply-subject-reference.eml``: 山田 again, no threading headers, ``[#TICKET]`` in the subject
  (the test writes the ticket number in);
- ``stranger-subject-reference.eml``: the same trick from a stranger's address;
- ``no-message-id.eml``, ``unknown-domain.eml``, ``known-domain.eml``, ``attachment.eml``.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beachhead.accounts.models import Contact
from beachhead.support.models import Attachment, InboundMail, Message, Ticket
from beachhead.support.services.ingest import ingest, retry

MAIL = Path(__file__).parent / "mail"
THREADS = MAIL / "threads"
ORIGINAL_ID = "thread-original.20270118.0900@yamato-seiki.co.jp"
GARBAGE = bytes(range(256)) * 8 + b"\x00\xff\xfe" * 100


def raw(name: str, ticket: int | None = None) -> bytes:
    data = (THREADS / name).read_bytes()
    if ticket is not None:
        data = data.replace(b"[#TICKET]", f"[#{ticket}]".encode())
    return data


def counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "contacts": Contact.objects.count(),
        "attachments": Attachment.objects.count(),
        "rejected": InboundMail.objects.count(),
    }


def run(*args: str, stdin=None) -> tuple[list[dict], int]:
    """``beachhead mail …`` → (its JSON lines, its exit status)."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = stdin
    status = 0
    try:
        call_command("mail", *args, **options)
    except CommandError as exc:
        status = exc.returncode
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return lines, status


# --- Threading ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conversation_threads_by_headers_and_by_subject_reference(customer):
    first = ingest(raw("original.eml"), source="test")
    assert first.result == "created"
    assert first.error is None
    ticket = Ticket.objects.get(pk=first.ticket)
    assert ticket.subject == "ライセンス更新について"
    assert ticket.account == customer
    assert ticket.market.code == "JP"
    assert ticket.requester.email == "yamada@yamato-seiki.co.jp"
    assert ticket.requester.full_name == "山田 太郎"  # the existing contact, not a new one
    message = Message.objects.get(pk=first.message)
    assert message.message_id == ORIGINAL_ID
    assert "ライセンスの更新手続き" in message.body_text
    assert first.as_dict() == {
        "result": "created",
        "ticket": ticket.pk,
        "message": message.pk,
        "error": None,
    }

    by_in_reply_to = ingest(raw("reply-in-reply-to.eml"))
    assert (by_in_reply_to.result, by_in_reply_to.ticket) == ("appended", ticket.pk)
    answer = Message.objects.get(pk=by_in_reply_to.message)
    assert answer.in_reply_to == ORIGINAL_ID
    assert "ノード数を増やす" in answer.body_text
    assert "来月で期限" not in answer.body_text  # the quote is folded away

    by_references = ingest(raw("reply-references-only.eml"))
    assert (by_references.result, by_references.ticket) == ("appended", ticket.pk)
    colleague = Contact.objects.get(email="suzuki@yamato-seiki.co.jp")
    assert colleague.account == customer  # joined the account that owns the domain
    assert Message.objects.get(pk=by_references.message).contact == colleague

    by_subject = ingest(raw("reply-subject-reference.eml", ticket=ticket.pk))
    assert (by_subject.result, by_subject.ticket) == ("appended", ticket.pk)

    ticket.refresh_from_db()
    assert ticket.message_count == 4
    assert list(ticket.messages.values_list("pk", flat=True)) == [
        first.message,
        by_in_reply_to.message,
        by_references.message,
        by_subject.message,
    ]


def _always_on_shift(make_agent, username, team):
    """A Japanese-speaking agent of the Tokyo desk on shift around the clock, every day."""
    return make_agent(
        username, ["JP"], "Asia/Tokyo", ["ja"], shifts=[("00:00", "00:00")], days=range(7),
        team=team,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_ingest_costs_a_constant_handful_of_queries(
    customer, make_agent, tokyo_team, django_assert_max_num_queries
):
    """With the reference tables in memory (``core.refcache``), a new ticket is written in one
    pass (ticket with its SLA due time, message, its promises in one INSERT) and a reply in a
    few statements, however many tickets and promises exist: the ingest target is 200 mails/s."""
    _always_on_shift(make_agent, "aiko", tokyo_team)
    ingest(raw("known-domain.eml"))  # warms the markets, policies, roster and teams in memory
    with django_assert_max_num_queries(14) as created:
        first = ingest(raw("original.eml"))
    assert first.result == "created"
    with django_assert_max_num_queries(12) as appended:
        reply = ingest(raw("reply-in-reply-to.eml"))
    assert (reply.result, reply.ticket) == ("appended", first.ticket)
    ticket = Ticket.objects.get(pk=first.ticket)
    assert ticket.assignee.username == "aiko"
    assert ticket.team == tokyo_team
    promises = {c.kind: c for c in sla_promises(ticket)}
    assert set(promises) == {"first_reply", "resolution"}
    assert all(c.subject_label == f"#{ticket.pk} {ticket.subject}" for c in promises.values())
    assert all(f"#{ticket.pk} " in c.title for c in promises.values())
    assert ticket.sla_due_at == promises["first_reply"].due_at
    assert ticket.sla_warn_at == promises["first_reply"].warn_at
    assert [e.kind for c in promises.values() for e in c.events.all()] == ["created", "created"]
    assert len(created) <= 14
    assert len(appended) <= 12


def sla_promises(ticket):
    from beachhead.commitments.services import for_subject

    return list(for_subject(ticket).order_by("pk"))


@pytest.mark.django_db
def test_a_ticket_number_in_the_subject_from_a_stranger_opens_a_new_ticket(customer):
    ticket = ingest(raw("original.eml")).ticket
    stranger = ingest(raw("stranger-subject-reference.eml", ticket=ticket))
    assert stranger.result == "created"
    assert stranger.ticket != ticket
    assert Ticket.objects.get(pk=ticket).message_count == 1
    new = Ticket.objects.get(pk=stranger.ticket)
    assert new.requester_email == "mallory@attacker.example"
    assert new.account is None


# --- Duplicates -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_mail_twice_is_a_duplicate(customer):
    first = ingest(raw("original.eml"))
    before = counts()
    again = ingest(raw("original.eml"), source="file:again")
    assert again.result == "duplicate"
    assert again.error is None
    assert (again.ticket, again.message) == (first.ticket, first.message)
    assert counts() == before


@pytest.mark.django_db
def test_a_mail_without_message_id_is_known_by_its_bytes(markets):
    data = raw("no-message-id.eml")
    assert b"Message-ID" not in data
    first = ingest(data)
    assert first.result == "created"
    assert Message.objects.get(pk=first.message).dedup_key.startswith("sha:")
    before = counts()
    again = ingest(data)
    assert (again.result, again.ticket, again.message) == ("duplicate", first.ticket, first.message)
    assert counts() == before
    # Other bytes without a Message-ID are another mail.
    other = ingest(data.replace(b"Facture introuvable", b"Facture de janvier"))
    assert other.result == "created"
    assert other.ticket != first.ticket


# --- Who wrote ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sender_from_an_unknown_domain_is_a_contact_of_no_account(customer):
    result = ingest(raw("unknown-domain.eml"))
    assert result.result == "created"
    ticket = Ticket.objects.get(pk=result.ticket)
    contact = Contact.objects.get(email="hans.mueller@kleinbetrieb.example")
    assert contact.account is None
    assert contact.full_name == "Hans Müller"
    assert ticket.requester == contact
    assert ticket.account is None


@pytest.mark.django_db
def test_a_sender_from_a_mail_domain_of_an_account_joins_that_account(customer):
    assert not Contact.objects.filter(email="tanaka@yamato-seiki.co.jp").exists()
    result = ingest(raw("known-domain.eml"))
    assert result.result == "created"
    contact = Contact.objects.get(email="tanaka@yamato-seiki.co.jp")
    assert contact.account == customer
    ticket = Ticket.objects.get(pk=result.ticket)
    assert ticket.account == customer
    assert ticket.requester == contact
    assert ticket.market.code == "JP"


# --- Limits and unreadable mail -------------------------------------------------------------


@pytest.mark.django_db
def test_a_mail_over_the_size_limit_is_kept_whole_and_can_be_retried(customer, settings):
    data = raw("original.eml")
    settings.BEACHHEAD_MAIL_MAX_BYTES = len(data) - 1
    before = counts()
    result = ingest(data, source="file:big.eml")
    assert result.result == "rejected"
    assert "limit" in result.error
    assert result.ticket is None
    assert result.message is None
    item = InboundMail.objects.get()
    assert item.status == InboundMail.Status.REJECTED
    assert item.size == len(data)
    assert item.source == "file:big.eml"
    assert item.error == result.error
    # Too big to parse whole, yet the admin sees who sent what.
    assert item.from_address == "yamada@yamato-seiki.co.jp"
    assert item.subject == "ライセンス更新について"
    with item.raw.open("rb") as fh:
        assert fh.read() == data  # byte for byte
    assert counts() == {**before, "rejected": before["rejected"] + 1}

    # Rejected again: still one item.
    assert ingest(data).result == "rejected"
    assert InboundMail.objects.count() == 1

    settings.BEACHHEAD_MAIL_MAX_BYTES = 50 * 1024 * 1024
    again = retry(item)
    assert again.result == "created"
    item.refresh_from_db()
    assert item.status == InboundMail.Status.RETRIED
    assert item.ticket_id == again.ticket
    assert item.retried_at is not None
    assert Message.objects.get(pk=again.message).message_id == ORIGINAL_ID


@pytest.mark.django_db
def test_garbage_is_rejected_and_kept(markets):
    result = ingest(GARBAGE, source="file:garbage")
    assert result.result == "rejected"
    assert result.error
    item = InboundMail.objects.get()
    with item.raw.open("rb") as fh:
        assert fh.read() == GARBAGE
    assert ingest(GARBAGE).result == "rejected"
    assert InboundMail.objects.count() == 1
    assert not Ticket.objects.exists()
    # Empty input too.
    assert ingest(b"").result == "rejected"


@pytest.mark.django_db
def test_an_attachment_over_its_limit_is_a_rejected_row_beside_the_message(customer, settings):
    settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES = 1024
    result = ingest(raw("attachment.eml"))
    assert result.result == "created"
    message = Message.objects.get(pk=result.message)
    assert "ログと設定ファイル" in message.body_text
    rows = {a.filename: a for a in message.attachments.all()}
    assert set(rows) == {"agent.log", "agent.toml"}
    log, config = rows["agent.log"], rows["agent.toml"]
    assert log.rejected
    assert log.reason
    assert not log.file
    assert log.size > 1024
    assert not config.rejected
    assert config.reason == ""
    with config.file.open("rb") as fh:
        assert fh.read() == b"[agent]\nnodes = 12\n"


# --- The command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_ingest_prints_one_json_line_per_file(customer):
    original, reply = THREADS / "original.eml", THREADS / "reply-in-reply-to.eml"
    lines, status = run("ingest", str(original), str(reply), str(original))
    assert status == 0
    ticket = Ticket.objects.get()
    messages = list(ticket.messages.values_list("pk", flat=True))
    assert lines == [
        {
            "file": str(original),
            "ticket": ticket.pk,
            "message": messages[0],
            "result": "created",
            "error": None,
        },
        {
            "file": str(reply),
            "ticket": ticket.pk,
            "message": messages[1],
            "result": "appended",
            "error": None,
        },
        {
            "file": str(original),
            "ticket": ticket.pk,
            "message": messages[0],
            "result": "duplicate",
            "error": None,
        },
    ]
    assert list(lines[0]) == ["file", "ticket", "message", "result", "error"]
    assert Message.objects.get(pk=messages[0]).ticket == ticket


@pytest.mark.django_db
def test_mail_ingest_reports_unreadable_paths_and_exits_1(customer, tmp_path):
    missing = tmp_path / "nowhere.eml"
    not_a_dir = THREADS / "original.eml" / "inside.eml"
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(GARBAGE)
    lines, status = run(
        "ingest", str(missing), str(THREADS / "original.eml"), str(not_a_dir), str(garbage)
    )
    assert status == 1
    assert [line["result"] for line in lines] == ["rejected", "created", "rejected", "rejected"]
    assert lines[0]["file"] == str(missing)
    assert "No such file" in lines[0]["error"]
    assert str(missing) in lines[0]["error"]
    assert lines[0]["ticket"] is None
    assert lines[0]["message"] is None
    assert "Not a directory" in lines[2]["error"]
    assert lines[3]["error"]
    # Only the garbage was readable mail to keep; the paths that could not be read were not.
    assert InboundMail.objects.count() == 1
    assert InboundMail.objects.get().source == f"file:{garbage}"


@pytest.mark.django_db
def test_mail_ingest_reads_standard_input(customer, monkeypatch):
    # The real stdin path: bytes from sys.stdin.buffer, untouched by any text decoding.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw("original.eml"))))
    lines, status = run("ingest", "-")
    assert status == 0
    assert lines == [
        {
            "file": "-",
            "ticket": Ticket.objects.get().pk,
            "message": Message.objects.get().pk,
            "result": "created",
            "error": None,
        }
    ]
    assert Ticket.objects.get().subject == "ライセンス更新について"
    # A caller's own binary stream (call_command's stdin option) works the same way.
    lines, status = run("ingest", "-", stdin=io.BytesIO(raw("reply-in-reply-to.eml")))
    assert (status, lines[0]["file"], lines[0]["result"]) == (0, "-", "appended")


@pytest.mark.django_db
def test_mail_ingest_of_a_directory_takes_its_files_in_name_order(customer, tmp_path):
    for name in ("b.eml", "a.eml", ".hidden.eml"):
        (tmp_path / name).write_bytes(raw("original.eml"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.eml").write_bytes(raw("known-domain.eml"))
    lines, status = run("ingest", str(tmp_path))
    assert status == 0
    assert [(Path(line["file"]).name, line["result"]) for line in lines] == [
        ("a.eml", "created"),
        ("b.eml", "duplicate"),
    ]


@pytest.mark.django_db
def test_mail_rejected_and_retry(customer, settings):
    data = raw("original.eml")
    ingest(GARBAGE, source="file:garbage")
    settings.BEACHHEAD_MAIL_MAX_BYTES = 100
    ingest(data, source="file:original.eml")
    garbage, big = InboundMail.objects.order_by("pk")

    out = io.StringIO()
    call_command("mail", "rejected", stdout=out)
    text = out.getvalue()
    assert f"{big.pk}" in text
    assert "yamada@yamato-seiki.co.jp" in text
    assert "ライセンス更新について" in text
    assert "limit" in text
    out = io.StringIO()
    call_command("mail", "rejected", "--json", stdout=out)
    listed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in listed] == [garbage.pk, big.pk]
    assert listed[1]["from"] == "yamada@yamato-seiki.co.jp"
    assert listed[1]["subject"] == "ライセンス更新について"
    assert listed[1]["error"] == f"The message is {len(data):,} bytes; the limit is 100 bytes."

    settings.BEACHHEAD_MAIL_MAX_BYTES = 50 * 1024 * 1024
    lines, status = run("retry", str(big.pk), "999999")
    assert status == 1  # the unknown ID
    ticket = Ticket.objects.get()
    assert lines[0] == {
        "file": "file:original.eml",
        "inbound": big.pk,
        "ticket": ticket.pk,
        "message": ticket.messages.get().pk,
        "result": "created",
        "error": None,
    }
    assert lines[1]["inbound"] == 999999
    assert lines[1]["result"] == "rejected"

    # --all: the garbage is rejected again, kept (as a fresh item with the same bytes).
    lines, status = run("retry", "--all")
    assert status == 1
    assert [(line["inbound"], line["result"]) for line in lines] == [(garbage.pk, "rejected")]
    remaining = InboundMail.objects.get(status=InboundMail.Status.REJECTED)
    with remaining.raw.open("rb") as fh:
        assert fh.read() == GARBAGE
    out = io.StringIO()
    call_command("mail", "rejected", stdout=out)
    assert str(remaining.pk) in out.getvalue()

    with pytest.raises(CommandError):
        call_command("mail", "retry", stdout=io.StringIO())


# --- Every fixture, twice -------------------------------------------------------------------


def fixture_files() -> list[Path]:
    """Every mail fixture of the support tests: the parser's corpus and the threads here."""
    files = sorted(MAIL.glob("*.eml"))
    if (MAIL / "stdlib").is_dir():
        files += sorted((MAIL / "stdlib").glob("msg_*.txt"))
    return files + sorted(THREADS.glob("*.eml"))


@pytest.mark.django_db
def test_ingesting_every_fixture_again_creates_nothing(customer):
    files = [str(p) for p in fixture_files()]
    first, _status = run("ingest", *files)
    assert len(first) == len(files)
    assert [line["file"] for line in first] == files
    stored = [line for line in first if line["result"] != "rejected"]
    assert stored, "no fixture became a message"
    before = counts()

    print(
        "first run:",
        {r: sum(1 for line in first if line["result"] == r) for r in {x["result"] for x in first}},
    )
    second, _status = run("ingest", *files)
    assert counts() == before
    assert len(second) == len(files)
    for one, two in zip(first, second, strict=True):
        if one["result"] == "rejected":
            assert two["result"] == "rejected", two
        else:
            assert two["result"] == "duplicate", (one, two)
            assert (two["ticket"], two["message"]) == (one["ticket"], one["message"])


# --- Batches (the command and the IMAP poller) ------------------------------------------------


def _mail(n: int, *, reply_to: str | None = None, sender: str = "yamada@yamato-seiki.co.jp"):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@beachhead.localhost"
    msg["Subject"] = f"Batch question {n}" if reply_to is None else f"Re: Batch question {n}"
    msg["Message-ID"] = f"<batch-{n}@yamato-seiki.co.jp>"
    if reply_to:
        msg["In-Reply-To"] = f"<{reply_to}>"
        msg["References"] = f"<{reply_to}>"
    msg.set_content(f"ノード {n} の件です。")
    return msg.as_bytes()


@pytest.mark.django_db
def test_a_batch_answers_as_one_mail_at_a_time_would(customer):
    from beachhead.support.services.ingest import ingest_many

    earlier = ingest(raw("original.eml"))
    mails = [
        (_mail(1), "a"),
        (_mail(2, reply_to="batch-1@yamato-seiki.co.jp"), "b"),  # answers a mail of its batch
        (raw("reply-in-reply-to.eml"), "c"),  # answers a ticket stored before
        (_mail(1), "d"),  # the first one again
        (GARBAGE, "e"),
        (_mail(3, sender="newcomer@yamato-seiki.co.jp"), "f"),
        (_mail(4, sender="newcomer@yamato-seiki.co.jp"), "g"),
    ]
    results = list(ingest_many(mails, batch=3))  # batches end inside the conversation
    assert [r.result for r in results] == [
        "created",
        "appended",
        "appended",
        "duplicate",
        "rejected",
        "created",
        "created",
    ]
    assert results[1].ticket == results[0].ticket
    assert results[2].ticket == earlier.ticket
    assert (results[3].ticket, results[3].message) == (results[0].ticket, results[0].message)
    assert InboundMail.objects.get().source == "e"
    newcomer = Contact.objects.get(email="newcomer@yamato-seiki.co.jp")  # made once
    assert newcomer.account == customer
    assert {Ticket.objects.get(pk=r.ticket).requester for r in results[5:]} == {newcomer}
    again = list(ingest_many(mails))
    assert [r.result for r in again] == ["duplicate"] * 4 + ["rejected"] + ["duplicate"] * 2


@pytest.mark.django_db
def test_a_batch_spreads_its_tickets_over_the_agents_on_shift(
    customer, make_agent, tokyo_team, django_assert_max_num_queries
):
    """Loads are counted once a batch and kept up to date with the batch's own assignments."""
    from beachhead.support.services.ingest import ingest_many

    for name in ("aiko", "ren"):
        _always_on_shift(make_agent, name, tokyo_team)
    with django_assert_max_num_queries(200) as queries:
        results = list(ingest_many([(_mail(n), str(n)) for n in range(10)]))
    assignees = [Ticket.objects.get(pk=r.ticket).assignee.username for r in results]
    assert sorted(assignees) == ["aiko"] * 5 + ["ren"] * 5
    # The load is counted once for the batch, not once a ticket.
    counts = [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1
