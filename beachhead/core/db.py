"""Small database adapter: the few places where the ORM's generality costs too much.

``insert_rows`` writes many rows with multi-row INSERTs and no model instances. The sweep uses
it to record a thousand breaches in milliseconds where ``bulk_create`` spends most of a second
preparing values on a loaded machine. Values are adapted by their field exactly as the ORM
would (``get_db_prep_save``), once per distinct value for date-times, so it stays portable
across SQLite, PostgreSQL and MySQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], batch: int = 1000
) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``, attnames) into ``model``'s table."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    columns: list[Any] = [meta.get_field(name) for name in fields]  # concrete fields
    quote = connection.ops.quote_name
    # Identifiers come from model metadata (quoted), never from input; values are parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(meta.db_table), ", ".join(quote(f.column) for f in columns)
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    cache: list[dict] = [{} for _ in columns]
    prepared = []
    for row in rows:
        values = []
        for i, (field, value) in enumerate(zip(columns, row, strict=True)):
            if isinstance(field, models.DateTimeField):
                seen = cache[i]
                if value not in seen:
                    seen[value] = field.get_db_prep_save(value, connection)
                values.append(seen[value])
            else:
                values.append(field.get_db_prep_save(value, connection))
        prepared.append(values)
    # Multi-row VALUES: one statement per batch, within each database's parameter limit.
    size = max(1, min(batch, connection.ops.bulk_batch_size(columns, prepared) or batch))
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), size):
            chunk = prepared[start : start + size]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])
    return len(prepared)


def is_id(value) -> bool:
    """A row id: ASCII digits that fit a 64-bit column (``"²".isdigit()`` is true too)."""
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 18
