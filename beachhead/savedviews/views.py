"""Pages of saved views: the Lists index, a list page (table or board, with its toolbar), the
filter-builder and inline-edit fragments, saving views, and exports.

Every page reads the state from the query string (``state.py``), rows from the source's
scoped queryset (``services.py``) and views through ``SavedView.objects.visible_to``.
htmx requests get the page's ``#list-app`` fragment and the canonical URL to push.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beachhead.core.http import AuthedRequest
from beachhead.savedviews import export, filters, registry, services, tables
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.forms import RenameViewForm, SaveViewForm
from beachhead.savedviews.models import SavedView
from beachhead.savedviews.registry import Column, ListSource
from beachhead.savedviews.state import (
    LAYOUTS,
    ViewState,
    canonical_query,
    defaults,
    from_config,
    from_query,
)

if TYPE_CHECKING:
    from beachhead.core.models import User

PAGE_SIZES = (25, 50, 100, 200)


def _source(key: str) -> ListSource:
    try:
        return registry.get(key)
    except KeyError:
        raise Http404 from None


def _list_url(source: ListSource, query: str = "") -> str:
    url = reverse("savedviews:list", args=[source.key])
    return f"{url}?{query}" if query else url


class Resolved:
    """The state a request asks for: the saved view it starts from (if any), the base state,
    the state itself, and problems found (each naming its field)."""

    def __init__(self, request: AuthedRequest, source: ListSource, params: QueryDict) -> None:
        self.source = source
        self.errors: list[str] = []
        self.view: SavedView | None = None
        base = defaults(source)
        view_id = params.get("view", "")
        if view_id:
            if not view_id.isdigit():
                raise Http404
            self.view = get_object_or_404(
                SavedView.objects.visible_to(request.user)
                .filter(source=source.key)
                .select_related("shared_with_team", "owner"),
                pk=int(view_id),
            )
            try:
                base = from_config(source, self.view.config, request.user)
            except ValidationError as exc:
                self.errors.append(
                    _("This view refers to fields the list no longer offers: %(problems)s")
                    % {"problems": " ".join(exc.messages)}
                )
        self.base = base
        parsed = from_query(source, params, base, request.user)
        self.state: ViewState = parsed.state
        self.errors.extend(parsed.errors)
        self.view_id = self.view.pk if self.view else None

    def query(self, state: ViewState | None = None, **extra) -> str:
        return canonical_query(state or self.state, self.base, self.view_id, **extra)

    def url(self, state: ViewState | None = None, **extra) -> str:
        return _list_url(self.source, self.query(state, **extra))

    @property
    def modified(self) -> bool:
        return self.view is not None and not self.state.same_view(self.base)


# --- The list page ---------------------------------------------------------------------------


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Every list that offers saved views, with the views the user can open."""
    sources = sorted(registry.all_sources(), key=lambda s: str(s.label))
    views = list(
        SavedView.objects.visible_to(request.user)
        .filter(source__in=[s.key for s in sources])
        .select_related("shared_with_team")
        .order_by("name", "pk")
    )
    entries = [
        {
            "source": source,
            "url": _list_url(source),
            "views": [v for v in views if v.source == source.key],
        }
        for source in sources
    ]
    return render(request, "savedviews/index.html", {"entries": entries})


@login_required
@require_GET
def list_page(request: AuthedRequest, source: str) -> HttpResponse:
    list_source = _source(source)
    resolved = Resolved(request, list_source, request.GET)
    canonical = resolved.url(page=request.GET.get("page"))
    is_builder = "fb" in request.GET
    if is_builder and not request.htmx and not resolved.errors:
        return HttpResponseRedirect(canonical)  # a bookmarkable URL, not the form's fields
    context = _context(request, resolved, request.GET.get("page"))
    if request.htmx and not request.htmx.boosted:
        response = render(request, "savedviews/_app.html", context)
        response["HX-Push-Url"] = canonical
        return response
    return render(request, "savedviews/list.html", context)


def _context(request: AuthedRequest, resolved: Resolved, page: Any = 1) -> dict:
    source, state, user = resolved.source, resolved.state, request.user
    columns = [column for path in state.columns if (column := source.column(path))]
    context: dict[str, Any] = {
        "source": source,
        "state": state,
        "resolved": resolved,
        "view": resolved.view,
        "errors": resolved.errors,
        "columns": columns,
        "query": resolved.query(),
        "list_url": resolved.url(),
        "reset_url": _list_url(source, f"view={resolved.view_id}" if resolved.view_id else ""),
        "has_state": bool(resolved.query()),
        # The filter panel stays open after "Apply filters" (an htmx redraw would close it).
        "filters_open": request.GET.get("open") == "filters",
    }
    try:
        if state.layout == "kanban":
            context["lanes"] = _lanes(request, resolved, columns)
            total = sum(lane.count for lane in context["lanes"])
        else:
            result = services.list_page(source, state, user, page)
            rows = tables.build_rows(source, columns, result.rows)
            if state.group_by:
                tables.mark_groups(rows, result.groups, state.group_by)
            context.update({"page": result, "rows": rows})
            total = result.count
            context["page_links"] = _page_links(resolved, result)
            context["sort_links"] = _sort_links(resolved, columns)
    except ValidationError as exc:
        context["errors"] = [*resolved.errors, *exc.messages]
        total = 0
    context["total"] = total
    if not total:
        context.update(_empty_state(request, resolved))
    context.update(_toolbar(request, resolved))
    return context


def _lanes(request: AuthedRequest, resolved: Resolved, columns) -> list:
    source, state = resolved.source, resolved.state
    lanes = services.kanban_lanes(source, state, request.user)
    card_paths = [p for p in (source.card_columns or state.columns) if source.column(p)]
    card_columns = [
        column
        for p in card_paths
        if p not in (source.title_path, source.kanban_path) and (column := source.column(p))
    ][:3]
    card_plans = tables.plans(source, card_columns)
    editable = _kanban_editable(source)
    move_url = tables.RowUrl("savedviews:row_move", source.key)
    for lane in lanes:
        lane.key = "" if lane.value is None else str(lane.value)
    for lane in lanes:
        # The lanes a card can move to, the same for every card of a lane: written once.
        lane.move_options = tables.lane_options(lanes, lane.key)
        lane.cards = [
            {
                "obj": obj,
                "pk": obj.pk,
                "title": tables.title_of(source, obj),
                "url": source.detail_url(obj) if source.detail_url else "",
                "lines": tables.card_lines(source, card_columns, obj, card_plans),
                "may_change": bool(getattr(obj, "_may_change", False)) and editable,
                "move_url": move_url(obj.pk),
            }
            for obj in lane.cards
        ]
        assert source.kanban_path is not None  # kanban_lanes refuses a list without one
        lane_filter = (
            Condition(source.kanban_path, "eq", lane.key)
            if lane.value is not None
            else Condition(source.kanban_path, "empty", None)
        )
        table_state = replace(state, layout="table", filters=(*state.filters, lane_filter))
        lane.more_url = resolved.url(table_state)
    return lanes


def _kanban_editable(source: ListSource) -> bool:
    column = source.column(source.kanban_path) if source.kanban_path else None
    return bool(column and column.editable and source.update)


def _page_links(resolved: Resolved, page) -> dict:
    return {
        "previous": resolved.url(page=page.number - 1) if page.has_previous else "",
        "next": resolved.url(page=page.number + 1) if page.has_next else "",
    }


def _sort_links(resolved: Resolved, columns) -> list[dict]:
    state = resolved.state
    primary = state.sort[0] if state.sort else ""
    links = []
    for column in columns:
        if not column.sortable:
            links.append({"column": column, "url": "", "direction": ""})
            continue
        if primary == column.path:
            target, direction = f"-{column.path}", "ascending"
        elif primary == f"-{column.path}":
            target, direction = column.path, "descending"
        else:
            target, direction = column.path, ""
        links.append(
            {
                "column": column,
                "url": resolved.url(replace(state, sort=(target,))),
                "direction": direction,
            }
        )
    return links


def _empty_state(request: AuthedRequest, resolved: Resolved) -> dict:
    """What an empty list says: which filters to relax, or what belongs here."""
    state = resolved.state
    narrowed = bool(state.filters or state.q)
    relax = []
    for i, condition in enumerate(state.filters):
        column = resolved.source.column(condition.field)
        fewer = replace(state, filters=state.filters[:i] + state.filters[i + 1 :])
        relax.append(
            {
                "label": column.label if column else condition.field,
                "operator": filters.OPERATOR_LABELS.get(condition.op, condition.op),
                "value": ", ".join(condition.value)
                if isinstance(condition.value, list)
                else (condition.value or ""),
                "url": resolved.url(fewer),
            }
        )
    return {
        "narrowed": narrowed,
        "relax": relax,
        "clear_search_url": resolved.url(replace(state, q="")) if state.q else "",
        "clear_all_url": resolved.url(replace(state, q="", filters=())),
        "create_url": resolved.source.create_url() if resolved.source.create_url else "",
    }


def _toolbar(request: AuthedRequest, resolved: Resolved) -> dict:
    source, state, user = resolved.source, resolved.state, request.user
    mine, shared = services.views_for_picker(user, source.key)
    chosen = [source.column(p) for p in state.columns]
    others = [c for c in source.columns if c.path not in state.columns]
    sort_options = []
    for column in source.columns:
        if column.sortable:
            sort_options.append((column.path, column.label, "asc"))
            sort_options.append((f"-{column.path}", column.label, "desc"))
    teams = list(services.teams_of(user).order_by("name"))
    may_change = bool(resolved.view and services.may_change_view(user, resolved.view))
    rename_teams = teams
    if may_change and resolved.view is not None and resolved.view.owner_id != user.pk:
        # An admin tidying someone's view re-shares it among the owner's teams only.
        rename_teams = list(services.teams_of(resolved.view.owner).order_by("name"))
    return {
        "my_views": mine,
        "team_views": shared,
        "column_choices": [(c, True) for c in chosen] + [(c, False) for c in others],
        "filter_rows": [
            _filter_row_context(source, i, c.field, c.op, c.value, user)
            for i, c in enumerate(state.filters)
        ],
        "filterable": [c for c in source.columns if c.filterable],
        "sort_value": ",".join(state.sort),
        "sort_options": sort_options,
        "sort_known": ",".join(state.sort) in {value for value, _label, _dir in sort_options},
        "groupable": [c for c in source.columns if c.groupable],
        "layouts": [lay for lay in LAYOUTS if lay == "table" or source.kanban_path],
        "page_sizes": sorted({*PAGE_SIZES, state.page_size}),
        "teams": teams,
        "rename_teams": rename_teams,
        "may_change_view": may_change,
        "create_button": source.create_url()
        if source.create_label
        and source.create_url
        and (source.may_create is None or source.may_create(user))
        else "",
        "export_csv": reverse("savedviews:export_csv", args=[source.key])
        + (f"?{resolved.query()}" if resolved.query() else ""),
        "export_xlsx": reverse("savedviews:export_xlsx", args=[source.key])
        + (f"?{resolved.query()}" if resolved.query() else ""),
    }


def _filter_row_context(
    source: ListSource, index: int, path: str, op: str, value: Any, user: User | None = None
) -> dict:
    """One row of the filter builder: field, operator and the value input(s) its kind needs."""
    column = source.column(path)
    if column is None or not column.filterable:
        column = next((c for c in source.columns if c.filterable), None)
        if column is None:
            raise Http404  # a list with nothing to filter on has no filter builder
    operators = filters.operators_for(column)
    if op not in dict(operators):
        op = operators[0][0]
    values = value if isinstance(value, list) else ([] if value is None else [value])
    return {
        "i": index,
        "column": column,
        "op": op,
        "operators": operators,
        "values": values,
        "value": values[0] if values else "",
        "value2": values[1] if len(values) > 1 else "",
        "value_text": filters.join_list(values) if op == "in" else (values[0] if values else ""),
        "choices": _value_choices(source, column, user),
        "needs_value": op not in filters.NO_VALUE_OPS,
    }


def _value_choices(source: ListSource, column, user: User | None) -> list:
    """Values the builder offers in a list: a choice column's choices; for a person column
    that is a foreign key, "me" and the people the viewer may see."""
    if column.kind == "choice":
        return filters.choices_of(source, column)
    people = services.user_choices(source, column, user)
    return [(filters.ME, _("Me")), *people] if people else []


@login_required
@require_GET
def filter_row(request: AuthedRequest, source: str) -> HttpResponse:
    """One filter-builder row (added, or redrawn when its field or operator changes)."""
    list_source = _source(source)
    raw = request.GET.get("i", "")
    index = int(raw) if raw.isdigit() else 100 + secrets.randbelow(10**6)
    path = request.GET.get(f"f{index}_field") or next(
        (c.path for c in list_source.columns if c.filterable), ""
    )
    if not path:
        raise Http404
    op = request.GET.get(f"f{index}_op", "")
    chosen = request.GET.getlist(f"f{index}_value")
    value: Any = chosen if len(chosen) > 1 else (chosen[0] if chosen else "")
    if op == "between":
        value = [request.GET.get(f"f{index}_value", ""), request.GET.get(f"f{index}_value2", "")]
    return render(
        request,
        "savedviews/_filter_row.html",
        {
            "source": list_source,
            "row": _filter_row_context(list_source, index, path, op, value, request.user),
            "filterable": [c for c in list_source.columns if c.filterable],
        },
    )


# --- Saving views ----------------------------------------------------------------------------


def _state_from_post(request: AuthedRequest, source: ListSource, view: SavedView | None):
    """The state a form carried as the page's query string (``state``)."""
    params = QueryDict(request.POST.get("state", ""), mutable=True)
    if view is not None:
        params["view"] = str(view.pk)
    else:
        params.pop("view", None)
    return Resolved(request, source, params)


@login_required
@require_POST
def view_create(request: AuthedRequest, source: str) -> HttpResponse:
    """Save the current state as a new view (personal, or shared with one of my teams)."""
    list_source = _source(source)
    form = SaveViewForm(request.POST, user=request.user)
    base_id = QueryDict(request.POST.get("state", "")).get("view", "")
    base_view = None
    if base_id.isdigit():
        base_view = SavedView.objects.visible_to(request.user).filter(pk=int(base_id)).first()
    resolved = _state_from_post(request, list_source, base_view)
    back = resolved.url()
    if not form.is_valid():
        messages.error(
            request, _("The view was not saved: %(errors)s") % {"errors": _form_errors(form)}
        )
        return redirect(back)
    if resolved.errors:
        messages.error(request, " ".join(resolved.errors))
        return redirect(back)
    try:
        view = services.do_create_view(
            source=list_source.key,
            name=form.cleaned_data["name"],
            config=resolved.state.config(),
            owner=request.user,
            shared_with_team=form.cleaned_data["shared_with_team"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    # The new view is the base now: the URL names it (and keeps the search text, if any).
    query = canonical_query(resolved.state, resolved.state, view.pk)
    return redirect(_list_url(list_source, query))


def _changeable_view(request: AuthedRequest, source: ListSource, pk: int) -> SavedView:
    from beachhead.core.access import Action

    return get_object_or_404(
        SavedView.objects.visible_to(request.user, Action.CHANGE).filter(source=source.key),
        pk=pk,
    )


def _view_action(
    action: Callable[[AuthedRequest, ListSource, SavedView], HttpResponse],
) -> Callable[[AuthedRequest, str, int], HttpResponse]:
    """A POST on one saved view (``<source>/views/<pk>/…``) that the user may change: the
    action is given the list source and the view."""

    @login_required
    @require_POST
    @wraps(action)
    def view(request: AuthedRequest, source: str, pk: int) -> HttpResponse:
        list_source = _source(source)
        return action(request, list_source, _changeable_view(request, list_source, pk))

    return view


@_view_action
def view_save(request: AuthedRequest, list_source: ListSource, view: SavedView) -> HttpResponse:
    """Overwrite a view's configuration with the page's current state."""
    resolved = _state_from_post(request, list_source, view)
    if resolved.errors:
        messages.error(request, " ".join(resolved.errors))
        return redirect(resolved.url())
    services.do_update_view(view, actor=request.user, config=resolved.state.config())
    messages.success(request, _("View “%(name)s” updated.") % {"name": view.name})
    return redirect(view.get_absolute_url())


@_view_action
def view_rename(request: AuthedRequest, list_source: ListSource, view: SavedView) -> HttpResponse:
    form = RenameViewForm(request.POST, user=view.owner)
    if not form.is_valid():
        messages.error(request, _("Not renamed: %(errors)s") % {"errors": _form_errors(form)})
    else:
        try:
            services.do_update_view(
                view,
                actor=request.user,
                name=form.cleaned_data["name"],
                shared_with_team=form.cleaned_data["shared_with_team"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("View renamed to “%(name)s”.") % {"name": view.name})
    return redirect(view.get_absolute_url())


@_view_action
def view_delete(request: AuthedRequest, list_source: ListSource, view: SavedView) -> HttpResponse:
    name = view.name
    services.do_delete_view(view, actor=request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
    return redirect(_list_url(list_source))


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Inline edit and the board ---------------------------------------------------------------


def _cell_context(source: ListSource, obj, path: str, **extra) -> dict:
    column = source.column(path)
    if column is None:
        raise Http404
    cell = tables.build_cell(source, column, obj)
    first = extra.pop("first", False)
    url = source.detail_url(obj) if source.detail_url else ""
    return {
        "source": source,
        "row_pk": obj.pk,
        "cell": cell,
        "cell_html": tables.cell_html(cell, obj.pk, url, first),
        "first": first,
        "url": url,
        **extra,
    }


def _editable_cell(
    request: AuthedRequest, source: ListSource, pk: str, path: str
) -> tuple[Column, Any]:
    """The column and the row of a cell the user may edit; 404 for a column that is not
    editable and for a row not visible, or visible but not changeable (the same answer)."""
    try:
        column = services.editable_column(source, path)
    except ValidationError:
        raise Http404 from None
    obj = services.changeable_row(source, request.user, pk)
    if obj is None:
        raise Http404
    return column, obj


@login_required
@require_http_methods(["GET", "POST"])
def cell(request: AuthedRequest, source: str, pk: str, path: str) -> HttpResponse:
    """GET: the cell as shown. POST: save an inline edit through the source's update service
    (only on rows the user may change), then show the cell, or the input with the error."""
    list_source = _source(source)
    first = request.GET.get("first") == "1" or request.POST.get("first") == "1"
    if request.method == "GET":
        obj = services.refetch(list_source, request.user, pk)
        if obj is None:
            raise Http404
        return render(
            request, "savedviews/_cell.html", _cell_context(list_source, obj, path, first=first)
        )
    column, obj = _editable_cell(request, list_source, pk, path)
    raw = request.POST.get("value", "")
    try:
        services.do_inline_update(list_source, obj, path, raw, request.user)
    except ValidationError as exc:
        return render(
            request,
            "savedviews/_cell_edit.html",
            {
                **_cell_context(list_source, obj, path, first=first),
                "column": column,
                "raw": raw,
                "error": " ".join(exc.messages),
                "choices": _edit_choices(list_source, column, request.user),
            },
        )
    fresh = services.refetch(list_source, request.user, pk)
    if fresh is None:  # the edit moved the row out of the user's sight
        return HttpResponse("<td class='text-secondary'>—</td>")
    return render(
        request, "savedviews/_cell.html", _cell_context(list_source, fresh, path, first=first)
    )


@login_required
@require_GET
def cell_edit(request: AuthedRequest, source: str, pk: str, path: str) -> HttpResponse:
    """The input that replaces a cell when the user edits it."""
    list_source = _source(source)
    column, obj = _editable_cell(request, list_source, pk, path)
    context = _cell_context(list_source, obj, path, first=request.GET.get("first") == "1")
    return render(
        request,
        "savedviews/_cell_edit.html",
        {
            **context,
            "column": column,
            "raw": tables.edit_value(column, context["cell"].value),
            "choices": _edit_choices(list_source, column, request.user),
        },
    )


def _edit_choices(source: ListSource, column, user: User) -> list:
    if column.kind == "user":
        people = services.user_choices(source, column, user)
        return [("", "—"), *people] if people else []
    return filters.choices_of(source, column)


@login_required
@require_POST
def row_move(request: AuthedRequest, source: str, pk: str) -> HttpResponse:
    """Move a card to another lane: the inline edit of the source's ``kanban_path``; answers
    with the board redrawn for the page's state."""
    list_source = _source(source)
    if not list_source.kanban_path or not _kanban_editable(list_source):
        raise Http404
    obj = services.changeable_row(list_source, request.user, pk)
    if obj is None:
        raise Http404
    error = ""
    try:
        services.do_inline_update(
            list_source, obj, list_source.kanban_path, request.POST.get("value", ""), request.user
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    params = QueryDict(request.POST.get("state", ""), mutable=True)
    resolved = Resolved(request, list_source, params)
    if error:
        resolved.errors.append(error)
    context = _context(request, resolved)
    return render(request, "savedviews/_app.html", context)


# --- Exports ---------------------------------------------------------------------------------


def _export(
    write: Callable[[AuthedRequest, ListSource, Resolved], HttpResponseBase],
) -> Callable[[AuthedRequest, str], HttpResponseBase]:
    """A download of a list as the query string filters and sorts it; a query that does not
    read sends the user back to the page with its errors."""

    @login_required
    @require_GET
    @wraps(write)
    def view(request: AuthedRequest, source: str) -> HttpResponseBase:
        list_source = _source(source)
        resolved = Resolved(request, list_source, request.GET)
        if resolved.errors:
            messages.error(request, " ".join(resolved.errors))
            return redirect(resolved.url())
        return write(request, list_source, resolved)

    return view


def _attachment(response: HttpResponseBase, source: ListSource, ext: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{export.filename(source, ext)}"'
    return response


@_export
def export_csv(
    request: AuthedRequest, list_source: ListSource, resolved: Resolved
) -> HttpResponseBase:
    response = StreamingHttpResponse(
        export.csv_lines(list_source, resolved.state, request.user),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, list_source, "csv")


@_export
def export_xlsx(
    request: AuthedRequest, list_source: ListSource, resolved: Resolved
) -> HttpResponseBase:
    try:
        content = export.xlsx_bytes(list_source, resolved.state, request.user)
    except export.ExportTooLarge as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(resolved.url())
    response = HttpResponse(content, content_type=export.XLSX_MIME)
    response["Content-Length"] = str(len(content))  # the page's progress bar reads it
    return _attachment(response, list_source, "xlsx")
