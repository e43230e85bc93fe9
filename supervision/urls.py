from django.urls import path

from supervision import views

app_name = "supervision"

# Kinds, formats and steps are checked by the views (404 for anything else), so every address
# resolves and a POST without its CSRF token is refused before any view runs.
urlpatterns = [
    path("", views.agency_inbox, name="inbox"),
    path("new/<str:kind>/<int:pk>/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/print.<str:fmt>", views.notice_print, name="notice_print"),
    path("recipients/<int:pk>/<str:action>/", views.recipient_step, name="recipient_step"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("plan/<int:plan_pk>/", views.plan_ledger, name="plan_ledger"),
]
