"""/api/v1/: each app's viewsets on one router; the schema and its documentation pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agencies.api import AgencyViewSet
from dashboards.api import RollupViewSet
from meetings.api import MeetingViewSet
from notifications.api import NotificationViewSet
from plans.api import IndicatorViewSet, PlanViewSet, SectionViewSet
from reports.api import AttachmentViewSet, EventViewSet, PeriodViewSet, ReportViewSet
from tasks.api import ResponsibilityViewSet, TaskViewSet, WorkItemViewSet


class Router(DefaultRouter):
    """Object ids are numbers: anything else is a 404 from the URL, never a 500 below it."""

    def get_lookup_regex(self, viewset: object, lookup_prefix: str = "") -> str:
        return f"(?P<{lookup_prefix}pk>[0-9]+)"


router = Router()
router.register("plans", PlanViewSet, basename="plan")
router.register("sections", SectionViewSet, basename="section")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("tasks", TaskViewSet, basename="task")
router.register("responsibilities", ResponsibilityViewSet, basename="responsibility")
router.register("work-items", WorkItemViewSet, basename="work-item")
router.register("events", EventViewSet, basename="event")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("periods", PeriodViewSet, basename="period")
router.register("reports", ReportViewSet, basename="report")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("rollups", RollupViewSet, basename="rollup")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("v1/", include(router.urls)),
    # Apps whose API is not a viewset on the router keep their own URL list.
    path("v1/", include("search.api_urls")),
    path("v1/", include("comparison.api_urls")),
    path("v1/", include("evaluations.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
