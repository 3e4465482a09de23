"""The API's token authentication: ``Authorization: Token <key>`` (or ``Bearer <key>``)
against ``core.tokens`` (hashed, expiring, revocable keys). ``request.auth`` is the
``ApiToken``, so throttles and audit can name the token (``request.auth.pk``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from beachhead.core import tokens

KEYWORDS = (b"token", b"bearer")

_REASONS = {
    "invalid": _("Invalid token."),
    "expired": _("This token has expired."),
    "inactive": _("User inactive or deleted."),
}


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in KEYWORDS:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Give the key after “Token ”, without spaces.")
            )
        try:
            key = auth[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        try:
            token = tokens.authenticate(key)
        except LookupError as exc:
            raise exceptions.AuthenticationFailed(_REASONS[str(exc.args[0])]) from None
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema names the scheme as DRF's own token authentication did (``tokenAuth``)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token from Preferences → API tokens: `Authorization: Token <key>` "
                "(`Bearer <key>` works too)."
            ),
        }
