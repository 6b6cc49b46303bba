"""HTML views of the funnels app: the dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from funnels.selectors import overview_for


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """How much each funnel can spend today, and what is left for the period."""
    return render(request, "funnels/dashboard.html", {"overview": overview_for(request.user)})
