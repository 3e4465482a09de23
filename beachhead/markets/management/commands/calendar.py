"""``beachhead calendar``: business-time arithmetic on a market's calendar, from the shell.

    beachhead calendar due --market JP --start 2027-01-08T17:55:00+09:00 --minutes 15
    2027-01-12T09:10:00+09:00
    beachhead calendar elapsed --market JP --start 2027-01-08T17:00 --end 2027-01-12T10:00
    120

A start or end without a UTC offset is read in the market's time zone; the due time is printed
with the market's UTC offset.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beachhead.markets import services
from beachhead.markets.management.commands.markets import get_market, validation_message


class Command(BaseCommand):
    help = "Compute due times and elapsed business time on a market's calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

        due = sub.add_parser("due", help="When N working minutes after a start have passed.")
        due.add_argument("--market", required=True, help="Market code, e.g. JP")
        due.add_argument("--start", required=True, help="ISO 8601, e.g. 2027-01-08T17:55:00+09:00")
        due.add_argument("--minutes", required=True, type=int, help="Working minutes to add")
        due.add_argument(
            "--calendar",
            choices=services.CALENDAR_CHOICES,
            default="business",
            help="business: the market's working hours and holidays (default); 24x7: always open",
        )

        elapsed = sub.add_parser("elapsed", help="Whole working minutes between two instants.")
        elapsed.add_argument("--market", required=True, help="Market code, e.g. JP")
        elapsed.add_argument("--start", required=True, help="ISO 8601")
        elapsed.add_argument("--end", required=True, help="ISO 8601")
        elapsed.add_argument("--calendar", choices=services.CALENDAR_CHOICES, default="business")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        market = get_market(options["market"])
        try:
            start = services.parse_instant(options["start"], market, what="--start")
            if subcommand == "due":
                due = services.compute_due(market, start, options["minutes"], options["calendar"])
                self.stdout.write(due.isoformat())
            else:
                end = services.parse_instant(options["end"], market, what="--end")
                minutes = services.compute_elapsed(market, start, end, options["calendar"])
                self.stdout.write(str(minutes))
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from None
