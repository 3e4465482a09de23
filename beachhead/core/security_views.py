"""Preferences → Security: change your password, see and end your sessions, make and revoke
API tokens; and an administrator's "sign out everywhere" on a person's settings page. Thin
views over ``core.sessions`` and ``core.tokens``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from beachhead.core import sessions, tokens
from beachhead.core.http import AuthedRequest
from beachhead.core.models import ApiToken, User, UserSession
from beachhead.core.roles import Operation, operation_required


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    expires = forms.ChoiceField(
        label=gettext_lazy("Expires after"),
        choices=[(str(days or "never"), label) for days, label in tokens.EXPIRY_CHOICES],
        initial="90",
    )

    def expires_in_days(self) -> int | None:
        value = self.cleaned_data["expires"]
        return None if value == "never" else int(value)


# Password ------------------------------------------------------------------------------------


@login_required
@never_cache
def password(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid():
        sessions.do_change_password(request, form)
        messages.success(
            request,
            _(
                "Your password is changed. Your other sessions are signed out and your API "
                "tokens are revoked: make new ones where you need them."
            ),
        )
        return redirect("core:security_sessions")
    return render(request, "core/security/password.html", {"form": form})


# Sessions ------------------------------------------------------------------------------------


@login_required
@never_cache
def sessions_page(request: AuthedRequest) -> HttpResponse:
    current = request.session.session_key
    rows = []
    for row in sessions.active(request.user):
        rows.append(
            {
                "row": row,
                "device": sessions.device(row.user_agent),
                "current": row.session_key == current,
            }
        )
    rows.sort(key=lambda r: not r["current"])  # this session first
    return render(
        request,
        "core/security/sessions.html",
        {
            "sessions": rows,
            "others": sum(1 for r in rows if not r["current"]),
            "session_hours": max(1, settings.SESSION_COOKIE_AGE // 3600),
            "idle_hours": max(1, settings.BEACHHEAD_SESSION_IDLE_MINUTES // 60),
        },
    )


@login_required
@require_POST
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    if row.session_key == request.session.session_key:
        messages.info(request, _("To end this session, sign out."))
    else:
        sessions.end(request.user, row.session_key)
        messages.success(request, _("That session is signed out."))
    return redirect("core:security_sessions")


@login_required
@require_POST
def sessions_end_others(request: AuthedRequest) -> HttpResponse:
    ended = sessions.end_all(request.user, keep=request.session.session_key)
    messages.success(
        request,
        ngettext(
            "%(n)s other session is signed out.", "%(n)s other sessions are signed out.", ended
        )
        % {"n": ended},
    )
    return redirect("core:security_sessions")


@login_required
@operation_required(Operation.MANAGE_USERS)
@require_POST
def person_sessions_end(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        ended = sessions.do_end_sessions_of(
            person,
            request.user,
            remote_addr=sessions.client_ip(request),
            keep=request.session.session_key,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(name)s is signed out of %(n)s session.",
                "%(name)s is signed out of %(n)s sessions.",
                ended,
            )
            % {"name": person, "n": ended},
        )
    return redirect("core:settings_person", pk=person.pk)


# API tokens ----------------------------------------------------------------------------------


@login_required
@never_cache
def tokens_page(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = tokens.do_create_token(
                request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.expires_in_days(),
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {"name": exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The key is shown on this response only (never stored, never redirected with).
            form = TokenForm()
    return render(
        request,
        "core/security/tokens.html",
        {
            "form": form,
            "tokens": list(tokens.of(request.user)),
            "created": created[0] if created else None,
            "key": created[1] if created else "",
            "now": timezone.now(),
        },
        status=200 if request.method == "GET" or created else 400,
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.do_revoke_token(token, request.user)
    messages.success(
        request, _("Token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("core:security_tokens")
