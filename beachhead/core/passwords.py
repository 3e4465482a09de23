"""A password may not be built on the words of this deployment (ASVS 6.2.11).

Django's validators refuse common passwords and ones like the user's own name or address; none
knows the words of the place itself — the product's name and the company's — which are the first
an attacker tries against it ("Beachhead2026!", "Acme123456"). Django has no such validator and
the packages that offer one wrap a breach service over the network; this is one small class.
Composition rules ("a digit and a capital") are deliberately absent (ASVS 6.2.5).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_WORD = 4


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


class ContextWordsValidator:
    def __init__(self, words: list[str] | None = None) -> None:
        self.extra = list(words or [])

    def words(self) -> list[str]:
        found = {"beachhead", _squash(settings.BEACHHEAD_COMPANY_NAME), *map(_squash, self.extra)}
        return sorted(w for w in found if len(w) >= MIN_WORD)

    def validate(self, password: str, user=None) -> None:
        squashed = _squash(password)
        for word in self.words():
            if word in squashed:
                raise ValidationError(
                    _("Your password cannot contain the name of this service or company."),
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Your password cannot contain the name of this service or company.")
