from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beachhead.core import services
from beachhead.core.roles import Role


class Command(BaseCommand):
    help = "Create a user with a role and the markets they cover; --token prints an API token."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--market",
            action="append",
            default=[],
            metavar="CODE",
            help="A market the user covers (repeat, or give several: --market JP KR).",
            nargs="+",
        )
        parser.add_argument("--password", help="Without it a random password is printed.")
        parser.add_argument("--email", default="")
        parser.add_argument("--language", default="en", choices=["en", "zh-hans", "ja"])
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--token", action="store_true", help="Print an API token too.")

    def handle(self, *args, **options):
        markets = [code for group in options["market"] for code in group]
        try:
            user, password = services.do_create_user(
                username=options["username"],
                role=options["role"],
                markets=markets,
                password=options["password"],
                email=options["email"],
                language=options["language"],
                timezone_name=options["timezone"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created {user.username} ({user.get_role_display()})")
        if options["password"] is None:
            self.stdout.write(f"Password: {password}")
        if options["token"]:
            self.stdout.write(f"Token: {services.do_issue_token(user)}")
