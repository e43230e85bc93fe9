"""/manage/locks/: accounts locked after repeated failed logins, and their unlock (included
by administration/urls.py)."""

from django.urls import path

from administration.views import locks as views

urlpatterns = [
    path("locks/", views.lock_list, name="lock_list"),
    path("locks/<int:pk>/unlock/", views.lock_release, name="lock_release"),
]
