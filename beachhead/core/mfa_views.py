"""Pages of two-factor sign-in: the code step after the password, the user's own setup page
(QR code, recovery codes, turning it off) and the administrator's policy page. Thin: the rules
are in ``core.mfa``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from beachhead.core import mfa
from beachhead.core.http import AuthedRequest
from beachhead.core.models import User
from beachhead.core.roles import Operation, Role, operation_required


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The password step. A person with an authenticator app is not signed in yet: they are
    held (``mfa.hold_pending``) and sent to the code step."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not mfa.has_mfa(user):
            return super().form_valid(form)
        session = self.request.session
        # A new session key: the half-signed-in state never reuses one an attacker could know.
        session.cycle_key()
        mfa.hold_pending(session, user, getattr(user, "backend", ""), self.get_redirect_url() or "")
        return redirect("mfa_verify")


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The code step: six digits from the app, or a recovery code. For a person held after
    their password, or a signed-in session that has not entered a code yet."""
    held = mfa.pending(request.session)
    user: User | None
    if request.user.is_authenticated:
        user = request.user
        if mfa.is_verified(request.session) or not mfa.has_mfa(user):
            return redirect(_safe_next(request, request.GET.get("next", "")))
        next_url = request.GET.get("next", "") or request.POST.get("next", "")
    elif held:
        user = User.objects.filter(pk=held["user"], is_active=True).first()
        next_url = held.get("next", "")
    else:
        user = None
    if user is None:
        mfa.drop_pending(request.session)
        messages.info(request, _("Your sign-in took too long. Please sign in again."))
        return redirect("login")
    if (
        not request.user.is_authenticated
        and user.language
        and "django_language" not in request.COOKIES
    ):
        # Half signed in: the page speaks the language the person chose in their preferences.
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
    error = ""
    if request.method == "POST":
        check = mfa.check_code(user, request.POST.get("code", ""))
        if check.device is not None:
            if not request.user.is_authenticated:
                mfa.drop_pending(request.session)
                auth.login(request, user, backend=held["backend"] if held else None)
            mfa.mark_verified(request.session)
            if check.device.__class__.__name__ == "StaticDevice":
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(count)s are left. "
                        "Make new ones on your security page if you are running low."
                    )
                    % {"count": left},
                )
            return redirect(_safe_next(request, next_url))
        error = check.error
    return render(
        request,
        "registration/mfa_verify.html",
        {"error": error, "pending_user": user, "next": next_url},
        status=400 if error else 200,
    )


# --- The user's own page ---------------------------------------------------------------------


@login_required
@never_cache
def overview(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/security/mfa.html", {"status": mfa.status(request.user)})


@login_required
@never_cache
def setup(request: AuthedRequest) -> HttpResponse:
    """Scan the QR code (or type the key), enter a code: the app is on."""
    if mfa.has_mfa(request.user):
        return redirect("core:mfa")
    device = mfa.do_start_totp(request.user)
    error = ""
    if request.method == "POST":
        try:
            codes = mfa.do_confirm_totp(request.user, request.POST.get("code", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            mfa.mark_verified(request.session)
            mfa.keep_fresh_codes(request.session, codes)
            messages.success(request, _("Two-factor sign-in is on."))
            target = reverse("core:mfa_codes")
            next_url = request.POST.get("next", "")
            if next_url:
                target += "?" + urlencode({"next": next_url})
            return redirect(target)
    return render(
        request,
        "core/security/mfa_setup.html",
        {
            "qr": mark_safe(mfa.qr_svg(device)),  # noqa: S308 - our own SVG from qrcode
            "secret": mfa.secret(device),
            "error": error,
            "status": mfa.status(request.user),
            "next": request.GET.get("next", ""),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
        status=400 if error else 200,
    )


@login_required
@never_cache
def codes(request: AuthedRequest) -> HttpResponse:
    """The recovery codes just made, once: shown until the person says they kept them."""
    fresh = mfa.fresh_codes(request.session)
    if request.method == "POST":
        mfa.forget_fresh_codes(request.session)
        next_url = request.POST.get("next", "")
        return redirect(_safe_next(request, next_url) if next_url else reverse("core:mfa"))
    if not fresh:
        return redirect("core:mfa")
    return render(
        request,
        "core/security/mfa_codes.html",
        {"codes": fresh, "next": request.GET.get("next", "")},
    )


@login_required
@never_cache
def codes_download(request: AuthedRequest) -> HttpResponse:
    fresh = mfa.fresh_codes(request.session)
    if not fresh:
        return redirect("core:mfa")
    lines = [
        _("%(company)s recovery codes for %(username)s")
        % {"company": settings.BEACHHEAD_COMPANY_NAME, "username": request.user.username},
        _("Each code signs you in once, when your phone is not at hand. Keep them safe."),
        "",
        *fresh,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@login_required
@require_POST
def regenerate(request: AuthedRequest) -> HttpResponse:
    try:
        fresh = mfa.do_regenerate_recovery_codes(request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:mfa")
    mfa.keep_fresh_codes(request.session, fresh)
    messages.success(request, _("New recovery codes are ready; the old ones no longer work."))
    return redirect("core:mfa_codes")


@login_required
@require_POST
def remove(request: AuthedRequest) -> HttpResponse:
    try:
        mfa.do_remove_mfa(
            request.user,
            code=request.POST.get("code", ""),
            password=request.POST.get("password", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:mfa")
    request.session.pop(mfa.SESSION_VERIFIED, None)
    if mfa.is_required(request.user):
        messages.warning(
            request,
            _("Two-factor sign-in is off. Your role requires it: set up your new phone now."),
        )
        return redirect("core:mfa_setup")
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("core:mfa")


# --- Administrators --------------------------------------------------------------------------


@login_required
@operation_required(Operation.MANAGE_USERS)
def policy(request: AuthedRequest) -> HttpResponse:
    """Which roles must use two-factor sign-in, and how many of each have set it up."""
    if request.method == "POST":
        try:
            mfa.do_set_required_roles(request.POST.getlist("roles"), request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("core:settings_security")
    required = mfa.required_roles()
    people = dict(
        User.objects.filter(is_active=True)
        .values("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    enrolled = dict(
        TOTPDevice.objects.filter(confirmed=True, user__is_active=True)
        .values("user__role")
        .annotate(n=Count("user", distinct=True))
        .values_list("user__role", "n")
    )
    rows = [
        {
            "value": value,
            "label": label,
            "required": value in required,
            "people": people.get(value, 0),
            "enrolled": enrolled.get(value, 0),
        }
        for value, label in Role.choices
    ]
    return render(
        request,
        "core/settings/security.html",
        {"rows": rows, "enforced": mfa.enforced()},
    )


@login_required
@operation_required(Operation.MANAGE_USERS)
@require_POST
def reset_person(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    done = mfa.do_reset_mfa(person, request.user)
    if done:
        messages.success(
            request,
            _(
                "Two-factor sign-in of %(name)s is reset. They set it up again when they next sign in."
            )
            % {"name": person.display_name},
        )
    else:
        messages.info(
            request, _("%(name)s had no two-factor sign-in.") % {"name": person.display_name}
        )
    return redirect("core:settings_person", pk=person.pk)
