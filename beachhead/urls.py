"""Root URLs: pages of each pillar, accounts (login), the API under /api/v1/ and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from beachhead.core import mfa_views
from beachhead.core import views as core_views
from beachhead.core.api.errors import not_found
from beachhead.core.password_reset import PasswordResetView

handler400 = "beachhead.core.views.bad_request"
handler403 = "beachhead.core.views.permission_denied"
handler404 = "beachhead.core.views.page_not_found"
handler500 = "beachhead.core.views.server_error"

api_v1: list[URLPattern | URLResolver] = [
    path("", include("beachhead.core.api.urls")),
    path("", include("beachhead.markets.api.urls")),
    path("", include("beachhead.commitments.api.urls")),
    path("", include("beachhead.accounts.api.urls")),
    path("", include("beachhead.savedviews.api.urls")),
    path("", include("beachhead.support.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("login/", mfa_views.LoginView.as_view(), name="login"),
    path("login", mfa_views.LoginView.as_view()),
    path("login/code/", mfa_views.verify, name="mfa_verify"),
    path("logout/", core_views.SignOutView.as_view(), name="logout"),
    path("password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/", not_found),
    path("admin/", admin.site.urls),
    path("markets/", include("beachhead.markets.urls")),
    path("commitments/", include("beachhead.commitments.urls")),
    path("accounts/", include("beachhead.accounts.urls")),
    path("lists/", include("beachhead.savedviews.urls")),
    path("support/", include("beachhead.support.urls")),
    path("settings/stages/", include("beachhead.accounts.settings_urls")),
    path("settings/desk/", include("beachhead.support.settings_urls")),
    path("", include("beachhead.core.urls")),
]
