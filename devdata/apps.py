from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo and national-scale data, made by management commands: no models, no pages."""

    name = "devdata"
