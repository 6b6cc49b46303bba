"""Account pages (TOTP sign-in arrives with the accounts issue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def login(request: HttpRequest) -> HttpResponse:
    """Sign-in page."""
    return render(request, "accounts/login.html")
