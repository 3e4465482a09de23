"""The in-app inbox: notices about promises at risk, breaches and escalations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from beachhead.core.access import scoped
from beachhead.core.http import AuthedRequest
from beachhead.core.models import Notification, User


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    qs = scoped(Notification, request.user).order_by("-created_at", "-pk")
    show = request.GET.get("show", "unread")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "show": show})


@login_required
@require_POST
def open_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark a notice read and go where it points."""
    notice = get_object_or_404(scoped(Notification, request.user), pk=pk)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    target = (
        notice.url
        if notice.url
        and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
        else "core:inbox"
    )
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    scoped(Notification, request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:inbox")


def unread_count(user: User) -> int:
    return scoped(Notification, user).filter(read_at__isnull=True).count()
