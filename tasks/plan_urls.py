"""/plans/: the plan pages. Here rather than in plans/ because the plan page and the import
show and write tasks, and the plans app sits below tasks in the layers."""

from django.urls import path, re_path

from plans import views
from tasks import duty_views, plan_views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", plan_views.plan_import_page, name="plan_import"),
    path("import/<int:pk>/", plan_views.plan_import_job_page, name="plan_import_job"),
    path("<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    re_path(
        r"^(?P<pk>[0-9]+)/duty-table\.(?P<fmt>xlsx|docx)$",
        duty_views.plan_duty_table,
        name="plan_duty_table",
    ),
]
