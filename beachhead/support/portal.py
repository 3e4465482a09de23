"""The customer's pages: the public web form, the portal (one-time e-mail links) and the
satisfaction survey. No staff login: a portal contact is not a Django user, their session
holds only ``portal_contact_id``. The rules live in ``services/portal.py``; these views parse
input and render the customer's design (``support/portal/base.html``).

Sign-in links open a page with a "Sign in" button and only the button (a POST) uses the link:
mail scanners that fetch every link in a message (common at large companies) would otherwise
use up the one-time link before the customer clicks it.
"""

from __future__ import annotations

import logging
import time
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beachhead.core.forms import StyledForm
from beachhead.core.http import base_url, client_ip
from beachhead.markets.vocabulary import COMPLIANCE, label
from beachhead.support.models import Message, Priority, Ticket
from beachhead.support.services import portal as rules

log = logging.getLogger(__name__)

SENT_KEY = "support_web_form_sent"
LINK_KEY = "portal_link_requested"
TZ_KEY = "portal_tz"


# --- Forms ------------------------------------------------------------------------------------


def _language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


def _priority_choices(allowed):
    labels = dict(Priority.choices)
    return [(value, labels[value]) for value in allowed]


def _required_text(value: str, error: str, one_line: bool = False) -> str:
    """``value`` without the white space around it (``one_line``: with its runs of white space,
    line breaks included, made single spaces); ``error`` when nothing is left."""
    value = " ".join(value.split()) if one_line else value.strip()
    if not value:
        raise ValidationError(error)
    return value


class RequestForm(StyledForm):
    """What every request has: a subject, a description, a priority and a language."""

    subject = forms.CharField(
        label=pgettext_lazy("request", "Subject"), max_length=rules.SUBJECT_MAX
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy(
            "What happened, what you expected, and since when. Error messages help us most."
        ),
    )
    priority = forms.ChoiceField(label=gettext_lazy("Priority"))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of our answer"), choices=_language_choices
    )

    def __init__(self, *args, priorities=rules.PUBLIC_PRIORITIES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = _priority_choices(priorities)
        self.fields["priority"].initial = Priority.NORMAL

    def clean_subject(self):
        error = _("Please give your request a subject.")
        return _required_text(self.cleaned_data["subject"], error, one_line=True)

    def clean_description(self):
        return _required_text(self.cleaned_data["description"], _("Please describe your request."))


class WebForm(RequestForm):
    autocomplete = {"name": "name", "email": "email", "company": "organization"}
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=rules.NAME_MAX)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        help_text=gettext_lazy("We answer by e-mail."),
    )
    company = forms.CharField(
        label=gettext_lazy("Company"), max_length=rules.NAME_MAX, required=False
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)
    tz = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["name", "email", "company", "subject", "description", "priority", "language"]

    def clean_name(self):
        error = _("Please tell us your name.")
        return _required_text(self.cleaned_data["name"], error, one_line=True)


class EmailForm(StyledForm):
    autocomplete = {"email": "email"}
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)


class ReplyForm(StyledForm):
    text = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_text(self):
        return _required_text(self.cleaned_data["text"], _("Write something first."))


class SurveyForm(StyledForm):
    rating = forms.ChoiceField(
        choices=[("good", gettext_lazy("Good")), ("bad", gettext_lazy("Bad"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you would like to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- Helpers ----------------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str:
    return client_ip(request)


def _contact(request: HttpRequest):
    """The signed-in portal contact, or None (a contact deleted since is signed out)."""
    if not hasattr(request, "_portal_contact"):
        contact = rules.contact_for_session(request.session.get(rules.SESSION_KEY))
        if contact is None and rules.SESSION_KEY in request.session:
            del request.session[rules.SESSION_KEY]
        request._portal_contact = contact  # type: ignore[attr-defined]  # once per request
    return request._portal_contact  # type: ignore[attr-defined]


def _prefer_language(request: HttpRequest, code: str) -> None:
    """Speak the customer's known language unless they picked one with the switcher."""
    code = (code or "").lower()
    if code.startswith("zh"):
        code = "zh-hans"
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or code not in dict(settings.LANGUAGES):
        return
    translation.activate(code)
    request.LANGUAGE_CODE = code


def _page(request: HttpRequest, template: str, context: dict | None = None, status: int = 200):
    contact = _contact(request)
    base = {
        "company": settings.BEACHHEAD_COMPANY_NAME,
        "support_email": settings.BEACHHEAD_SUPPORT_EMAIL,
        "certificates": [
            label(COMPLIANCE, code.strip())
            for code in settings.BEACHHEAD_CERTIFICATES_HELD
            if code.strip()
        ],
        "portal_contact": contact,
        "http_status": status,  # the pretitle of the notice pages
    }
    return render(request, f"support/portal/{template}", {**base, **(context or {})}, status=status)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _page(request, "not_found.html", status=404)


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = _page(request, "rate_limited.html", status=429)
    response["Retry-After"] = str(max(1, retry_after))
    return response


def _post_data(request: HttpRequest):
    """The POST data, or None when it is larger than the server accepts."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def _too_large_error() -> str:
    return _(
        "Your message is too large for this form (at most %(count)s characters). "
        "Please shorten it, or send it by e-mail with the details as an attachment."
    ) % {"count": f"{rules.TEXT_MAX:,}"}


# --- The web form -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def web_form(request: HttpRequest) -> HttpResponse:
    initial = {"language": request.LANGUAGE_CODE, "priority": Priority.NORMAL}
    if request.method == "GET":
        form = WebForm(initial={**initial, "stamp": rules.form_stamp()})
        return _page(request, "web_form.html", {"form": form})
    ip = _ip(request)
    wait = rules.web_form_wait(ip)
    if wait:
        return _too_many(request, wait)
    data = _post_data(request)
    if data is None:
        form = WebForm(initial={**initial, "stamp": rules.form_stamp()})
        return _page(
            request, "web_form.html", {"form": form, "too_large": _too_large_error()}, status=413
        )
    if data.get("website_url"):  # the honeypot: people never see it, bots fill everything
        rules.count_web_form(ip)
        log.info("web form: honeypot filled; dropped")
        return _page(request, "web_form_sent.html", {"ticket": None})
    form = WebForm(data)
    valid = form.is_valid()
    if not _stamp_ok(form, data, ip):
        valid = False
    if valid:
        cleaned = form.cleaned_data
        try:
            ticket = rules.do_submit_web_form(
                name=cleaned["name"],
                email=cleaned["email"],
                company=cleaned["company"],
                subject=cleaned["subject"],
                description=cleaned["description"],
                priority=cleaned["priority"],
                language=cleaned["language"],
                ip=ip,
            )
        except rules.RateLimited as exc:
            return _too_many(request, exc.retry_after)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[SENT_KEY] = {
                "ticket": ticket.pk,
                "tz": rules.valid_timezone(cleaned.get("tz", "")),
            }
            return redirect("support:web_form_sent")
    # Shown again with a fresh stamp: a person reads the errors for longer than the minimum.
    data = cast(QueryDict, form.data).copy()  # the POST
    data["stamp"] = rules.form_stamp()
    form.data = data
    return _page(request, "web_form.html", {"form": form})


def _stamp_ok(form: WebForm, data: QueryDict, ip: str) -> bool:
    """Whether the form's stamp shows a person filled it (not too fast, not stale); if not,
    the form says why, and a form sent too fast counts against the address."""
    try:
        rules.check_form_stamp(data.get("stamp", ""))
    except ValidationError as exc:
        if exc.code == "too_fast":
            rules.count_web_form(ip)
        form.add_error(None, exc)
        return False
    return True


def web_form_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SENT_KEY) or {}
    ticket = (
        Ticket.objects.select_related("market", "requester").filter(pk=sent["ticket"]).first()
        if sent.get("ticket")
        else None
    )
    if ticket is None:
        return redirect("support:web_form")
    tz = rules.customer_timezone(ticket=ticket, browser_tz=sent.get("tz", ""))
    return _page(
        request,
        "web_form_sent.html",
        {
            "ticket": ticket,
            "due": rules.local_time(rules.first_reply_due(ticket), tz),
            "priority_label": ticket.get_priority_display(),
            "basis": rules.commitment_basis(ticket),
        },
    )


# --- The portal: signing in and out -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def portal(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    if request.method == "GET" and contact is not None:
        return _home(request, contact)
    if request.method == "GET":
        requested = request.session.get(LINK_KEY)
        if requested and request.GET.get("again"):
            del request.session[LINK_KEY]
            requested = None
        if requested and time.time() - requested.get("at", 0) > rules.TOKEN_LIFETIME.seconds:
            requested = None
        return _page(request, "sign_in.html", {"form": EmailForm(), "requested": requested})
    data = _post_data(request)
    form = EmailForm(data or None)
    if form.is_valid():
        try:
            rules.do_send_link(
                form.cleaned_data["email"],
                ip=_ip(request),
                language=request.LANGUAGE_CODE,
                base=base_url(request),
            )
        except rules.RateLimited as exc:
            return _too_many(request, exc.retry_after)
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            request.session[LINK_KEY] = {"email": form.cleaned_data["email"], "at": time.time()}
            return redirect("support:portal")
    return _page(request, "sign_in.html", {"form": form, "requested": None})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        check = rules.check_token(token)
        if check.state != "valid" or check.token is None:
            status = 404 if check.state == "invalid" else 410
            return _page(request, "sign_in_failed.html", {"state": check.state}, status=status)
        _prefer_language(request, check.token.contact.language)
        return _page(request, "sign_in_confirm.html", {"contact": check.token.contact})
    try:
        contact = rules.do_sign_in(token)
    except ValidationError as exc:
        status = 404 if exc.code == "invalid" else 410
        return _page(request, "sign_in_failed.html", {"state": exc.code}, status=status)
    # A new session key and CSRF token: whatever was planted before sign-in is worthless after.
    request.session.cycle_key()
    rotate_token(request)
    request.session[rules.SESSION_KEY] = contact.pk
    request.session[TZ_KEY] = rules.valid_timezone(request.POST.get("tz", ""))
    request.session.pop(LINK_KEY, None)
    return redirect("support:portal")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    for key in (rules.SESSION_KEY, TZ_KEY, LINK_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()
    messages.success(request, _("You are signed out."))
    return redirect("support:portal")


# --- The portal: requests ---------------------------------------------------------------------


def _signed_in(view):
    """Portal pages for a signed-in contact; anyone else goes to the sign-in form."""

    def wrapped(request: HttpRequest, *args, **kwargs):
        contact = _contact(request)
        if contact is None:
            return redirect("support:portal")
        _prefer_language(request, contact.language)
        return view(request, contact, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _tz(request: HttpRequest, contact, ticket=None) -> str:
    return rules.customer_timezone(
        contact=contact, ticket=ticket, browser_tz=request.session.get(TZ_KEY, "")
    )


def _home(request: HttpRequest, contact) -> HttpResponse:
    _prefer_language(request, contact.language)
    tz = _tz(request, contact)
    tickets = (
        rules.tickets_for_contact(contact)
        .select_related("requester")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(tickets, 20).get_page(request.GET.get("page"))
    rows = [
        {
            "ticket": ticket,
            "status": rules.customer_status(ticket),
            "updated": rules.local_time(ticket.updated_at, tz),
            "mine": ticket.requester_id == contact.pk,
        }
        for ticket in page
    ]
    return _page(
        request,
        "home.html",
        {"contact": contact, "page": page, "rows": rows, "zone": rules.zone_label(tz)},
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, contact, pk: int) -> HttpResponse:
    found = (
        rules.tickets_for_contact(contact)
        .select_related("market", "requester")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return _not_found(request)
    form = ReplyForm()
    status, too_large = 200, ""
    if request.method == "POST":
        data = _post_data(request)
        form = ReplyForm(data)
        if data is None:
            too_large, status = _too_large_error(), 413
        elif form.is_valid():
            try:
                rules.do_portal_reply(contact, found, form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error("text", exc)
            else:
                messages.success(request, _("Your reply was added. We will answer by e-mail."))
                return redirect(reverse("support:portal_ticket", args=[found.pk]) + "#latest")
    tz = _tz(request, contact, found)
    conversation = [
        {"message": message, "at": rules.local_time(message.created_at, tz)}
        for message in rules.public_messages(found)
    ]
    return _page(
        request,
        "ticket.html",
        {
            "ticket": found,
            "status": rules.customer_status(found),
            "conversation": conversation,
            "opened": rules.local_time(found.created_at, tz),
            "solved": rules.local_time(found.solved_at, tz),
            "next_answer": rules.local_time(rules.next_answer_due(found), tz),
            "can_reply": rules.can_reply(found),
            "form": form,
            "too_large": too_large,
            "inbound": Message.Kind.INBOUND,
        },
        status=status,
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest, contact) -> HttpResponse:
    allowed = rules.priorities_for(contact)
    language = rules.mail_language(contact, request.LANGUAGE_CODE)
    initial = {"language": language, "priority": Priority.NORMAL}
    if request.method == "GET":
        form = RequestForm(initial=initial, priorities=allowed)
        return _page(
            request,
            "new.html",
            {"form": form, "contact": contact, "urgent_allowed": Priority.URGENT in allowed},
        )
    data = _post_data(request)
    form = RequestForm(data, initial=initial, priorities=allowed)
    status, too_large = 200, ""
    if data is None:
        too_large, status = _too_large_error(), 413
    elif form.is_valid():
        cleaned = form.cleaned_data
        try:
            created = rules.do_open_request(
                contact,
                subject=cleaned["subject"],
                description=cleaned["description"],
                priority=cleaned["priority"],
                language=cleaned["language"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            due = rules.local_time(rules.first_reply_due(created), _tz(request, contact, created))
            if due is not None:
                text = _(
                    "Your request %(reference)s was received. We will answer by %(when)s "
                    "(%(zone)s)."
                ) % {"reference": f"#{created.pk}", "when": due.text, "zone": due.zone}
            else:
                text = _("Your request %(reference)s was received.") % {
                    "reference": f"#{created.pk}"
                }
            messages.success(request, text)
            return redirect("support:portal_ticket", pk=created.pk)
    return _page(
        request,
        "new.html",
        {
            "form": form,
            "contact": contact,
            "urgent_allowed": Priority.URGENT in allowed,
            "too_large": too_large,
        },
        status=status,
    )


# --- The satisfaction survey ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    found = rules.survey_for_token(token)
    if found is None:
        return _not_found(request)
    _prefer_language(request, found.ticket.language)
    url = reverse("support:survey", args=[token])
    if request.method == "POST":
        form = SurveyForm(_post_data(request) or None)
        if form.is_valid():
            try:
                rules.ticket_services.do_answer_survey(
                    token, form.cleaned_data["rating"], form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                return _page(request, "survey.html", {"survey": found, "closed": exc.messages})
            return redirect(url + "?done=1")
    else:
        rating = request.GET.get("rating", "")
        if found.answered_at and (request.GET.get("done") or rating not in ("good", "bad")):
            return _page(request, "survey.html", {"survey": found, "thanks": True})
        initial = {"rating": rating} if rating in ("good", "bad") else {}
        if found.answered_at and not initial:
            initial = {"rating": found.rating, "comment": found.comment}
        form = SurveyForm(initial={**initial, "comment": found.comment})
    return _page(request, "survey.html", {"survey": found, "form": form})
