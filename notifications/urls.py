from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("digests/<int:pk>/", views.digest_detail, name="digest"),
    path("plans/<int:plan_pk>/settings/", views.plan_reminder_settings, name="plan_settings"),
]
