"""Notices worded when they are read, in the reader's language.

A notice in the inbox stores a *message* (a key such as ``commitments.broken``) and its
parameters (the promise's kind and subject, a team's figures …) besides the words written for
its recipient when it was made. The pillar that owns a message registers how to word it
(``register(key, render)`` from its ``AppConfig.ready``); ``render(key, params)`` words it in
the active language, so someone who switches language reads the whole inbox in the new one.
A message nobody registers (or whose parameters no longer fit) shows the stored words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation

logger = logging.getLogger("beachhead.notify")

#: ``render(params) -> (title, body)`` in the active language.
Render = Callable[[Mapping[str, Any]], tuple[str, str]]

_renderers: dict[str, Render] = {}


def register(key: str, render: Render) -> None:
    _renderers[key] = render


def render(
    key: str, params: Mapping[str, Any], language: str | None = None
) -> tuple[str, str] | None:
    """(title, body) of message ``key`` in ``language`` (the active one by default); None when
    the message is unknown or cannot be worded from ``params``."""
    make = _renderers.get(key) if key else None
    if make is None:
        return None
    try:
        if language:
            with translation.override(language):
                return make(params)
        return make(params)
    except (KeyError, TypeError, ValueError):
        logger.warning("cannot word notice %s from %r", key, params)
        return None
