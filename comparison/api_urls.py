"""This app's part of /api/v1/ (config/api_urls.py includes it)."""

from django.urls import URLPattern, path

from comparison.api import CaseListView, CompareView

urlpatterns: list[URLPattern] = [
    path("compare/", CompareView.as_view(), name="api-compare"),
    path("compare/cases/", CaseListView.as_view(), name="api-compare-cases"),
]
