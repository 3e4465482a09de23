from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beachhead.core import demo
from beachhead.core.models import User
from beachhead.core.progress import for_command


class Command(BaseCommand):
    help = "Load deterministic demo data (the same seed gives the same data)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=200, help="Accounts to create.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database has users."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bars (none off a terminal)."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data even when BEACHHEAD_ENV=production (a public demo server only: "
            "it creates logins whose password is public).",
        )

    def handle(self, *args, **options):
        if options["accounts"] < 0:
            raise CommandError("--accounts must be zero or more.")
        if settings.PRODUCTION:
            if not options["allow_production"]:
                raise CommandError(
                    "BEACHHEAD_ENV=production: refusing to load demo data. It creates logins "
                    f"whose password ({demo.DEMO_PASSWORD!r}) is public. Load it into a local "
                    "or staging install instead, or pass --allow-production for a public demo "
                    "server."
                )
            self.stderr.write(
                self.style.WARNING(
                    "WARNING: loading demo data with BEACHHEAD_ENV=production "
                    "(--allow-production). Anyone can sign in as its users with the public "
                    f"password {demo.DEMO_PASSWORD!r}."
                )
            )
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded; nothing to do.")
                return
            raise CommandError(
                "The database already has data. Demo data goes into an empty database "
                "(use --if-empty to skip quietly)."
            )
        progress = for_command(options)
        ctx = demo.DemoContext(
            seed=options["seed"], accounts=options["accounts"], progress=progress
        )
        demo.load(ctx)
        summary = ", ".join(f"{n} {what}" for what, n in ctx.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (seed {ctx.seed}): {summary}."))
