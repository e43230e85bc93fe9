from django.urls import path

from plans import meeting_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", views.plan_import_page, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_pk>/meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/freeze/", meeting_views.meeting_freeze, name="meeting_freeze"),
    path("meetings/<int:pk>/decisions/", meeting_views.decision_create, name="decision_create"),
    path("meetings/<int:pk>/work-points/", meeting_views.work_points_adopt, name="work_points"),
    path("meetings/<int:pk>/packs/", meeting_views.pack_create, name="pack_create"),
]
