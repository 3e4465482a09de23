"""The API's JSON parser: DRF's, refusing (400) what it would let through to a 500.

- A body nested too deeply for Python's parser (``[[[[…]]]]``) raises RecursionError, which DRF
  does not catch;
- a string with a NUL character (``"\\u0000"``) cannot be stored in PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Deeper than any request the API documents; deeper bodies are refused before they are walked.
MAX_DEPTH = 64


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        check(data)
        return data


def check(data: Any) -> None:
    """Raise ParseError for a body nested deeper than MAX_DEPTH or with a NUL in a string
    (keys included). Walks without recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise ParseError("The request contains a NUL character, which is not allowed.")
            continue
        if not isinstance(node, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise ParseError("JSON parse error - the body is nested too deeply.")
        if isinstance(node, dict):
            stack.extend((key, depth + 1) for key in node)
            stack.extend((value, depth + 1) for value in node.values())
        else:
            stack.extend((item, depth + 1) for item in node)
