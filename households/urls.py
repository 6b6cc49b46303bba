"""HTML pages of the households app: registration, the household page, the account page."""

from __future__ import annotations

from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/confirm/", views.register_confirm, name="register-confirm"),
    path("invite/<str:code>/", views.invite, name="invite"),
    path("welcome/", views.welcome, name="welcome"),
    path("household/", views.household, name="household"),
    path("household/invites/", views.invite_create, name="invite-create"),
    path("household/invites/<str:code>/revoke/", views.invite_revoke, name="invite-revoke"),
    path("household/members/<str:username>/remove/", views.member_remove, name="member-remove"),
    path("household/members/<str:username>/reenrol/", views.member_reenrol, name="member-reenrol"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/authenticator/", views.authenticator, name="authenticator"),
    path("account/delete/", views.account_delete, name="account-delete"),
]
