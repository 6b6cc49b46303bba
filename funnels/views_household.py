"""HTML views of the household and account pages, on the accounts services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def household(request: HttpRequest) -> HttpResponse:
    """Members, invites and settings of the household."""
    members = request.user.household.members.order_by("date_joined")
    return render(request, "household/household.html", {"members": members})


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Display name, recovery codes, authenticator, active device, deletion."""
    return render(request, "account/account.html", {})
