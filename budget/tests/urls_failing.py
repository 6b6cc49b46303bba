"""A URLconf for the logging tests: the real one plus a view that fails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from budget.urls import urlpatterns as real_urlpatterns


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("explode/", explode, name="explode"), *real_urlpatterns]
