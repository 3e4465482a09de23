"""The deal pipeline's stages are configured by administrators in Django's admin
(/admin/accounts/stage/): names, order, probability, won/lost."""

from django.contrib import admin

from beachhead.accounts.models import Stage


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["order", "key", "name", "probability", "is_won", "is_lost"]
    list_display_links = ["key"]
    list_editable = ["order", "name", "probability"]
    ordering = ["order", "pk"]
