"""Data that people name in several languages: pick the reader's variant.

A record users name (a team, an SLA policy, a reply template's title, a deal stage) keeps its
main ``name`` and, in ``names``, the variants by language key — ``{"zh-hans": "…", "ja": "…"}``
(an ``"en"`` entry may override the main name for English readers). Pages, the API and notices
show ``local_name(record)``: the reader's variant when there is one, the main name otherwise.
Markets keep their names in three columns and their notes in the same ``{en, zh-hans, ja}``
mappings; ``pick`` reads those too.

Our own, small: django-modeltranslation adds a column per language and field and rewrites
queries, which is heavy for a handful of names edited in the product's settings pages.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: The interface languages, as the keys of a localised mapping.
LANGUAGE_KEYS = ("en", "zh-hans", "ja")


def language_key(language: str | None = None) -> str:
    """The mapping key of ``language`` (default: the active one): ``en``, ``zh-hans`` or ``ja``."""
    language = (language or translation.get_language() or "en").lower()
    if language.startswith("zh"):
        return "zh-hans"
    if language.startswith("ja"):
        return "ja"
    return "en"


def pick(mapping: dict[str, Any] | None, fallback: str = "", language: str | None = None) -> str:
    """The text of a ``{en, zh-hans, ja}`` mapping in ``language`` (default: the active one),
    else its English text, else ``fallback``."""
    mapping = mapping or {}
    return str(mapping.get(language_key(language)) or mapping.get("en") or fallback)


def local_name(record: Any, language: str | None = None) -> str:
    """The name of ``record`` in the reader's language when it has a variant (``names``)."""
    name = str(getattr(record, "name", "") or "")
    return pick(getattr(record, "names", None), name, language)


class NamedInLanguages(models.Model):
    """Mixin for a model with a ``name``: adds ``names``, its variants by language key."""

    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_("The name as readers of each language see it, by language code."),
    )

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        return local_name(self)
