"""Services of saved views: who sees which view, saving, renaming, deleting; running a view
over its source (a page of rows with group counts, a kanban board); inline edits.

Only these functions write ``SavedView`` rows. Every query on a source's rows starts from
``source.queryset(user)``, which the registering pillar builds on the access layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from beachhead.core.access import Action, access_filter, scoped
from beachhead.core.models import Team, User
from beachhead.savedviews import filters, registry
from beachhead.savedviews.models import SavedView, is_admin, own_or_team_q
from beachhead.savedviews.registry import Column, ListSource
from beachhead.savedviews.state import ViewState, from_config

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

#: Cards a kanban lane shows before its "n more" link.
LANE_CAP = 50
NAME_MAX = 120


# --- Who sees which view ---------------------------------------------------------------------


def teams_of(user: User) -> models.QuerySet:
    """Teams ``user`` belongs to (as a member or their manager): those they may share with."""
    return Team.objects.filter(Q(members=user) | Q(manager=user)).distinct()


def may_change_view(user: User, view: SavedView) -> bool:
    return bool(user.is_authenticated and (view.owner_id == user.pk or is_admin(user)))


def views_for_picker(
    user: User | AnonymousUser, source_key: str
) -> tuple[list[SavedView], list[SavedView]]:
    """(my views, team views) of a list, in one query. Admins too see only their own and their
    teams' views here (they reach others' views by link, to tidy up)."""
    if not user.is_authenticated:
        return [], []
    rows = list(
        SavedView.objects.filter(source=source_key)
        .filter(own_or_team_q(user))
        .select_related("shared_with_team", "owner")
        .order_by("name", "pk")
    )
    mine = [v for v in rows if v.owner_id == user.pk]
    shared = [v for v in rows if v.owner_id != user.pk]
    return mine, shared


# --- Writing views ---------------------------------------------------------------------------


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the view a name.")]})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": [_("A name has at most %(max)d characters.") % {"max": NAME_MAX}]}
        )
    return name


def check_team(user: User, team: Team | None) -> Team | None:
    """A team ``user`` may share with: one they belong to (an admin: any)."""
    if team is None:
        return None
    if is_admin(user) or teams_of(user).filter(pk=team.pk).exists():
        return team
    raise ValidationError({"shared_with_team": [_("You can share only with your own teams.")]})


def check_source(key: str) -> ListSource:
    try:
        return registry.get(key)
    except KeyError:
        raise ValidationError({"source": [_("“%(key)s” is not a list.") % {"key": key}]}) from None


@transaction.atomic
def do_create_view(
    *, source: str, name: str, config: dict, owner: User, shared_with_team: Team | None = None
) -> SavedView:
    """Save a list's state under a name, personal or shared with one of the owner's teams."""
    list_source = check_source(source)
    state = from_config(list_source, config, owner)
    return SavedView.objects.create(
        source=source,
        name=check_name(name),
        owner=owner,
        shared_with_team=check_team(owner, shared_with_team),
        config=state.config(),
    )


_UNSET: Any = object()


@transaction.atomic
def do_update_view(
    view: SavedView,
    *,
    actor: User,
    name: str | None = None,
    config: dict | None = None,
    shared_with_team: Any = _UNSET,
) -> SavedView:
    """Rename, re-share or overwrite the configuration of a view (owner or admin only)."""
    if not may_change_view(actor, view):
        raise ValidationError(_("Only the owner of a view, or an administrator, changes it."))
    if name is not None:
        view.name = check_name(name)
    if config is not None:
        view.config = from_config(check_source(view.source), config, actor).config()
    if shared_with_team is not _UNSET:
        # Sharing is checked against the owner's teams: an admin cannot leak someone's view.
        if shared_with_team is not None and not (
            is_admin(actor) or teams_of(view.owner).filter(pk=shared_with_team.pk).exists()
        ):
            raise ValidationError(
                {"shared_with_team": [_("You can share only with your own teams.")]}
            )
        view.shared_with_team = shared_with_team
    view.save()
    return view


@transaction.atomic
def do_delete_view(view: SavedView, *, actor: User) -> None:
    if not may_change_view(actor, view):
        raise ValidationError(_("Only the owner of a view, or an administrator, deletes it."))
    view.delete()


# --- Running a view --------------------------------------------------------------------------


def base_queryset(source: ListSource, state: ViewState, user: User) -> models.QuerySet:
    """The source's rows for ``user``, narrowed by the state's filters and search."""
    qs = source.queryset(user)
    condition = filters.conditions_q(source, state.filters, user)
    if condition:
        qs = qs.filter(condition)
    text = filters.search_q(source, state.q)
    if text:
        qs = qs.filter(text)
    return qs


def order_expressions(source: ListSource, state: ViewState, group_first: str | None = None):
    """ORDER BY: the group path first (so a page's rows stay in groups), then the sort keys,
    then the primary key so pages never overlap."""
    exprs = []
    if group_first:
        descending = f"-{group_first}" in state.sort
        rank = _choice_rank(source, group_first)
        if rank is not None:
            exprs.append(rank.desc() if descending else rank.asc())
        elif descending:
            exprs.append(F(group_first).desc(nulls_last=True))
        else:
            exprs.append(F(group_first).asc(nulls_first=True))
    for key in state.sort:
        path = key.removeprefix("-")
        if path == group_first:
            continue
        expr = _sort_expr(source, path)
        exprs.append(expr.desc(nulls_last=True) if key.startswith("-") else expr.asc())
    if not any(key.removeprefix("-") in ("pk", "id") for key in state.sort):
        exprs.append(F("pk").asc())
    return exprs


def _sort_expr(source: ListSource, path: str) -> F:
    """A sort key; a relation (``owner``) sorts by its model's own order (a username), not
    by its id."""
    field = filters.final_field(source.model, path)
    if field is not None and field.is_relation and field.related_model is not None:
        ordering = field.related_model._meta.ordering
        if ordering and isinstance(ordering[0], str) and "__" not in ordering[0]:
            return F(f"{path}__{ordering[0].lstrip('-')}")
    return F(path)


def related_labels(source: ListSource, path: str, values) -> dict[Any, str]:
    """Names of related records for a relation path's ids (``owner`` 7 → "Aoi Tanaka"), in
    one query; empty for other paths."""
    field = filters.final_field(source.model, path)
    ids = [v for v in values if v is not None]
    if not ids or field is None or not field.is_relation or field.related_model is None:
        return {}
    return {obj.pk: str(obj) for obj in field.related_model._default_manager.filter(pk__in=ids)}


def _choice_rank(source: ListSource, path: str):
    """For a column with choices, its choices' order (open, won, lost …) rather than the
    alphabetical order of their keys; values outside the choices come last."""
    column = source.column(path)
    choices = filters.choices_of(source, column) if column else []
    if not choices:
        return None
    return Case(
        *[When(**{path: key}, then=Value(i)) for i, (key, _label) in enumerate(choices)],
        default=Value(len(choices)),
        output_field=models.IntegerField(),
    )


def with_change_flag(qs: models.QuerySet, source: ListSource, user: User) -> models.QuerySet:
    """Annotate ``_may_change``: whether the user may edit the row, in the same query."""
    if source.update is None or not any(c.editable for c in source.columns):
        return qs.annotate(_may_change=Value(False, output_field=models.BooleanField()))
    condition = access_filter(source.model, user, Action.CHANGE)
    flag: Value | Case
    if condition is None:
        flag = Value(False, output_field=models.BooleanField())
    elif not condition:
        flag = Value(True, output_field=models.BooleanField())
    else:
        flag = Case(
            When(condition, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        )
    return qs.annotate(_may_change=flag)


@dataclass
class Group:
    value: Any
    label: str
    count: int


@dataclass
class Page:
    rows: list
    count: int
    number: int
    num_pages: int
    page_size: int
    groups: list[Group] = field(default_factory=list)
    total_unfiltered: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return 0 if not self.count else (self.number - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return min(self.number * self.page_size, self.count)


def value_label(source: ListSource, column: Column, value: Any, names: dict | None = None) -> str:
    """How a grouped or lane value reads (a choice's label, a related record's name, "—" for
    nothing)."""
    if value is None or value == "":
        return "—"
    if names and value in names:
        return names[value]
    if column.kind in ("choice",) or column.choices:
        labels = dict(filters.choices_of(source, column))
        return str(labels.get(str(value), value))
    if column.kind == "bool":
        return _("Yes") if value else _("No")
    return str(value)


def _group_counts(qs: models.QuerySet, source: ListSource, path: str) -> list[tuple[Any, int]]:
    """One aggregate query: (value, rows) for each value of ``path`` among the rows."""
    if any(getattr(a, "contains_aggregate", False) for a in qs.query.annotations.values()):
        # Aggregates in the source's queryset would change the GROUP BY: count over its keys.
        qs = source.model._default_manager.filter(pk__in=qs.values("pk"))
    rows = qs.order_by().values_list(path).annotate(n=Count("pk")).order_by()
    return [(value, n) for value, n in rows]


def _sort_groups(
    groups: list[Group], descending: bool = False, choices: list | None = None
) -> list[Group]:
    """Groups in the order the rows come in: a choice column's choice order (unknown values
    last); otherwise by value, empty values first (last when descending)."""
    if choices:
        rank = {str(key): i for i, (key, _label) in enumerate(choices)}
        return sorted(
            groups,
            key=lambda g: rank.get("" if g.value is None else str(g.value), len(rank)),
            reverse=descending,
        )
    known = [g for g in groups if g.value is not None]
    empty = [g for g in groups if g.value is None]
    try:
        known.sort(key=lambda g: g.value, reverse=descending)
    except TypeError:
        known.sort(key=lambda g: str(g.value), reverse=descending)
    return known + empty if descending else empty + known


def list_page(source: ListSource, state: ViewState, user: User, page: Any = 1) -> Page:
    """One page of the view's rows: at most one COUNT or group-count query plus the rows."""
    qs = base_queryset(source, state, user)
    groups: list[Group] = []
    if state.group_by:
        column = source.column(state.group_by)
        assert column is not None  # the state was checked against the source
        counts = _group_counts(qs, source, state.group_by)
        names = related_labels(source, state.group_by, [value for value, _n in counts])
        groups = _sort_groups(
            [Group(value, value_label(source, column, value, names), n) for value, n in counts],
            descending=f"-{state.group_by}" in state.sort,
            choices=filters.choices_of(source, column),
        )
        total = sum(g.count for g in groups)
    else:
        total = qs.count()
    size = state.page_size
    num_pages = max(1, math.ceil(total / size))
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(1, number), num_pages)
    offset = (number - 1) * size
    ordered = with_change_flag(qs, source, user).order_by(
        *order_expressions(source, state, state.group_by)
    )
    rows = list(ordered[offset : offset + size]) if total else []
    return Page(rows, total, number, num_pages, size, groups)


@dataclass
class Lane:
    value: Any
    label: str
    count: int
    cards: list = field(default_factory=list)
    # Set by the board page:
    key: str = ""
    move_options: str = ""  # HTML
    more_url: str = ""
    total: str = ""  # the source's lane total (a sum in the reporting currency), if any
    total_title: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))


#: Above this many non-empty lanes the board reads its cards with one windowed query instead
#: of one bounded subquery per lane.
LANE_QUERIES_MAX = 20


def kanban_lanes(
    source: ListSource, state: ViewState, user: User, cap: int | None = None
) -> list[Lane]:
    """Every choice of the source's ``kanban_path`` as a lane (empty ones too) with its count
    and at most ``cap`` cards: one group-count query and one query for the cards."""
    path = source.kanban_path
    if not path:
        raise ValidationError(_("This list has no board layout."))
    cap = LANE_CAP if cap is None else cap
    column = source.column(path)
    assert column is not None  # a source's kanban_path names one of its columns
    qs = base_queryset(source, state, user)
    counts = {_lane_key(value): (value, n) for value, n in _group_counts(qs, source, path)}
    stored = [value for value, _n in counts.values()]  # as the database holds them
    lanes = [
        Lane(key, str(label), counts.pop(_lane_key(key), (key, 0))[1])
        for key, label in filters.choices_of(source, column)
    ]
    # Values outside the declared choices (or empty) still get a lane, after the known ones.
    for value, n in counts.values():
        lanes.append(Lane(value, value_label(source, column, value), n))
    if not any(lane.count for lane in lanes):
        return lanes
    if source.lane_totals is not None:
        totals = source.lane_totals(qs, user)
        for each in lanes:
            each.total, each.total_title = totals.get(_lane_key(each.value), ("", ""))
    ordering = order_expressions(source, state)
    if connections[qs.db].features.allow_sliced_subqueries_with_in and (
        len(stored) <= LANE_QUERIES_MAX
    ):
        # Each lane's first ``cap`` keys in a bounded subquery (an index on the lane and the
        # sort key reads just those); the cards are the rows with one of these keys.
        cards = qs.filter(
            reduce(or_, (Q(pk__in=_lane_keys(qs, path, v, ordering, cap)) for v in stored))
        )
    else:
        # MySQL allows no LIMIT in an IN subquery: number every row within its lane.
        cards = qs.annotate(
            _lane_rank=models.Window(RowNumber(), partition_by=[F(path)], order_by=ordering)
        ).filter(_lane_rank__lte=cap)
    ranked = with_change_flag(cards, source, user).order_by(*ordering)
    by_value = {_lane_key(lane.value): lane for lane in lanes}
    for row in ranked:
        lane = by_value.get(_lane_key(key_value(row, path)))
        if lane is not None:
            lane.cards.append(row)
    return lanes


def _lane_keys(qs: models.QuerySet, path: str, value: Any, ordering, cap: int) -> models.QuerySet:
    """The primary keys of the first ``cap`` rows of one lane, in the board's order."""
    lane = qs.filter(**{f"{path}__isnull": True} if value is None else {path: value})
    return lane.order_by(*ordering).values("pk")[:cap]


def _lane_key(value: Any) -> str:
    return "" if value is None else str(value)


def key_value(obj: Any, path: str) -> Any:
    """The value at ``path`` as the database compares it: a related record by its key."""
    value = cell_value(obj, path)
    return value.pk if isinstance(value, models.Model) else value


def cell_value(obj: Any, path: str) -> Any:
    """The value at an ORM path on a fetched row (``market__code`` → ``obj.market.code``)."""
    value = obj
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


def user_choices(source: ListSource, column: Column, user: User | None) -> list[tuple[str, str]]:
    """For a user column that is a foreign key (``owner``): the active people the viewer may
    see, as (id, name), for the filter builder and the inline edit. Empty for other columns."""
    field = filters.final_field(source.model, column.path)
    if column.kind != "user" or field is None or not field.is_relation:
        return []
    from beachhead.core.models import User

    people = scoped(User, user).filter(is_active=True).order_by("username")[:500]
    return [(str(person.pk), person.display_name) for person in people]


# --- Inline edits ----------------------------------------------------------------------------


def editable_column(source: ListSource, path: str) -> Column:
    column = source.column(path)
    if column is None or not column.editable or source.update is None:
        raise ValidationError(_("“%(field)s” cannot be edited here.") % {"field": path})
    return column


def _pk(source: ListSource, raw: Any) -> Any:
    """A primary key from a URL, or None when it cannot be one (answered as not found)."""
    try:
        return source.model._meta.pk.to_python(raw)
    except ValidationError:
        return None


def changeable_row(source: ListSource, user: User, pk: Any):
    """The row ``pk`` if ``user`` may both see it in this list and change it (else None)."""
    pk = _pk(source, pk)
    if pk is None:
        return None
    may_change = scoped(source.model, user, Action.CHANGE).filter(pk=pk).values("pk")
    return source.queryset(user).filter(pk=pk).filter(pk__in=may_change).first()


def parse_edit(source: ListSource, column: Column, raw: str, user: User) -> Any:
    """The typed value of an edit: text as typed; other kinds parsed as in filters; an empty
    input clears a non-text value (None)."""
    if column.kind == "text":
        return raw if raw is not None else ""
    if raw is None or not str(raw).strip():
        return None
    return filters.parse_value(source, column, str(raw), user)


def do_inline_update(source: ListSource, obj: Any, path: str, raw: Any, user: User) -> Any:
    """Edit one cell through the source's own service (which validates and saves)."""
    column = editable_column(source, path)
    value = parse_edit(source, column, raw, user)
    assert source.update is not None  # editable_column checked it
    with transaction.atomic():
        result = source.update(obj, path, value, user)
    return result if result is not None else obj


def refetch(source: ListSource, user: User, pk: Any):
    """The row again, as the list shows it (with its select_related and change flag)."""
    pk = _pk(source, pk)
    if pk is None:
        return None
    return with_change_flag(source.queryset(user), source, user).filter(pk=pk).first()


def iter_rows(source: ListSource, state: ViewState, user: User, chunk_size: int = 2000):
    """Every row of the view, in order (exports): one query, streamed in chunks. Rows are
    the source's own objects, so columns read exactly as on the page (relations by name,
    properties such as a contact's roles too)."""
    qs = base_queryset(source, state, user).order_by(*order_expressions(source, state))
    return qs.iterator(chunk_size=chunk_size)
