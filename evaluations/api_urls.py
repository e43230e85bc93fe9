"""This app's part of /api/v1/ (config/api_urls.py includes it)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
