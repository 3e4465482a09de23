from django.contrib import admin

from beachhead.support.models import (
    AgentProfile,
    MailDomain,
    ReplyTemplate,
    ReplyTemplateVariant,
    Shift,
    SlaPolicy,
    TeamThreshold,
)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "order",
        "is_active",
        "calendar",
        "first_reply_minutes",
        "next_reply_minutes",
        "periodic_update_minutes",
        "resolution_minutes",
    )
    list_editable = ("order", "is_active")


class ShiftInline(admin.TabularInline):
    model = Shift
    fk_name = "user"
    extra = 1


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "languages", "skills", "accepts_tickets")
    search_fields = ("user__username", "user__first_name", "user__last_name")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("user", "weekday", "start", "end")
    list_filter = ("weekday",)


class VariantInline(admin.StackedInline):
    model = ReplyTemplateVariant
    extra = 1


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "key")
    inlines = [VariantInline]


@admin.register(MailDomain)
class MailDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "account")
    search_fields = ("domain", "account__legal_name")
    raw_id_fields = ("account",)


@admin.register(TeamThreshold)
class TeamThresholdAdmin(admin.ModelAdmin):
    list_display = ("team", "max_breach_rate", "min_satisfaction", "window_days", "min_sample")
