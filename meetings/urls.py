"""Meeting pages live under /plans/ (a meeting belongs to its plan's committee) and packs
under /reports/packs/: the addresses users have bookmarked stay as they were."""

from django.urls import path

from meetings import pack_views, views

app_name = "meetings"

urlpatterns = [
    path("plans/<int:plan_pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("plans/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("plans/meetings/<int:pk>/freeze/", views.meeting_freeze, name="meeting_freeze"),
    path("plans/meetings/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("plans/meetings/<int:pk>/work-points/", views.work_points_adopt, name="work_points"),
    path("plans/meetings/<int:pk>/packs/", views.pack_create, name="pack_create"),
    path("reports/packs/<int:pk>/", pack_views.pack_status, name="pack_status"),
    path("reports/packs/<int:pk>/<str:fmt>/", pack_views.pack_download, name="pack_download"),
]
