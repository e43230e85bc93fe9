from django.urls import path

from tasks import deadline_views, timeline_views, views

app_name = "tasks"

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/status/", views.task_set_status, name="task_set_status"),
    path("<int:pk>/comment/", views.task_comment, name="task_comment"),
    path("<int:pk>/timeline/", timeline_views.task_timeline, name="task_timeline"),
    path("<int:pk>/work-items/new/", views.work_item_create, name="work_item_create"),
    path("work-items/<int:pk>/", views.work_item_detail, name="work_item_detail"),
    path("work-items/<int:pk>/edit/", views.work_item_edit, name="work_item_edit"),
    path("work-items/<int:pk>/status/", views.work_item_set_status, name="work_item_set_status"),
    path("work-items/<int:pk>/close/", views.work_item_close, name="work_item_close"),
    path("work-items/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("plan/<int:plan_pk>/deadlines/", deadline_views.plan_deadlines, name="plan_deadlines"),
    path("plan/<int:pk>/timeline/", timeline_views.plan_timeline, name="plan_timeline"),
]
