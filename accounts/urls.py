from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("register/confirm/", views.register_confirm, name="register-confirm"),
    path("invite/<str:code>/", views.invite, name="invite"),
    path("reenrol/<str:token>/", views.reenrol, name="reenrol"),
]
