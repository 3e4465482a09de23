"""The one notify service: events become notices in people's inboxes, then go out on channels.

A pillar says who hears of an event and what they read: ``on(kind, make)`` registers a *maker*
that turns a batch of events of that kind into ``Notice``s (recipient, what they read, link,
level, a key that makes it once-only). What they read is best a *message* (a key the pillar
registers with ``core.messages``, and its parameters): the inbox words it in the reader's
language each time it is shown, and e-mail in the recipient's language when it is sent. A
plain title and body (text, or a function of the language) are written once, in the
recipient's language. The service subscribes to those kinds twice:

- ``inbox`` (inline, in the emitting transaction): the notices become ``Notification`` rows in
  one INSERT, each at most once per (recipient, key), whatever retries or second workers do;
- one queued subscriber per **channel** (``notify.email`` today; chat transports next): after
  the commit, the worker hands each event's notices to the channel's ``notify()``, which raises
  ``TemporaryError`` (retried with back-off) or ``PermanentError`` (dead, shown to admins).

Adding a channel means writing a ``Channel`` subclass and calling ``register_channel``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.utils import timezone, translation

from beachhead.core import events, messages
from beachhead.core.db import insert_rows
from beachhead.core.events import PermanentError, TemporaryError
from beachhead.core.http import base_url
from beachhead.core.models import Event, Notification, User

logger = logging.getLogger("beachhead.notify")

__all__ = [
    "Channel",
    "EmailChannel",
    "Notice",
    "PermanentError",
    "TemporaryError",
    "on",
    "register_channel",
    "write_notices",
]


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    #: A text, or a function of the recipient's language code that returns it (for notices
    #: without a ``message``).
    title: str | Callable[[str], str] = ""
    body: str | Callable[[str], str] = ""
    url: str = ""
    level: str = Notification.Level.INFO
    key: str | None = None
    event_id: int | None = None
    #: A message registered with ``core.messages`` and its parameters (JSON): worded in the
    #: reader's language whenever the notice is shown or sent.
    message: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


#: Turns events of one kind into notices; each notice names its event (``event_id``), which is
#: how a channel finds what to send for an event.
Maker = Callable[[list[Event]], Iterable[Notice]]
_makers: dict[str, Maker] = {}


class Channel:
    """A way out for notices (e-mail; chat next). ``notify`` sends one notice or raises
    ``TemporaryError`` / ``PermanentError``; ``pending`` and ``sent`` let a channel remember
    what it already sent, so a retried delivery sends only the rest."""

    name = ""

    def pending(self, notices: models.QuerySet[Notification]) -> models.QuerySet[Notification]:
        return notices

    def notify(self, notice: Notification) -> None:
        raise NotImplementedError

    def sent(self, notice: Notification) -> None:
        pass


class EmailChannel(Channel):
    """A notice by e-mail, in its recipient's language, with the link to the page."""

    name = "email"

    def pending(self, notices: models.QuerySet[Notification]) -> models.QuerySet[Notification]:
        return notices.filter(emailed_at__isnull=True)

    def notify(self, notice: Notification) -> None:
        recipient = notice.recipient
        if not recipient.email or not recipient.is_active:
            return
        with translation.override(recipient.language):
            title, body = notice.worded()
            if notice.url:
                body = f"{body}\n\n{base_url()}{notice.url}"
            try:
                send_mail(
                    f"[{settings.BEACHHEAD_COMPANY_NAME}] {title}",
                    body,
                    None,
                    [recipient.email],
                )
            except (ValueError, UnicodeError) as exc:  # an address the mail system refuses
                raise PermanentError(str(exc)) from exc
            except OSError as exc:  # the mail server is down or refused for now
                raise TemporaryError(str(exc)) from exc

    def sent(self, notice: Notification) -> None:
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


_channels: dict[str, Channel] = {}


def _subscriber_name(channel: Channel) -> str:
    return f"notify.{channel.name}"


def _resubscribe() -> None:
    kinds = set(_makers)
    events.subscribe("inbox", kinds, _to_inbox)
    for channel in _channels.values():
        events.subscribe(_subscriber_name(channel), kinds, _sender(channel), queued=True)


def register_channel(channel: Channel) -> None:
    _channels[channel.name] = channel
    _resubscribe()


def on(kind: str, make: Maker) -> None:
    """Notices for events of ``kind`` (a pillar calls this from its ``AppConfig.ready``)."""
    events.kind_of(kind)  # the kind must be registered first
    _makers[kind] = make
    _resubscribe()


def off(kind: str) -> None:
    _makers.pop(kind, None)
    _resubscribe()


def _to_inbox(batch: list[Event]) -> None:
    # An inline subscriber gets one ``emit_many`` batch: events of one kind.
    make = _makers.get(batch[0].kind) if batch else None
    if make is not None:
        write_notices(make(batch))


def _text(value: str | Callable[[str], str], language: str) -> str:
    return value(language) if callable(value) else value


def _words(notice: Notice, language: str) -> tuple[str, str]:
    """What the recipient reads, in ``language``: the message worded, or the title and body."""
    if notice.message:
        words = messages.render(notice.message, notice.params, language)
        if words is not None:
            return words
    return _text(notice.title, language), _text(notice.body, language)


def write_notices(notices: Iterable[Notice]) -> int:
    """Put each notice in its recipient's inbox, in their language; a keyed notice at most
    once per recipient; inactive people get none. One query for the recipients, one for
    keys already used, one INSERT. Returns how many were written."""
    notices = list(notices)
    if not notices:
        return 0
    people = dict(
        User.objects.filter(pk__in={n.recipient_id for n in notices}, is_active=True).values_list(
            "pk", "language"
        )
    )
    keyed = [n for n in notices if n.key is not None and n.recipient_id in people]
    taken: set[tuple[int, str | None]] = set()
    if keyed:
        taken = set(
            Notification.objects.filter(
                recipient_id__in={n.recipient_id for n in keyed}, key__in={n.key for n in keyed}
            ).values_list("recipient_id", "key")
        )
    now = timezone.now()
    rows = []
    for notice in notices:
        language = people.get(notice.recipient_id)
        if language is None:
            continue
        if notice.key is not None:
            if (notice.recipient_id, notice.key) in taken:
                continue
            taken.add((notice.recipient_id, notice.key))
        title, body = _words(notice, language or "en")
        rows.append(
            (
                notice.recipient_id,
                notice.level,
                title[:240],
                body,
                notice.message,
                dict(notice.params),
                notice.url,
                notice.key,
                now,
                notice.event_id,
            )
        )
    if rows:
        insert_rows(
            Notification,
            (
                "recipient_id",
                "level",
                "title",
                "body",
                "message",
                "params",
                "url",
                "key",
                "created_at",
                "event_id",
            ),
            rows,
        )
    return len(rows)


def _sender(channel: Channel) -> Callable[[list[Event]], None]:
    def send(batch: list[Event]) -> None:
        for event in batch:
            notices = channel.pending(
                Notification.objects.filter(event_id=event.pk).select_related("recipient")
            )
            for notice in notices.order_by("pk"):
                channel.notify(notice)
                channel.sent(notice)

    return send
