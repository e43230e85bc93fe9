from django.urls import path

from dashboards import views as dashboard_views

app_name = "dashboards"

urlpatterns = [
    path("", dashboard_views.overview, name="overview"),
    path("plans/<int:pk>/", dashboard_views.plan_dashboard, name="plan"),
    path("agencies/mine/", dashboard_views.my_agency, name="mine"),
    path("agencies/<int:pk>/", dashboard_views.agency_duties, name="agency"),
]
