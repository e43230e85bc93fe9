"""This app's part of /api/v1/ (config/api_urls.py includes it)."""

from django.urls import path

from search.api import SearchView

urlpatterns = [
    path("search/", SearchView.as_view(), name="api-search"),
]
