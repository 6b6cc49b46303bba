from __future__ import annotations

from django.urls import path

from funnels import views

app_name = "funnels"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
