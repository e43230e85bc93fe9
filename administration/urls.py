"""/manage/: the administrator's pages (管理). Users and tokens in urls_users.py, the
region's agencies and collective units in urls_agencies.py."""

from django.urls import path

from administration.urls_agencies import urlpatterns as agency_urls
from administration.urls_locks import urlpatterns as lock_urls
from administration.urls_users import urlpatterns as user_urls
from administration.views.home import home

app_name = "administration"

urlpatterns = [path("", home, name="home"), *user_urls, *agency_urls, *lock_urls]
