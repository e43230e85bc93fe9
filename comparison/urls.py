from django.urls import path

from comparison import views

app_name = "comparison"
urlpatterns = [
    path("", views.compare, name="compare"),
    path("similar/<int:task_id>/", views.similar, name="similar"),
    path("cases/", views.cases, name="cases"),
]
