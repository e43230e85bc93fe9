"""/plans/: the plan pages. Here rather than in plans/ because the plan page and the import
show and write tasks, and the plans app sits below tasks in the layers."""

from django.urls import path

from plans import views
from tasks import plan_views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", plan_views.plan_import_page, name="plan_import"),
    path("import/<int:pk>/", plan_views.plan_import_job_page, name="plan_import_job"),
    path("<int:pk>/", plan_views.plan_detail, name="plan_detail"),
]
