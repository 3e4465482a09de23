"""E-mail end to end, through real servers on loopback: the customer's mail lands in the support
mailbox of a real IMAP server (Debian's Dovecot), the poller makes it a ticket, the agent's reply
leaves through a real SMTP server (aiosmtpd) that delivers it into the customer's own IMAP
mailbox, and the customer's answer to that reply joins the same ticket.

Each test starts its own Dovecot (``dovecot -F`` with a generated config: static password
``secret`` for any user, Maildir under a temporary folder, plain IMAP on a free loopback port,
its log in ``tmp_path``) and, where it sends mail, an aiosmtpd controller in a thread. Dovecot
comes from ``make mailserver`` (``apt-get install dovecot-imapd``, part of ``make test``); when
it is missing the tests fail and say so.
"""

from __future__ import annotations

import asyncio
import imaplib
import io
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beachhead.support.models import InboundMail, Message, Status, Ticket
from beachhead.support.services import imap, tickets

pytestmark = pytest.mark.mail_e2e

PASSWORD = "secret"
SUPPORT = "support"  # the IMAP user behind settings.BEACHHEAD_SUPPORT_EMAIL
CUSTOMER_ADDRESS = "yamada@yamato-seiki.co.jp"
CUSTOMER = "yamada"  # the customer's own IMAP user (the local part of the address)
REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Dovecot ----------------------------------------------------------------------------------


@dataclass
class Dovecot:
    port: int
    log: Path
    host: str = "127.0.0.1"

    def url(self, user: str = SUPPORT, mailbox: str = "INBOX") -> str:
        return f"imap://{user}:{PASSWORD}@{self.host}:{self.port}/{mailbox}"

    def connect(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn

    def append(self, user: str, raw: bytes, flags: str = "") -> None:
        """Deliver a mail into the user's INBOX (what a mail server's local delivery does)."""
        conn = self.connect(user)
        try:
            typ, data = conn.append("INBOX", flags or None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def mailbox(self, user: str) -> list[tuple[int, set[str], bytes]]:
        """Every mail of the user's INBOX: (UID, flags, bytes), without marking anything read."""
        conn = self.connect(user)
        try:
            conn.select("INBOX", readonly=True)
            _typ, data = conn.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                _typ, parts = conn.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                head, body = parts[0]
                flags = set(imaplib.ParseFlags(head)) if b"FLAGS" in head else set()
                found.append((int(uid), {f.decode() for f in flags}, body))
            return found
        finally:
            conn.logout()


def dovecot_config(root: Path, port: int, log: Path) -> str:
    """A throw-away Dovecot: only IMAP, only loopback, any user with the password ``secret``."""
    mail = root / "mail"
    mail.mkdir()
    lines = [
        "protocols = imap",
        "listen = 127.0.0.1",
        f"base_dir = {root / 'run'}",
        f"state_dir = {root / 'state'}",
        f"log_path = {log}",
        "ssl = no",
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        "auth_failure_delay = 0",  # a wrong password is answered at once
        "mail_location = maildir:~/Maildir",
        "first_valid_uid = 1",
    ]
    if os.geteuid() == 0:
        # As root, Dovecot's own users run the login and internal processes (Debian creates
        # them with the package); mail belongs to an unprivileged user (uid 0 is refused).
        for name in ("dovecot", "dovenull"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                pytest.fail(f"Dovecot's system user {name!r} is missing: reinstall dovecot-core.")
        owner = pwd.getpwnam("nobody")
        os.chown(mail, owner.pw_uid, owner.pw_gid)
        lines += ["default_internal_user = dovecot", "default_login_user = dovenull"]
        services = ""
    else:
        # As anyone else, everything runs as that user, without chroot.
        owner = pwd.getpwuid(os.geteuid())
        lines += [
            f"default_internal_user = {owner.pw_name}",
            f"default_login_user = {owner.pw_name}",
            f"default_internal_group = {owner.pw_name}",
        ]
        services = "service anvil {\n  chroot =\n}\n"
    return (
        "\n".join(lines)
        + f"""
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={mail}/%u
}}
service imap-login {{
  {"" if os.geteuid() == 0 else "chroot ="}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{services}"""
    )


@pytest.fixture
def dovecot(tmp_path):
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        pytest.fail(
            "Dovecot is not installed, and these tests need a real IMAP server: run "
            "`make mailserver` as root (apt-get install dovecot-imapd), or `make test`."
        )
    # Unix sockets live in base_dir: keep its path short (tmp_path can be too long for them).
    root = Path(tempfile.mkdtemp(prefix="bh-dovecot-"))
    root.chmod(0o755)  # the mail user must reach its home below it
    log = tmp_path / "dovecot.log"
    process = None
    try:
        for _attempt in range(3):  # a free port can be taken between our check and Dovecot
            port = free_port()
            for sub in ("mail", "run", "state"):
                shutil.rmtree(root / sub, ignore_errors=True)
            conf = tmp_path / "dovecot.conf"
            conf.write_text(dovecot_config(root, port, log))
            output = open(tmp_path / "dovecot.out", "ab")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                [binary, "-F", "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT
            )
            output.close()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                        if sock.recv(100).startswith(b"* OK"):
                            break
                except OSError:
                    time.sleep(0.05)
            else:
                process.kill()
                process.wait()
                process = None
                continue
            break
        if process is None:
            text = "\n".join(
                p.read_text(errors="replace") for p in (log, tmp_path / "dovecot.out") if p.exists()
            )
            pytest.fail(f"Dovecot did not start on 127.0.0.1 ({binary}):\n{text[-3000:]}")
        yield Dovecot(port=port, log=log)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class DeliverToImap:
    """aiosmtpd handler: each recipient's copy goes into the IMAP INBOX named by its local part
    (``yamada@yamato-seiki.co.jp`` → user ``yamada``), as the mail server of the customer would
    deliver it."""

    dovecot: Dovecot
    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        for rcpt in envelope.rcpt_tos:
            user = rcpt.partition("@")[0].lower()
            await loop.run_in_executor(None, self.dovecot.append, user, envelope.original_content)
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(dovecot, settings):
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        pytest.fail("aiosmtpd is missing: `make install` installs the dev extras.")
    handler = DeliverToImap(dovecot)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


# --- Mail the customer writes -----------------------------------------------------------------


def customer_mail(subject: str, body: str, *, in_reply_to: str = "", references=()) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"山田 太郎 <{CUSTOMER_ADDRESS}>"
    msg["To"] = "Support <support@beachhead.localhost>"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="yamato-seiki.co.jp")
    msg["Date"] = "Mon, 18 Jan 2027 09:00:00 +0900"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    msg.set_content(body)
    return msg.as_bytes()


def read(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default_policy)


# --- The round trip ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_round_trip_through_imap_and_smtp(
    dovecot, smtp, customer, make_agent, tokyo_team, django_capture_on_commit_callbacks
):
    agent = make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)
    first = customer_mail(
        "ライセンス更新について", "来月で期限が切れるライセンスの更新手続きを教えてください。\n"
    )
    original_id = read(first)["Message-ID"]
    dovecot.append(SUPPORT, first)

    results = imap.poll_once(dovecot.url())
    assert [r.result for r in results] == ["created"]
    ticket = Ticket.objects.get(pk=results[0].ticket)
    assert ticket.account == customer
    assert ticket.subject == "ライセンス更新について"
    assert results[0].file.startswith(f"imap://{SUPPORT}@127.0.0.1:{dovecot.port}/INBOX;")
    [(_uid, flags, _raw)] = dovecot.mailbox(SUPPORT)
    assert "\\Seen" in flags
    assert "\\Flagged" not in flags
    assert imap.poll_once(dovecot.url()) == []  # read: not fetched again

    # The agent answers; after the commit the reply leaves by SMTP and lands at the customer.
    with django_capture_on_commit_callbacks(execute=True):
        reply = tickets.do_reply(
            ticket, agent, "山田様\n\nお問い合わせありがとうございます。更新の手順をご案内します。"
        )
    reply.refresh_from_db()
    assert reply.sent_at is not None
    assert [e.rcpt_tos for e in smtp.received] == [[CUSTOMER_ADDRESS]]
    [(_uid, _flags, delivered)] = dovecot.mailbox(CUSTOMER)
    mail = read(delivered)
    assert mail["Message-ID"] == f"<{reply.message_id}>"
    assert mail["In-Reply-To"] == original_id
    assert original_id in mail["References"].split()
    assert f"[#{ticket.pk}]" in mail["Subject"]
    # Folding of the encoded header may leave the leading space of a continuation line.
    assert str(mail["Subject"]).strip().startswith("Re: ライセンス更新について")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "お問い合わせありがとうございます。更新の手順をご案内します。" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "お問い合わせありがとうございます" in html

    # The customer answers the reply from their mail client: it threads by In-Reply-To.
    answer = customer_mail(
        f"Re: {mail['Subject']}",
        "ありがとうございます。手続きが完了しました。\n",
        in_reply_to=mail["Message-ID"],
        references=[original_id, mail["Message-ID"]],
    )
    dovecot.append(SUPPORT, answer)
    results = imap.poll_once(dovecot.url())
    assert [(r.result, r.ticket) for r in results] == [("appended", ticket.pk)]
    ticket.refresh_from_db()
    assert ticket.message_count == 3
    kinds = list(ticket.messages.values_list("kind", flat=True))
    assert kinds == [Message.Kind.INBOUND, Message.Kind.REPLY, Message.Kind.INBOUND]
    last = ticket.messages.last()
    assert "手続きが完了しました" in last.body_text
    assert last.in_reply_to == reply.message_id
    assert ticket.status == Status.OPEN


@pytest.mark.django_db
def test_poll_is_idempotent_and_flags_what_it_rejects(dovecot, customer):
    dovecot.append(SUPPORT, customer_mail("見積もりのお願い", "見積もりをお願いします。\n"))
    no_sender = b"Subject: nobody wrote this\r\nMessage-ID: <orphan@example.invalid>\r\n\r\nhi\r\n"
    dovecot.append(SUPPORT, no_sender)

    results = imap.poll_once(dovecot.url())
    assert [r.result for r in results] == ["created", "rejected"]
    assert "no sender" in results[1].error
    (uid1, flags1, _), (uid2, flags2, raw2) = dovecot.mailbox(SUPPORT)
    assert "\\Seen" in flags1
    assert "\\Flagged" not in flags1
    assert {"\\Seen", "\\Flagged"} <= flags2
    item = InboundMail.objects.get()
    assert item.source.endswith(f";UID={uid2}")
    assert "secret" not in item.source
    with item.raw.open("rb") as fh:
        assert fh.read() == raw2

    # A crash after ingest but before \Seen: the mail is fetched again and is a duplicate.
    conn = dovecot.connect(SUPPORT)
    conn.select("INBOX")
    conn.uid("STORE", str(uid1), "-FLAGS", r"(\Seen)")
    conn.uid("STORE", str(uid2), "-FLAGS", r"(\Seen \Flagged)")
    conn.logout()
    counts = (Ticket.objects.count(), Message.objects.count(), InboundMail.objects.count())
    again = imap.poll_once(dovecot.url())
    assert [(r.result, r.ticket, r.message) for r in again] == [
        ("duplicate", results[0].ticket, results[0].message),
        ("rejected", None, None),
    ]
    assert (Ticket.objects.count(), Message.objects.count(), InboundMail.objects.count()) == counts
    assert all("\\Seen" in flags for _uid, flags, _raw in dovecot.mailbox(SUPPORT))
    assert imap.poll_once(dovecot.url()) == []


@pytest.mark.django_db
def test_mail_poll_command_once_and_until_interrupted(dovecot, customer):
    dovecot.append(SUPPORT, customer_mail("障害報告", "ノードが応答しません。\n"))
    out, err = io.StringIO(), io.StringIO()
    call_command("mail", "poll", "--once", "--url", dovecot.url(), stdout=out, stderr=err)
    [line] = [json.loads(x) for x in out.getvalue().splitlines()]
    ticket = Ticket.objects.get()
    assert line == {
        "file": line["file"],
        "ticket": ticket.pk,
        "message": ticket.messages.get().pk,
        "result": "created",
        "error": None,
    }
    assert line["file"].startswith(f"imap://{SUPPORT}@127.0.0.1:{dovecot.port}/INBOX;UIDVALIDITY=")

    # Without --once it polls until Ctrl+C: a mail arriving meanwhile is picked up, and the
    # interrupt ends the loop cleanly. Ctrl+C arrives as KeyboardInterrupt in the loop's sleep
    # (where the command spends its time) once the new mail is printed, or after 10 s. (Not a
    # real SIGINT: a suite run in the background may have SIGINT ignored, and a worker run
    # earlier in the process may have left its own handler.)
    from beachhead.support.management.commands import mail as mail_command

    out, err = io.StringIO(), io.StringIO()
    deadline = time.monotonic() + 10
    naps = []

    class Clock:
        def __getattr__(self, name):
            return getattr(time, name)

        def sleep(self, seconds):
            naps.append(seconds)
            if '"created"' in out.getvalue() or time.monotonic() > deadline:
                raise KeyboardInterrupt
            time.sleep(seconds)

    def later():
        time.sleep(0.4)
        dovecot.append(SUPPORT, customer_mail("追加の質問", "ログの場所を教えてください。\n"))

    timer = threading.Thread(target=later)
    timer.start()
    original = mail_command.time
    mail_command.time = Clock()
    try:
        call_command(
            "mail", "poll", "--url", dovecot.url(), "--interval", "0.1", stdout=out, stderr=err
        )
    finally:
        mail_command.time = original
        timer.join()
    assert naps
    assert set(naps) == {0.1}
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["result"] for x in lines] == ["created"]
    assert Ticket.objects.count() == 2
    assert "Polling" in err.getvalue()
    assert "Stopped." in err.getvalue()

    # Wrong password: a clear error, no traceback. (Last: Dovecot slows logins after a failure.)
    with pytest.raises(CommandError, match=r"127\.0\.0\.1"):
        call_command(
            "mail",
            "poll",
            "--once",
            "--url",
            dovecot.url().replace(f":{PASSWORD}@", ":wrong@"),
            stdout=io.StringIO(),
        )


@pytest.mark.django_db
def test_scheduled_poll_task(dovecot, customer, settings):
    from beachhead.support import tasks

    settings.BEACHHEAD_IMAP_URL = dovecot.url()
    dovecot.append(SUPPORT, customer_mail("請求書", "請求書を再発行してください。\n"))
    result = tasks.imap_poll.enqueue()
    assert result.return_value == {"created": 1}
    assert Ticket.objects.get().subject == "請求書"


def test_the_poll_job_is_scheduled_only_with_an_imap_url(settings):
    from beachhead.core import schedule

    if not settings.BEACHHEAD_IMAP_URL:  # this process: started without one
        names = {job.name for job in schedule.jobs()}
        assert "support.imap_poll" not in names
        assert "support.team_thresholds" in names
    # A process started with BEACHHEAD_IMAP_URL registers the job, every N seconds.
    code = (
        "import django; django.setup(); from beachhead.core import schedule; "
        "print(*(f'{j.name}={j.every_seconds}' for j in schedule.jobs()))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "beachhead.settings",
        "BEACHHEAD_IMAP_URL": "imap://support:secret@127.0.0.1:1143/INBOX",
        "BEACHHEAD_IMAP_POLL_SECONDS": "45",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "support.imap_poll=45" in done.stdout.split()


def test_imap_urls():
    target = imap.parse_url("imaps://support%40example.com:p%40ss@imap.example.com/Support%20JP")
    assert (target.host, target.port, target.tls, target.starttls) == (
        "imap.example.com",
        993,
        True,
        False,
    )
    assert (target.user, target.password, target.mailbox) == (
        "support@example.com",
        "p@ss",
        "Support JP",
    )
    assert "p@ss" not in target.label
    target = imap.parse_url("imap://u:p@mail.internal?starttls=1")
    assert (target.port, target.mailbox, target.tls, target.starttls) == (143, "INBOX", False, True)
    for bad in ("pop3://u:p@host/", "imap://host/INBOX", "imap:///INBOX", ""):
        with pytest.raises(imap.ImapConfigError):
            imap.parse_url(bad)
    assert imap.quote_mailbox('a "b"') == '"a \\"b\\""'
