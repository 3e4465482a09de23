"""The Settings page "Deal stages": the pipeline in order, renamed (with its Chinese and
Japanese names), reordered, added to and retired, through ``services.stages``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beachhead.accounts.models import Stage
from beachhead.accounts.roles import AccountOperation
from beachhead.accounts.services import stages as services
from beachhead.core.forms import ServiceForm
from beachhead.core.http import AuthedRequest
from beachhead.core.roles import operation_required

OUTCOME_CHOICES = [
    ("open", gettext_lazy("Open: the deal is still being worked")),
    ("won", gettext_lazy("Won: the deal closes as won")),
    ("lost", gettext_lazy("Lost: the deal closes as lost")),
]


class StageForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    name_zh = forms.CharField(label=gettext_lazy("Name in Chinese"), max_length=80, required=False)
    name_ja = forms.CharField(label=gettext_lazy("Name in Japanese"), max_length=80, required=False)
    probability = forms.IntegerField(
        label=gettext_lazy("Probability (%)"),
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("How likely a deal in this stage is to close as won."),
    )
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=OUTCOME_CHOICES)

    def __init__(self, *args, stage: Stage | None = None, **kwargs) -> None:
        if stage is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": stage.name,
                    "name_zh": (stage.names or {}).get("zh-hans", ""),
                    "name_ja": (stage.names or {}).get("ja", ""),
                    "probability": stage.probability,
                    "outcome": services.outcome_of(stage),
                },
            )
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        data = super().changes()
        data["names"] = {"zh-hans": data.pop("name_zh", ""), "ja": data.pop("name_ja", "")}
        return data


@login_required
@operation_required(AccountOperation.MANAGE_STAGES)
def stage_list(request: AuthedRequest) -> HttpResponse:
    stages = list(Stage.objects.annotate(deals=Count("opportunities")).order_by("order", "pk"))
    return render(request, "accounts/settings/stages.html", {"stages": stages})


@login_required
@operation_required(AccountOperation.MANAGE_STAGES)
def stage_new(request: AuthedRequest) -> HttpResponse:
    form = StageForm(request.POST or None, initial={"outcome": "open", "probability": 50})
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.do_add_stage(request.user, **form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The stage %(name)s is added at the end: move it where it belongs.")
                % {"name": stage.label},
            )
            return redirect("deal_stages:list")
    return render(request, "accounts/settings/stage_form.html", {"form": form, "stage": None})


@login_required
@operation_required(AccountOperation.MANAGE_STAGES)
def stage_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(Stage, pk=pk)
    form = StageForm(request.POST or None, stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_stage(stage, request.user, form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("deal_stages:list")
    return render(
        request,
        "accounts/settings/stage_form.html",
        {"form": form, "stage": stage, "in_use": services.in_use(stage)},
    )


@login_required
@operation_required(AccountOperation.MANAGE_STAGES)
@require_POST
def stage_move(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(Stage, pk=pk)
    services.do_move_stage(stage, request.user, -1 if request.POST.get("to") == "up" else 1)
    return redirect("deal_stages:list")


@login_required
@operation_required(AccountOperation.MANAGE_STAGES)
@require_POST
def stage_retire(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove a stage (deleted if never used, else deactivated), or bring one back."""
    stage = get_object_or_404(Stage, pk=pk)
    label = stage.label
    try:
        if request.POST.get("active") == "1":
            services.do_reactivate_stage(stage, request.user)
            messages.success(request, _("%(name)s is offered for deals again.") % {"name": label})
        elif services.do_retire_stage(stage, request.user) == "deleted":
            messages.success(request, _("%(name)s is deleted.") % {"name": label})
        else:
            messages.success(
                request,
                _("%(name)s is deactivated: the deals in it keep it, new deals cannot use it.")
                % {"name": label},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("deal_stages:list")
