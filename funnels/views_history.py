"""The history page (docs/rules.md §8.6): spendings and income together, filtered, with totals."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.web import household_time, member_required
from funnels.forms_income import EntryFilterForm
from funnels.models import Funnel
from funnels.reports import history_objects, history_rows, history_totals
from funnels.views import HISTORY_PAGE_SIZE


@require_GET
@member_required
@household_time
def history(request: HttpRequest) -> HttpResponse:
    """Every spending and income the member can see, filtered by type, funnel, member and
    dates, newest first, a page at a time, with the totals of all that is filtered."""
    funnels = Funnel.objects.visible_to(request.user).select_related("owner").in_display_order()
    form = EntryFilterForm(request.GET or None, user=request.user, funnels=funnels)
    status = 200
    if form.is_bound and not form.is_valid():
        filters = None
        status = 400
    else:
        filters = form.service_filters() if form.is_bound else {}
    rows = history_rows(user=request.user, **filters) if filters is not None else []
    page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    totals = history_totals(user=request.user, **filters) if filters is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": history_objects(rows=list(page.object_list)),
        "totals": totals,
        "query": query.urlencode(),
    }
    return render(request, "funnels/history.html", context, status=status)
