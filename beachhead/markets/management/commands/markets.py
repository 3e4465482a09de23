"""``beachhead markets``: load the playbook files and look at markets from the shell.

beachhead markets sync [--force] [--json]     files → database (local edits kept)
beachhead markets check                       validate the files, write nothing
beachhead markets list                        every market, its local time and status
beachhead markets show JP [--json]            one playbook
beachhead markets holidays JP --year 2027 [--language en|zh-hans|ja]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from beachhead.core.progress import for_command
from beachhead.markets import services, vocabulary
from beachhead.markets.loader import PlaybookError, read_playbooks
from beachhead.markets.models import Market


def get_market(code: str) -> Market:
    """The market with ``code`` (any case), or a ``CommandError`` listing the known codes."""
    market = Market.objects.filter(code=code.strip().upper()).first()
    if market is None:
        known = ", ".join(Market.objects.values_list("code", flat=True)) or "none yet"
        raise CommandError(
            f"No market “{code}”. Known markets: {known}. Run `beachhead markets sync` to "
            "load the playbook files."
        )
    return market


def validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Load the market playbooks from their files and show them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

        sync = sub.add_parser("sync", help="Create or update the markets from the playbook files.")
        sync.add_argument(
            "--force",
            action="store_true",
            help="Overwrite fields edited in the interface too, and forget those edits.",
        )
        sync.add_argument("--json", action="store_true", help="Print the report as JSON.")

        sub.add_parser("check", help="Validate the playbook files without writing anything.")
        sub.add_parser("list", help="List the markets with their local time and status.")

        show = sub.add_parser("show", help="Show one market's playbook.")
        show.add_argument("code", help="Market code, e.g. JP")
        show.add_argument("--json", action="store_true", help="Print the playbook as JSON.")

        days = sub.add_parser("holidays", help="List a market's public holidays in a year.")
        days.add_argument("code", help="Market code, e.g. JP")
        days.add_argument("--year", type=int, required=True, help="e.g. 2027")
        days.add_argument(
            "--language",
            choices=list(services.HOLIDAY_LANGUAGES),
            default="en",
            help="Language of the holiday names (default en).",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    # --- subcommands -------------------------------------------------------------------------

    def handle_sync(self, *, force: bool, json: bool, **options: Any) -> None:
        try:
            report = services.do_sync_markets(force=force, progress=for_command(options))
        except PlaybookError as exc:
            raise CommandError(
                "The playbook files have problems; nothing was loaded:\n  "
                + "\n  ".join(exc.errors)
            ) from None
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        out, style = self.stdout, self.style
        if report.created:
            out.write(
                style.SUCCESS(f"Created {len(report.created)} markets: {', '.join(report.created)}")
            )
        for code, fields in report.updated.items():
            out.write(style.SUCCESS(f"Updated {code}: {', '.join(fields)}"))
        for code in report.reset:
            out.write(style.WARNING(f"Discarded the local edits of {code} (--force)"))
        for code, fields in report.kept.items():
            out.write(
                style.WARNING(
                    f"Kept the local edits of {code}: {', '.join(fields)} (--force overwrites them)"
                )
            )
        if report.unchanged:
            out.write(f"Unchanged: {len(report.unchanged)} markets")
        if report.orphans:
            out.write(
                style.WARNING(
                    f"In the database but without a playbook file (left as they are): "
                    f"{', '.join(report.orphans)}"
                )
            )

    def handle_check(self, **_options: Any) -> None:
        playbooks, errors = read_playbooks()
        if errors:
            raise CommandError(
                f"{len(errors)} problem(s) in the playbook files:\n  " + "\n  ".join(errors)
            )
        self.stdout.write(self.style.SUCCESS(f"{len(playbooks)} playbook files are valid."))

    def handle_list(self, **_options: Any) -> None:
        markets = list(Market.objects.order_by("code"))
        if not markets:
            self.stdout.write("No markets yet. Run `beachhead markets sync` to load the files.")
            return
        for market in markets:
            status = services.market_status(market)
            state = "open" if status.is_open else "closed"
            edited = "  (edited)" if market.is_edited else ""
            self.stdout.write(
                f"{market.code}  {market.name_en:<22} {status.local_time:%a %H:%M} "
                f"{status.utc_offset}  {state:<6} {market.currency}  {market.timezone}{edited}"
            )

    def handle_show(self, *, code: str, json: bool, **_options: Any) -> None:
        market = get_market(code)
        document = services.market_document(market)
        if json:
            self.stdout.write(_dumps(document))
            return
        with translation.override("en"):
            self._summary(market, document)

    def handle_holidays(self, *, code: str, year: int, language: str, **_options: Any) -> None:
        market = get_market(code)
        try:
            days = services.market_holidays(market, year, language)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from None
        for day, name in days:
            self.stdout.write(f"{day.isoformat()} {name}")

    # --- helpers -----------------------------------------------------------------------------

    def _summary(self, market: Market, doc: dict) -> None:
        write = self.stdout.write
        status = services.market_status(market)
        write(self.style.MIGRATE_HEADING(f"{market.code} · {doc['name']['en']}"))
        rows = [
            ("Names", f"{doc['name']['zh-hans']} (zh-hans), {doc['name']['ja']} (ja)"),
            ("Countries", ", ".join(doc["countries"])),
            ("Currency", doc["currency"]),
            ("Time zones", ", ".join(doc["timezones"])),
            ("Languages", ", ".join(doc["languages"])),
            (
                "Now",
                f"{status.local_time:%a %Y-%m-%d %H:%M} ({status.utc_offset}), "
                + (
                    "open" + (f" until {status.closes_at:%a %H:%M}" if status.closes_at else "")
                    if status.is_open
                    else "closed"
                    + (f", opens {status.next_open:%a %Y-%m-%d %H:%M}" if status.next_open else "")
                ),
            ),
            (
                "Holidays",
                services.holiday_label(market, "en")
                + f" [{doc['holidays']['country']}"
                + (f"-{doc['holidays']['subdiv']}" if doc["holidays"]["subdiv"] else "")
                + f"; {', '.join(doc['holiday_categories'])}]",
            ),
        ]
        for day in vocabulary.WEEKDAYS:
            hours = doc["weekly_hours"][day]
            text = ", ".join(f"{start}–{end}" for start, end in hours) or "closed"
            rows.append((f"  {day.capitalize()}", text))
        rows += [
            ("Channels", ", ".join(doc["support_channels"])),
            (
                "Payments",
                ", ".join(f"{m['code']} ({m['timing']})" for m in doc["payment_methods"]),
            ),
            (
                "Compliance",
                "; ".join(
                    f"{industry}: {', '.join(codes)}"
                    for industry, codes in doc["compliance"].items()
                ),
            ),
            ("Data residency", doc["data_residency"]),
            ("Tone", doc["tone"].get("en", "")),
            ("Contracts", doc["contract_practice"].get("en", "")),
        ]
        if doc["edited_fields"]:
            rows.append(("Edited locally", ", ".join(doc["edited_fields"])))
        for label, value in rows:
            write(f"{label:<16}{value}")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
