"""Read the playbook files (``playbooks/<code>.toml``) and write them into market rows.

The loader takes the model class as an argument, so the data migration can run it with the
historical model (``apps.get_model("markets", "Market")``) and the ``markets sync`` command with
the real one. It reads no other table and uses no database-specific feature: it runs the same
on SQLite, PostgreSQL and MySQL/MariaDB.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from beachhead.core.progress import Progress, silent
from beachhead.markets import validators
from beachhead.markets.models import PLAYBOOK_FIELDS, Market

PLAYBOOK_DIR = Path(__file__).resolve().parent / "playbooks"

REQUIRED_KEYS = (
    "code",
    "countries",
    "currency",
    "timezones",
    "languages",
    "data_residency",
    "name",
    "holidays",
    "weekly_hours",
    "support_channels",
    "tone",
    "payment_methods",
    "contract_practice",
    "compliance",
)
OPTIONAL_KEYS = ("data_residency_by_industry", "data_residency_note", "hours_note")


class PlaybookError(Exception):
    """One or more playbook files cannot be loaded; ``errors`` names each file and key."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Playbook:
    """A validated playbook file: the model field values it sets, and where it came from."""

    code: str
    fields: dict[str, Any]
    path: Path
    source_hash: str


@dataclass
class SyncReport:
    """What a sync did, market by market."""

    created: list[str] = field(default_factory=list)
    #: code → fields overwritten from the file
    updated: dict[str, list[str]] = field(default_factory=dict)
    #: code → locally edited fields left alone although the file says otherwise
    kept: dict[str, list[str]] = field(default_factory=dict)
    #: codes whose local edits were discarded (``force``)
    reset: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: markets in the database without a file (never deleted: other records point at them)
    orphans: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.reset)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "kept": self.kept,
            "reset": self.reset,
            "unchanged": self.unchanged,
            "orphans": self.orphans,
        }


def _check(errors: list[str], where: str, check: Callable[..., Any]) -> Any:
    """Run one check; record its messages as ``where: message`` instead of raising."""
    try:
        return check()
    except ValidationError as exc:
        errors.extend(f"{where}: {message}" for message in exc.messages)
        return None


def parse_playbook(data: dict[str, Any], name: str) -> tuple[dict[str, Any], list[str]]:
    """Turn the TOML document of one playbook into model field values.

    Returns the fields and the list of problems, each prefixed with ``name`` and the key.
    """
    errors: list[str] = []
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        errors.append(f"{name}: missing keys: {', '.join(missing)}")
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        errors.append(f"{name}: unknown keys: {', '.join(unknown)} (document them in README.md)")
    if missing:
        return {}, errors

    def at(key: str) -> str:
        return f"{name}: {key}"

    return {
        **_identity_fields(data, name, at, errors),
        **_residency_fields(data, at, errors),
        **_name_fields(data, at, errors),
        **_holiday_fields(data, at, errors),
        **_operations_fields(data, at, errors),
        **_text_fields(data, at, errors),
    }, errors


Where = Callable[[str], str]


def _identity_fields(
    data: dict[str, Any], name: str, at: Where, errors: list[str]
) -> dict[str, Any]:
    """The market's code (which names its file), countries, currency, time zones, languages."""
    fields: dict[str, Any] = {}
    code = _check(errors, at("code"), lambda: validators.check_code(data["code"]))
    if code and name.removesuffix(".toml") != code.lower():
        errors.append(f"{at('code')}: holds {code}, but the file must then be {code.lower()}.toml")
    fields["code"] = code
    fields["countries"] = _check(
        errors, at("countries"), lambda: validators.check_countries(data["countries"])
    )
    if code and fields["countries"] and code not in fields["countries"]:
        errors.append(f"{at('countries')}: must include the market's own code {code}")
    fields["currency"] = _check(
        errors, at("currency"), lambda: validators.check_currency(data["currency"])
    )
    fields["timezones"] = _check(
        errors, at("timezones"), lambda: validators.check_timezones(data["timezones"])
    )
    fields["languages"] = _check(
        errors, at("languages"), lambda: validators.check_languages(data["languages"])
    )
    return fields


def _residency_fields(data: dict[str, Any], at: Where, errors: list[str]) -> dict[str, Any]:
    """Where the data lives, in general and by industry."""
    region = _check(
        errors, at("data_residency"), lambda: validators.check_region(data["data_residency"])
    )
    by_industry = _check(
        errors,
        at("data_residency_by_industry"),
        lambda: validators.check_residency_by_industry(
            data.get("data_residency_by_industry", {}), region
        ),
    )
    return {"data_residency": region, "data_residency_by_industry": by_industry}


def _name_fields(data: dict[str, Any], at: Where, errors: list[str]) -> dict[str, Any]:
    """The market's name in each language of the interface."""
    fields: dict[str, Any] = {}
    names = data["name"] if isinstance(data["name"], dict) else {}
    for language, field_name in (("en", "name_en"), ("zh-hans", "name_zh_hans"), ("ja", "name_ja")):
        fields[field_name] = _check(
            errors,
            at(f"name.{language}"),
            lambda lang=language: validators.check_name(names.get(lang)),
        )
    return fields


def _holiday_fields(data: dict[str, Any], at: Where, errors: list[str]) -> dict[str, Any]:
    """The holiday calendar: country, subdivision and the categories beyond "public"."""
    fields: dict[str, Any] = {}
    table = data["holidays"] if isinstance(data["holidays"], dict) else {}
    if not isinstance(data["holidays"], dict) or "country" not in table:
        errors.append(f"{at('holidays')}: needs a table with country and subdiv")
        return fields
    extra = sorted(set(table) - {"country", "subdiv", "categories"})
    if extra:
        errors.append(f"{at('holidays')}: unknown keys: {', '.join(extra)}")
    calendar = _check(
        errors,
        at("holidays"),
        lambda: validators.check_holiday_calendar(
            table.get("country"), table.get("subdiv", ""), table.get("categories")
        ),
    )
    if calendar:
        fields["holiday_country"], fields["holiday_subdiv"], categories = calendar
        # "public" is the library's default; store only what it adds.
        fields["holiday_categories"] = [c for c in categories if c != "public"]
    return fields


def _operations_fields(data: dict[str, Any], at: Where, errors: list[str]) -> dict[str, Any]:
    """Working hours, support channels, payment methods and compliance codes."""
    return {
        "weekly_hours": _check(
            errors, at("weekly_hours"), lambda: validators.check_weekly_hours(data["weekly_hours"])
        ),
        "support_channels": _check(
            errors,
            at("support_channels"),
            lambda: validators.check_channels(data["support_channels"]),
        ),
        "payment_methods": _check(
            errors,
            at("payment_methods"),
            lambda: validators.check_payment_methods(data["payment_methods"]),
        ),
        "compliance": _check(
            errors, at("compliance"), lambda: validators.check_compliance(data["compliance"])
        ),
    }


def _text_fields(data: dict[str, Any], at: Where, errors: list[str]) -> dict[str, Any]:
    """The localised notes; tone and contract practice in every language."""
    fields: dict[str, Any] = {}
    everywhere = ("en", "zh-hans", "ja")
    for key, required in (
        ("tone", everywhere),
        ("contract_practice", everywhere),
        ("hours_note", ()),
        ("data_residency_note", ()),
    ):
        fields[key] = _check(
            errors,
            at(key),
            lambda key=key, required=required: validators.check_localised(
                data.get(key, {}), required=required
            ),
        )
    return fields


def read_playbooks(directory: Path | None = None) -> tuple[list[Playbook], list[str]]:
    """Read and validate every ``*.toml`` in ``directory``; returns the good ones and the
    problems of the others (a broken file never hides the good ones)."""
    directory = directory or PLAYBOOK_DIR
    playbooks: list[Playbook] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        raw = path.read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            errors.append(f"{path.name}: not valid TOML: {exc}")
            continue
        fields, problems = parse_playbook(data, path.name)
        if problems:
            errors.extend(problems)
            continue
        code = fields.pop("code")
        playbooks.append(Playbook(code, fields, path, hashlib.sha256(raw).hexdigest()))
    if not playbooks and not errors:
        errors.append(f"{directory}: no playbook files (*.toml) found")
    return playbooks, errors


def apply_playbooks(
    model: type[Market],  # or the historical model of a migration: the same fields
    playbooks: Iterable[Playbook],
    *,
    now: datetime,
    force: bool = False,
    progress: Progress = silent,
) -> SyncReport:
    """Create or update one ``model`` row per playbook.

    A field listed in a row's ``edited_fields`` keeps its local value unless ``force``, which
    overwrites every field and forgets the local edits. Only rows whose content changes are
    saved, so a repeated sync writes nothing (and adds nothing to the audit log). Fields the
    model does not have (an older historical model in a migration) are skipped.
    """
    report = SyncReport()
    known = {f.name for f in model._meta.get_fields()}
    existing = {row.code: row for row in model._default_manager.all()}
    seen = set()
    ordered = sorted(playbooks, key=lambda p: p.code)
    for playbook in progress(ordered, "Markets", len(ordered)):
        seen.add(playbook.code)
        values = {k: v for k, v in playbook.fields.items() if k in known and k in PLAYBOOK_FIELDS}
        row = existing.get(playbook.code)
        if row is None:
            row = model(code=playbook.code, **values)
            row.source_hash = playbook.source_hash
            row.synced_at = now
            row.edited_fields = []
            row.save()
            report.created.append(playbook.code)
            continue
        edited = set(row.edited_fields or [])
        changed, kept = [], []
        for name, value in values.items():
            if getattr(row, name) == value:
                continue
            if name in edited and not force:
                kept.append(name)
                continue
            setattr(row, name, value)
            changed.append(name)
        update = list(changed)
        if force and edited:
            row.edited_fields = []
            update.append("edited_fields")
            report.reset.append(playbook.code)
        if kept:
            report.kept[playbook.code] = kept
        if not update:
            report.unchanged.append(playbook.code)
            continue
        if changed:
            report.updated[playbook.code] = changed
        row.source_hash = playbook.source_hash
        row.synced_at = now
        # auto_now only applies to fields named in update_fields.
        row.save(update_fields=[*update, "source_hash", "synced_at", "updated_at"])
    report.orphans = sorted(set(existing) - seen)
    return report
