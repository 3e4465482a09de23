from django.conf import settings
from django.core.management.base import BaseCommand

from beachhead.core.demo import DEMO_PASSWORD, DEMO_PEOPLE
from beachhead.core.models import User


class Command(BaseCommand):
    help = "Print the demo logins (those that exist in this database)."

    def handle(self, *args, **options):
        present = set(
            User.objects.filter(username__in=[p[0] for p in DEMO_PEOPLE]).values_list(
                "username", flat=True
            )
        )
        if not present:
            self.stdout.write("No demo logins in this database.")
            return
        if settings.PRODUCTION:
            self.stderr.write(
                self.style.WARNING(
                    f"WARNING: BEACHHEAD_ENV=production and {len(present)} demo login(s) exist "
                    "with the public password below: anyone can sign in as them. Deactivate "
                    "them or set new passwords unless this is a public demo server."
                )
            )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, markets, name, _language, _tz in DEMO_PEOPLE:
            if username in present:
                scope = ", ".join(markets) if markets else "all markets"
                self.stdout.write(f"  {username:<16} {role:<18} {name:<16} {scope}")
