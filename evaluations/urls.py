from django.urls import path

from evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_index, name="index"),
    path("plans/<int:plan_pk>/", views.plan_evaluations, name="plan"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/assess/", views.evaluation_assess, name="assess"),
    path("<int:pk>/freeze/", views.evaluation_freeze, name="freeze"),
    path("<int:pk>/download/<str:fmt>/", views.evaluation_download, name="download"),
    path("parts/<int:pk>/", views.part_save, name="part_save"),
    path("parts/<int:pk>/review/", views.part_review, name="part_review"),
]
