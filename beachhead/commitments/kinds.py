"""Kinds of commitment. The ledger knows its own basic kinds; a pillar adds its own with
``register(code, label, title)`` from its ``AppConfig.ready`` (the ledger never imports pillars).

A kind's ``title`` is a lazily translated pattern with a ``%(subject)s`` placeholder ("First
reply to %(subject)s"): a promise made without a typed description stores only its kind and
subject label, and ``title(kind, subject)`` words it in the reader's language when it is read.

Pillars' kinds come first where kinds are offered (the registration order, i.e. the order of
``INSTALLED_APPS``), the ledger's own after them, ending with "other". Pillars register in their
``ready``, which runs after the ledger's: read the kinds when a request, job or command runs
(``choices()``, or ``CHOICES``, which reads them when iterated), never at import or start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _

#: The ledger's own kinds.
BASIC: dict[str, object] = {
    "follow_up": _("Follow-up"),
    # Kinds of pillars still to come, here because the "record a promise" form offers them and
    # the demo (contract_milestone, pilot_gate) records them: each pillar registers its own when
    # it arrives and removes it from this list (contracts: contract_milestone, pilot_gate;
    # billing: refund; compliance: renewal, data_request).
    "contract_milestone": _("Contract milestone"),
    "pilot_gate": _("Pilot phase gate"),
    "refund": _("Refund"),
    "renewal": _("Certificate renewal"),
    "data_request": _("Data-subject request"),
    "other": _("Other promise"),
}

#: How the ledger's own kinds word a promise about a subject.
BASIC_TITLES: dict[str, object] = {
    "follow_up": _("Follow-up on %(subject)s"),
    "contract_milestone": _("Contract milestone: %(subject)s"),
    "pilot_gate": _("Pilot phase gate: %(subject)s"),
    "refund": _("Refund for %(subject)s"),
    "renewal": _("Certificate renewal for %(subject)s"),
    "data_request": _("Data-subject request: %(subject)s"),
    "other": _("Promise about %(subject)s"),
}
#: For a kind nobody registered a pattern for (a pillar's kind from before patterns).
_ANY_KIND = _("%(kind)s for %(subject)s")

_registered: dict[str, object] = {}
_kinds: dict[str, object] = dict(BASIC)
_titles: dict[str, object] = dict(BASIC_TITLES)


def register(code: str, label, title=None) -> None:
    """Add a pillar's kind (or take over a basic one, with the pillar's label), and the pattern
    that words a promise of it about a subject (a lazy translation with ``%(subject)s``)."""
    _registered[code] = label
    merged = {**_registered, **{k: v for k, v in BASIC.items() if k not in _registered}}
    _kinds.clear()
    _kinds.update(merged)
    if title is not None:
        _titles[code] = title
    elif code not in BASIC_TITLES:
        _titles.pop(code, None)


def choices() -> list[tuple[str, object]]:
    return list(_kinds.items())


class _Choices(Sequence):
    """``(code, label)`` of every kind, read when iterated: for choices handed over at start-up
    (a list source, a form field), before every pillar has registered its kinds."""

    def __iter__(self) -> Iterator[tuple[str, object]]:
        return iter(choices())

    def __len__(self) -> int:
        return len(_kinds)

    def __getitem__(self, index):
        return choices()[index]


CHOICES = _Choices()


def label(code: str) -> str:
    return str(_kinds.get(code, code))


def is_known(code: str) -> bool:
    return code in _kinds


def title(code: str, subject: str = "") -> str:
    """A promise of kind ``code`` about ``subject`` (a language-neutral label, e.g. "#1108 VPN
    down"), worded in the active language: the kind's pattern, or its label alone without a
    subject."""
    if not subject:
        return label(code)
    pattern = _titles.get(code)
    if pattern is None:
        return str(_ANY_KIND) % {"kind": label(code), "subject": subject}
    return str(pattern) % {"subject": subject}
