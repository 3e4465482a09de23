"""The translation catalogues are complete: every entry translated, none fuzzy, and every
python-format string keeps the placeholders of its source."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

# A %-placeholder: "%(name)s", "%s", "%d", "%.1f"…; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)


def placeholders(text: str) -> Counter:
    """Named placeholders by name, positional ones as "%s"/"%d"…; literal "%%" left out."""
    found = Counter()
    for match in PLACEHOLDER.finditer(text):
        spec = match.group(0)
        if spec == "%%":
            continue
        found[f"%({match.group('name')})" if match.group("name") is not None else spec] += 1
    return found


def entries(path: Path):
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=path.parent.parent.name)
    return [message for message in catalog if message.id]


def label(message) -> str:
    context = f"[{message.context}] " if message.context else ""
    source = message.id if isinstance(message.id, str) else message.id[0]
    return f"{context}{source!r}"


def test_both_catalogues_are_there():
    names = {path.parent.parent.name for path in CATALOGUES}
    assert {"ja", "zh_Hans"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_every_entry_is_translated(path):
    untranslated = []
    for message in entries(path):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not strings or not all(s and s.strip() for s in strings):
            untranslated.append(label(message))
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_no_entry_is_fuzzy(path):
    fuzzy = [label(message) for message in entries(path) if message.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_python_format_placeholders_match(path):
    mismatched = []
    for message in entries(path):
        if "python-format" not in message.flags:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        # The placeholders any source form uses (a singular may leave out the count).
        expected = set()
        for source in ids:
            expected |= set(placeholders(source))
        for translated in strings:
            got = placeholders(translated)
            # Named placeholders: the same set; positional ones: the same ones, as often.
            named = {key for key in got if key.startswith("%(")}
            positional = Counter({k: v for k, v in got.items() if not k.startswith("%(")})
            source_positional = Counter(
                {k: v for k, v in placeholders(ids[0]).items() if not k.startswith("%(")}
            )
            if named != {key for key in expected if key.startswith("%(")} or (
                positional != source_positional
            ):
                mismatched.append(f"{label(message)} → {translated!r}")
    assert not mismatched, "\n".join(mismatched)


def test_placeholder_reading():
    assert placeholders("%(n)s of %(total)s, 50%% and %s") == Counter(
        {"%(n)": 1, "%(total)": 1, "%s": 1}
    )
