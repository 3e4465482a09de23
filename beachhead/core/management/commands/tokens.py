"""``beachhead tokens``: an operator's view of the API tokens (the command line acts with
full rights, as ``createuser`` does). Lists tokens (never their keys, which nobody has), makes
one for a person, revokes one or all of a person's."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from beachhead.core import tokens
from beachhead.core.models import ApiToken, User


class Command(BaseCommand):
    help = "List, make or revoke API tokens: tokens [--user NAME] | --new NAME --user NAME | --revoke ID | --revoke-all --user NAME"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this person's tokens (username).")
        parser.add_argument("--all", action="store_true", help="Show revoked tokens too.")
        parser.add_argument("--new", metavar="NAME", help="Make a token with this name for --user.")
        parser.add_argument(
            "--days", type=int, default=None, help="With --new: expires after so many days."
        )
        parser.add_argument(
            "--revoke", type=int, metavar="ID", help="Revoke the token with this id."
        )
        parser.add_argument(
            "--revoke-all", action="store_true", help="Revoke every token of --user."
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user called {options['user']}.")
        if options["new"]:
            self._new(user, options)
        elif options["revoke"] is not None:
            self._revoke(options["revoke"])
        elif options["revoke_all"]:
            if user is None:
                raise CommandError("--revoke-all needs --user.")
            count = tokens.revoke_all(user, because=ApiToken.RevokedBecause.ADMIN)
            self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
        else:
            self._list(user, show_revoked=options["all"])

    def _new(self, user, options):
        if user is None:
            raise CommandError("--new needs --user.")
        try:
            token, key = tokens.do_create_token(
                user, name=options["new"], expires_in_days=options["days"], check_days=False
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created token {token.pk} “{token.name}” for {user.username}")
        self.stdout.write(f"Token: {key}")

    def _revoke(self, pk):
        token = ApiToken.objects.filter(pk=pk).first()
        if token is None:
            raise CommandError(f"No token {pk}.")
        tokens.revoke_all_matching(ApiToken.objects.filter(pk=token.pk))
        self.stdout.write(f"Revoked token {token.pk} “{token.name}”.")

    def _list(self, user, show_revoked):
        qs = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if user is not None:
            qs = qs.filter(user=user)
        if not show_revoked:
            qs = qs.filter(revoked_at__isnull=True)
        now = timezone.now()
        self.stdout.write(
            f"{'ID':>5}  {'USER':<16} {'NAME':<28} {'KEY':<12} {'LAST USED':<17} EXPIRES"
        )
        for token in qs:
            state = (
                "revoked"
                if token.revoked_at
                else "expired"
                if token.is_expired(now)
                else (token.expires_at.strftime("%Y-%m-%d") if token.expires_at else "never")
            )
            used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk:>5}  {token.user.username:<16.16} {token.name:<28.28} "
                f"{token.prefix + '…':<12} {used:<17} {state}"
            )
