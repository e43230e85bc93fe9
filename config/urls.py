from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import health
from tasks import views as task_views

urlpatterns = [
    path("", task_views.my_tasks, name="home"),  # 我的任务 is the home page
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("tasks.plan_urls")),
    path("", include("meetings.urls")),
    path("tasks/", include("tasks.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("manage/", include("administration.urls")),
    path("supervision/", include("supervision.urls")),
    path("search/", include("search.urls")),
    path("compare/", include("comparison.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.errors.server_error"
