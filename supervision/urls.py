from django.urls import path  # noqa: F401 - the supervision pages are added here

app_name = "supervision"

urlpatterns: list = []
