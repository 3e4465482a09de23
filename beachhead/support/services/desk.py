"""The desk's numbers: unsolved tickets by status and priority, and each agent's open load.

Aggregates run in SQL over the access layer's scope, split into its disjoint parts
(``core.access.scope_parts``: the user's markets, then what they own elsewhere) so that each
query reads one index range; one OR of market and ownership would read the whole table at a
million tickets. The counted columns are all in the ``ticket_desk`` index (market, status,
priority, assignee): the database answers from the index alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q

from beachhead.core.access import scope_parts
from beachhead.support.models import UNSOLVED_STATUSES, Ticket

if TYPE_CHECKING:
    from beachhead.core.models import User


def unsolved_grid(user: User) -> list[dict]:
    """``[{"status", "priority", "n", "mine", "unassigned"}]`` over the unsolved tickets
    ``user`` may see: ``mine`` assigned to them, ``unassigned`` to nobody."""
    grid: dict[tuple[str, str], dict] = {}
    for part in scope_parts(Ticket, user):
        rows = (
            part.filter(status__in=UNSOLVED_STATUSES)
            .order_by()
            .values("status", "priority")
            .annotate(
                n=Count("*"),
                # Counting a column of the index (never NULL where counted), not the id.
                mine=Count("assignee", filter=Q(assignee_id=user.pk)),
                unassigned=Count("priority", filter=Q(assignee__isnull=True)),
            )
        )
        for row in rows:
            key = (row["status"], row["priority"])
            cell = grid.setdefault(
                key,
                {"status": key[0], "priority": key[1], "n": 0, "mine": 0, "unassigned": 0},
            )
            for name in ("n", "mine", "unassigned"):
                cell[name] += row[name]
    return list(grid.values())


def open_loads(user_ids) -> dict[int, int]:
    """Unsolved tickets per assignee, counted on the ``(assignee, status, …)`` index."""
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(
        Ticket.objects.filter(assignee__in=ids, status__in=UNSOLVED_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(n=Count("*"))  # COUNT(*) is answered from the index; COUNT(id) reads rows
        .values_list("assignee", "n")
    )
