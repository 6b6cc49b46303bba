"""Sign-in pages. Registration is in households.urls (it founds or joins a household)."""

from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("reenrol/<str:token>/", views.reenrol, name="reenrol"),
]
