from django.urls import path

from beachhead.core import inbox, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.set_language, name="set_language"),
    path("people/", views.people, name="people"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("outbox/", views.outbox, name="outbox"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", inbox.open_notice, name="inbox_open"),
]
