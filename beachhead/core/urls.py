from django.urls import path

from beachhead.core import inbox, security_views, settings_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/password/", security_views.password, name="security_password"),
    path("preferences/sessions/", security_views.sessions_page, name="security_sessions"),
    path(
        "preferences/sessions/<int:pk>/end/",
        security_views.session_end,
        name="security_session_end",
    ),
    path(
        "preferences/sessions/end-others/",
        security_views.sessions_end_others,
        name="security_sessions_end_others",
    ),
    path("preferences/tokens/", security_views.tokens_page, name="security_tokens"),
    path(
        "preferences/tokens/<int:pk>/revoke/",
        security_views.token_revoke,
        name="security_token_revoke",
    ),
    path(
        "settings/people/<int:pk>/sessions/end/",
        security_views.person_sessions_end,
        name="settings_person_sessions_end",
    ),
    path("language/", views.set_language, name="set_language"),
    path("people/", views.people, name="people"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("settings/", settings_views.hub, name="settings"),
    path("settings/people/", settings_views.people, name="settings_people"),
    path("settings/people/new/", settings_views.person_new, name="settings_person_new"),
    path("settings/people/<int:pk>/", settings_views.person_edit, name="settings_person"),
    path(
        "settings/people/<int:pk>/active/",
        settings_views.person_active,
        name="settings_person_active",
    ),
    path("settings/teams/", settings_views.teams, name="settings_teams"),
    path("settings/teams/new/", settings_views.team_new, name="settings_team_new"),
    path("settings/teams/<int:pk>/", settings_views.team_edit, name="settings_team"),
    path("audit/", views.audit_log, name="audit_log"),
    path("outbox/", views.outbox, name="outbox"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", inbox.open_notice, name="inbox_open"),
]
