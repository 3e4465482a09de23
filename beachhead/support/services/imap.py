"""Fetch the support mailbox over IMAP and run every unread mail through ``ingest``.

``BEACHHEAD_IMAP_URL`` names the mailbox::

    imaps://support%40example.com:secret@imap.example.com/INBOX     IMAP over TLS (port 993)
    imap://support:secret@mail.internal:143/Support?starttls=1      plain IMAP, upgraded to TLS
    imap://support:secret@127.0.0.1:1143/INBOX                      plain IMAP (loopback only!)

User and password are percent-encoded; the path is the mailbox (``INBOX`` when empty).

One poll: SELECT the mailbox, SEARCH the unread mail (``UNSEEN UNDELETED``), and by UID and
in order, a batch at a time: FETCH ``BODY.PEEK[]`` (which leaves it unread), ``ingest_many``
the batch (one transaction), then once it is committed mark each mail ``\\Seen`` — and
``\\Flagged`` too when ingest rejected it, so a person looking at the mailbox sees which ones
the desk could not read (the desk keeps those whole as ``InboundMail``).

Idempotent: a crash between ingest and ``\\Seen`` only means the mail is read again on the next
poll, and ingest answers "duplicate" (same Message-ID, or same bytes) without storing anything.
A mail whose ingest fails with an unexpected error is left unread and tried again next time.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError

from beachhead.support.services.ingest import BATCH, IngestResult, ingest, ingest_many

logger = logging.getLogger("beachhead.support.mail")
TIMEOUT_SECONDS = 60


class ImapConfigError(ValueError):
    """The IMAP URL cannot be used (wrong scheme, no user, …)."""


@dataclass(frozen=True)
class ImapTarget:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    tls: bool = False  # imaps://
    starttls: bool = False  # imap://…?starttls=1

    @property
    def label(self) -> str:
        """The mailbox without the password, for logs and the ``source`` of each mail."""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.mailbox}"


def parse_url(url: str) -> ImapTarget:
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("imap", "imaps"):
        raise ImapConfigError(f"An IMAP URL starts with imap:// or imaps://, not “{url}”.")
    if not parts.hostname:
        raise ImapConfigError("The IMAP URL names no host.")
    if not parts.username:
        raise ImapConfigError("The IMAP URL names no user (imap://user:password@host/INBOX).")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    tls = parts.scheme == "imaps"
    try:
        port = parts.port or (993 if tls else 143)
    except ValueError as exc:
        raise ImapConfigError(f"The IMAP URL has a bad port: {exc}") from None
    return ImapTarget(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
        starttls=starttls and not tls,
    )


def connect(target: ImapTarget, timeout: float = TIMEOUT_SECONDS) -> imaplib.IMAP4:
    """A logged-in connection (TLS certificates are verified)."""
    if target.tls:
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            target.host, target.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        conn = imaplib.IMAP4(target.host, target.port, timeout=timeout)
        if target.starttls:
            conn.starttls(ssl.create_default_context())
    try:
        conn.login(target.user, target.password)
    except BaseException:
        _close(conn)
        raise
    return conn


def _close(conn: imaplib.IMAP4) -> None:
    try:
        if conn.state == "SELECTED":
            conn.close()
        conn.logout()
    except (imaplib.IMAP4.error, OSError):
        pass


def quote_mailbox(name: str) -> str:
    """A mailbox name as an IMAP quoted string (ASCII names; ``INBOX``, ``Support/Japan``)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise imaplib.IMAP4.error(f"{what} failed: {typ} {detail}".strip())


def _body(data) -> bytes | None:
    """The message bytes of a ``UID FETCH (BODY.PEEK[])`` answer."""
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2 and b"BODY[]" in item[0]:
            return item[1]
    return None


def _ingest_all(fetched: list[tuple[int, bytes, str]]) -> list[tuple[IngestResult, bool]]:
    """(result, stored) for fetched mails, in order, after their commit: one transaction for
    them all (``ingest_many``); if that fails for another reason than the database, one at a
    time, so a mail that breaks ingest is reported alone and left unread for the next poll."""
    try:
        return [
            (r, True) for r in ingest_many(((raw, src) for _u, raw, src in fetched), batch=BATCH)
        ]
    except DatabaseError:
        raise  # the desk is down: stop, the mails stay unread for the next poll
    except Exception:
        logger.exception("A batch of mail failed; ingesting it one mail at a time")
    results = []
    for _uid, raw, source in fetched:
        try:
            results.append((ingest(raw, source=source), True))
        except DatabaseError:
            raise
        except Exception as exc:
            logger.exception("Could not ingest %s", source)
            error = (
                f"Internal error ({exc.__class__.__name__}: {exc}); the mail was left unread "
                "on the server and is tried again on the next poll."
            )
            results.append((IngestResult("rejected", error=error), False))
    return results


def poll_once(
    url: str | None = None,
    *,
    limit: int = 500,
    on_result: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Ingest the unread mail of the mailbox (at most ``limit``, oldest first) and mark each
    read. Each result carries in ``file`` where the mail came from
    (``imap://user@host:port/INBOX;UIDVALIDITY=…;UID=…``). ``on_result`` is called after each
    mail (the command prints it at once). Connection and protocol errors raise
    ``imaplib.IMAP4.error`` / ``OSError``; what was ingested before stays ingested."""
    target = parse_url(url if url is not None else settings.BEACHHEAD_IMAP_URL)
    results: list[IngestResult] = []
    conn = connect(target)
    try:
        typ, data = conn.select(quote_mailbox(target.mailbox))
        _check(typ, data, f"SELECT {target.mailbox}")
        validity = cast(bytes, (conn.untagged_responses.get("UIDVALIDITY") or [b""])[-1])
        mailbox = f"{target.label};UIDVALIDITY={validity.decode(errors='replace')}"
        typ, data = conn.uid("SEARCH", "UNSEEN", "UNDELETED")  # no charset
        _check(typ, data, "SEARCH UNSEEN")
        uids = sorted({int(u) for u in b" ".join(d for d in data if d).split()})[:limit]
        for start in range(0, len(uids), BATCH):
            fetched = []
            for uid in uids[start : start + BATCH]:
                typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
                _check(typ, data, f"FETCH {uid}")
                raw = _body(data)
                if raw is not None:  # else expunged by someone else in the meantime
                    fetched.append((uid, raw, f"{mailbox};UID={uid}"))
            for (uid, _raw, source), (result, stored) in zip(
                fetched, _ingest_all(fetched), strict=True
            ):
                if stored:  # committed (or kept as rejected): read; else tried again next poll
                    flags = r"(\Seen \Flagged)" if result.result == "rejected" else r"(\Seen)"
                    typ, data = conn.uid("STORE", str(uid), "+FLAGS.SILENT", flags)
                    _check(typ, data, f"STORE {uid}")
                result.file = source
                results.append(result)
                if on_result is not None:
                    on_result(result)
    finally:
        _close(conn)
    return results
