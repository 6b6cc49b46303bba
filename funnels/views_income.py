"""HTML views of income: the dashboard's Income action, editing and deleting income."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.web import household_time, member_required, safe_next
from budget.forms import apply_errors
from funnels import income as services
from funnels.forms_income import IncomeEditForm, IncomeForm
from funnels.templatetags.money import money
from funnels.views import _dashboard
from funnels.views_forms import history_edit_flow, local_input


@require_POST
@member_required
@household_time
def income_create(request: HttpRequest) -> HttpResponse:
    """Save income typed in the dashboard's amount field (the Income action beside it)."""
    form = IncomeForm(request.POST)
    income = None
    if form.is_valid():
        try:
            income = services.income_create(user=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
    if income is None:
        return _dashboard(request, form=form, fragment="entry-errors", status=422)
    saved = f"Saved income {money(income.amount)} from {income.source}."
    if not request.htmx:
        messages.success(request, saved)
        return redirect("funnels:dashboard")
    return _dashboard(request, saved=saved, fragment="changes")


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def income_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Change the amount, source, time, note or sharing of income."""
    income = services.income_visible_to(user=request.user, pk=pk)
    initial = {
        "amount": income.amount, "source": income.source, "note": income.note,
        "spent_at": local_input(income.received_at), "private": not income.shared,
    }  # fmt: skip
    return history_edit_flow(
        request,
        form_class=IncomeEditForm,
        initial=initial,
        save=lambda form: services.income_update(
            user=request.user, income=income, **form.service_fields()
        ),
        template="funnels/income_edit.html",
        context={"income": income, "can_hide": income.received_by_id == request.user.pk},
    )


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def income_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm, then delete income."""
    income = services.income_visible_to(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "funnels/income_delete.html", {"income": income})
    services.income_delete(user=request.user, income=income)
    messages.success(request, f"Deleted income {money(income.amount)} from {income.source}.")
    return redirect(safe_next(request) or "funnels:spending-list")
