from django.urls import path

from reports import indicator_views, views

app_name = "reports"

urlpatterns = [
    path(
        "write/<int:task_pk>/<int:agency_pk>/<int:period_pk>/",
        views.report_edit,
        name="report_edit",
    ),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("plan/<int:plan_pk>/periods/", views.plan_periods, name="plan_periods"),
    path(
        "plan/<int:plan_pk>/indicators/",
        indicator_views.plan_indicators,
        name="plan_indicators",
    ),
    path("indicators/<int:pk>/edit/", indicator_views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<int:pk>/values/new/",
        indicator_views.indicator_value_new,
        name="indicator_value_new",
    ),
    path(
        "indicator-values/<int:pk>/review/",
        indicator_views.indicator_value_review,
        name="indicator_value_review",
    ),
    path(
        "indicator-values/<int:pk>/evidence/",
        indicator_views.indicator_value_evidence,
        name="indicator_value_evidence",
    ),
]
