from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", views.plan_import_page, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
]
