"""/manage/agencies/: the region's agencies, collective units and the name-variant table."""

from django.urls import path

from administration.views import agencies as views

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/confirm/", views.agency_confirm, name="agency_confirm"),
    path("agencies/<int:pk>/rename/", views.agency_rename, name="agency_rename"),
    path("agencies/<int:pk>/webhook/", views.agency_webhook, name="agency_webhook"),
    path("agencies/<int:pk>/aliases/", views.alias_add, name="agency_alias_add"),
    path("agencies/aliases/<int:pk>/remove/", views.alias_remove, name="agency_alias_remove"),
    path("agencies/<int:pk>/merge/", views.agency_merge, name="agency_merge"),
    path("agencies/<int:pk>/collective/", views.collective_mark, name="collective_mark"),
    path("agencies/<int:pk>/collective/map/", views.collective_map, name="collective_map"),
    path("agencies/name-variants/", views.name_variant_list, name="name_variant_list"),
    path(
        "agencies/name-variants/<int:pk>/remove/",
        views.name_variant_remove,
        name="name_variant_remove",
    ),
]
