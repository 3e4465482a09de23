"""``beachhead mail``: inbound e-mail from the shell.

beachhead mail ingest PATH... [-]        raw RFC 822 files (or standard input) → tickets
beachhead mail poll [--once] [--url URL] the IMAP mailbox → tickets (every N seconds)
beachhead mail rejected [--json]         the mail the desk could not read, kept whole
beachhead mail retry ID... | --all       run rejected mail through ingest again

``ingest``, ``poll`` and ``retry`` print one JSON line per message on standard output::

    {"file": "mail/1.eml", "ticket": 12, "message": 40, "result": "created", "error": null}

``result`` is created, appended, duplicate or rejected (then ``error`` says why). The exit
status is 0 when no line is rejected, 1 otherwise.
"""

from __future__ import annotations

import imaplib
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from beachhead.core.progress import for_command
from beachhead.support.models import InboundMail
from beachhead.support.services import imap
from beachhead.support.services.ingest import BATCH, IngestResult, ingest_many, retry

STDIN = "-"


def _printable(text: str) -> str:
    """A path as text that any UTF-8 stream can print (undecodable bytes become U+FFFD)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _expand(paths: list[str]) -> list[str]:
    """Files as given; a directory stands for the files directly in it, sorted by name."""
    found: list[str] = []
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            try:
                entries = sorted(Path(path).iterdir(), key=lambda p: p.name)
            except OSError:
                found.append(path)  # reported as unreadable by the reader
                continue
            found += [
                str(entry)
                for entry in entries
                if entry.is_file() and not entry.name.startswith(".")
            ]
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = "Inbound e-mail: ingest files, poll the IMAP mailbox, list and retry rejected mail."
    # call_command("mail", "ingest", "-", stdin=io.BytesIO(raw)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

        ingest_ = sub.add_parser(
            "ingest",
            help="Turn raw e-mail files into tickets or messages.",
            description=(
                "Read each PATH as one raw RFC 822 message and ingest it. A directory stands "
                "for the files directly in it, sorted by name (dot-files and subdirectories "
                "are skipped); '-' reads one message from standard input. Prints one JSON line "
                "per message; exits 1 when any was rejected (an unreadable path included)."
            ),
        )
        ingest_.add_argument("paths", nargs="+", metavar="PATH", help="file, directory or -")

        poll = sub.add_parser(
            "poll",
            help="Fetch unread mail from the IMAP mailbox into tickets.",
            description=(
                "Ingest the unread mail of the mailbox and mark it read (rejected mail is "
                "flagged too). Without --once, polls again every BEACHHEAD_IMAP_POLL_SECONDS "
                "until interrupted (Ctrl+C)."
            ),
        )
        poll.add_argument("--once", action="store_true", help="Poll once and exit.")
        poll.add_argument(
            "--url",
            default=None,
            help="imap[s]://user:password@host[:port]/MAILBOX[?starttls=1] "
            "(default: BEACHHEAD_IMAP_URL).",
        )
        poll.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between polls (default: BEACHHEAD_IMAP_POLL_SECONDS).",
        )

        rejected = sub.add_parser("rejected", help="List the mail that could not be ingested.")
        rejected.add_argument("--json", action="store_true", help="One JSON line per mail.")

        retry_ = sub.add_parser("retry", help="Run rejected mail through ingest again.")
        retry_.add_argument("ids", nargs="*", type=int, metavar="ID")
        retry_.add_argument("--all", action="store_true", help="Every rejected mail.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    # --- output ------------------------------------------------------------------------------

    def _emit(self, file: str | None, result: IngestResult, **extra: Any) -> None:
        line = {
            "file": _printable(file) if file is not None else None,
            **extra,
            "ticket": result.ticket,
            "message": result.message,
            "result": result.result,
            "error": result.error if result.result == "rejected" else None,
        }
        self.stdout.write(json.dumps(line, ensure_ascii=False))
        self.stdout.flush()

    @staticmethod
    def _fail_if_rejected(results: list[IngestResult]) -> None:
        rejected = sum(1 for r in results if r.result == "rejected")
        if rejected:
            raise CommandError(f"{rejected} of {len(results)} message(s) rejected.", returncode=1)

    # --- subcommands -------------------------------------------------------------------------

    def _read(self, path: str, stdin: Any) -> bytes | str:
        if path == STDIN:
            stream: Any = stdin if stdin is not None else sys.stdin
            return getattr(stream, "buffer", stream).read()
        return Path(path).read_bytes()

    def handle_ingest(self, *, paths: list[str], stdin: Any = None, **options: Any) -> None:
        results = []
        paths = list(_expand(paths))
        # A batch of files at a time (``ingest_many``: one transaction each), in order.
        starts = range(0, len(paths), BATCH)
        for start in for_command(options)(starts, "Mail batches", len(starts)):
            group = paths[start : start + BATCH]
            read: list[tuple[str, bytes | None, IngestResult | None]] = []
            for path in group:
                try:
                    raw = self._read(path, stdin)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    error = f"Cannot read {_printable(path)}: {reason}"
                    read.append((path, None, IngestResult("rejected", error=error)))
                    continue
                if isinstance(raw, str):  # a text stream given by a caller
                    raw = raw.encode("utf-8", "surrogateescape")
                read.append((path, raw, None))
            done = iter(
                ingest_many(
                    (raw, "stdin" if path == STDIN else f"file:{path}")
                    for path, raw, _failed in read
                    if raw is not None
                )
            )
            for path, _raw, failed in read:
                result = next(done) if failed is None else failed  # failed: could not be read
                results.append(result)
                self._emit(path, result)
        self._fail_if_rejected(results)

    def handle_poll(
        self, *, once: bool, url: str | None, interval: float | None, **_options: Any
    ) -> None:
        url = url if url is not None else settings.BEACHHEAD_IMAP_URL
        if not url:
            raise CommandError("No mailbox: set BEACHHEAD_IMAP_URL or pass --url.")
        try:
            target = imap.parse_url(url)
        except imap.ImapConfigError as exc:
            raise CommandError(str(exc)) from None
        every = interval if interval is not None else settings.BEACHHEAD_IMAP_POLL_SECONDS

        def emit(result: IngestResult) -> None:
            self._emit(result.file, result)

        if once:
            try:
                results = imap.poll_once(url, on_result=emit)
            except (imaplib.IMAP4.error, OSError) as exc:
                raise CommandError(f"{target.label}: {exc}") from None
            self._fail_if_rejected(results)
            return
        self.stderr.write(f"Polling {target.label} every {every:g} s (Ctrl+C stops).")
        try:
            while True:
                try:
                    imap.poll_once(url, on_result=emit)
                except (imaplib.IMAP4.error, OSError, DatabaseError) as exc:
                    # The mail server or the database may be away for a moment: say so, drop a
                    # broken database connection, and try again next round.
                    self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {target.label}: {exc}")
                    if isinstance(exc, DatabaseError):
                        close_old_connections()
                time.sleep(every)
        except KeyboardInterrupt:
            self.stderr.write("Stopped.")

    def handle_rejected(self, **options: Any) -> None:
        items = InboundMail.objects.filter(status=InboundMail.Status.REJECTED).order_by(
            "received_at", "pk"
        )
        if options["json"]:
            for item in items:
                row = {
                    "id": item.pk,
                    "received": item.received_at.isoformat(),
                    "from": item.from_address,
                    "subject": item.subject,
                    "size": item.size,
                    "source": item.source,
                    "error": item.error,
                }
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            return
        count = 0
        for item in items:
            count += 1
            received = timezone.localtime(item.received_at).strftime("%Y-%m-%d %H:%M")
            error = " ".join(item.error.split())
            self.stdout.write(
                f"{item.pk:>6}  {received}  {item.from_address or '-'}  "
                f"{item.subject or '(no subject)'}\n        {error}"
            )
        if not count:
            self.stdout.write("No rejected mail.")

    def handle_retry(self, *, ids: list[int], **options: Any) -> None:
        every = options["all"]
        if every == bool(ids):
            raise CommandError("Name the rejected mail to retry (IDs) or pass --all, not both.")
        pending = InboundMail.objects.filter(status=InboundMail.Status.REJECTED)
        work: list[tuple[int, InboundMail | None]]
        if every:
            work = [(item.pk, item) for item in pending.order_by("received_at", "pk")]
        else:
            found = pending.in_bulk(ids)
            work = [(pk, found.get(pk)) for pk in ids]
        results = []
        for pk, item in work:
            if item is None:
                result = IngestResult("rejected", error=f"No rejected mail with ID {pk}.")
                source = None
            else:
                source = item.source
                try:
                    result = retry(item)
                except OSError as exc:  # its raw file is gone from the media storage
                    result = IngestResult(
                        "rejected", error=f"Cannot read the stored mail: {exc.strerror or exc}"
                    )
            results.append(result)
            self._emit(source, result, inbound=pk)
        self._fail_if_rejected(results)
