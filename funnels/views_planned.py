"""HTML views of planned spendings (docs/rules.md §12.2): the "Planned" section of the funnels
page (add, edit, delete) and the dashboard's "paid" and "skip" buttons. Plain POSTs: they work
without JavaScript."""

from __future__ import annotations

import functools
import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.web import household_time, member_required
from funnels import planned
from funnels.allowance import EARLIEST_DATE, LATEST_DATE
from funnels.forms import PlannedForm
from funnels.models import PlannedSpending
from funnels.templatetags.money import money
from funnels.views import dashboard_changes
from funnels.views_forms import form_flow

PLANNED_SECTION = "/funnels/#planned"


def _form_page(
    request: HttpRequest, form: PlannedForm, plan: PlannedSpending | None, status: int = 200
) -> HttpResponse:
    return render(request, "funnels/planned_form.html", {"form": form, "plan": plan}, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def planned_create(request: HttpRequest) -> HttpResponse:
    """Plan a spending (the funnels page's form posts here; errors show on a page of its own)."""
    return _plan_form(request, None)


@require_http_methods(["GET", "POST"])
@member_required
def planned_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Change a plan's funnel, amount, day, note or repeat."""
    return _plan_form(request, planned.plan_visible_to(user=request.user, pk=pk))


def _plan_form(request: HttpRequest, plan: PlannedSpending | None) -> HttpResponse:
    """The form of a new plan (`plan` None) or of one to change."""

    def save(form: PlannedForm) -> PlannedSpending:
        if plan is None:
            return planned.planned_create(user=request.user, **form.service_fields())
        return planned.planned_update(user=request.user, plan=plan, **form.service_fields())

    initial = None if plan is None else {
        "funnel": plan.funnel_id, "amount": plan.amount, "date": plan.date,
        "note": plan.note, "repeat": plan.repeat,
    }  # fmt: skip
    return form_flow(
        request,
        form_class=functools.partial(PlannedForm, user=request.user),
        initial=initial,
        save=save,
        done=PLANNED_SECTION,
        page=lambda form, status: _form_page(request, form, plan, status=status),
    )


@require_http_methods(["GET", "POST"])
@member_required
def planned_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm, then delete a plan (the spendings it became stay)."""
    plan = planned.plan_visible_to(user=request.user, pk=pk)
    if request.method == "POST":
        planned.planned_delete(user=request.user, plan=plan)
        return redirect(PLANNED_SECTION)
    return render(request, "funnels/planned_delete.html", {"plan": plan})


def _occurrence_day(request: HttpRequest) -> date | None:
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def _occurrence_action(request: HttpRequest, pk: uuid.UUID, *, paid: bool) -> HttpResponse:
    plan = planned.plan_visible_to(user=request.user, pk=pk)
    day = _occurrence_day(request)
    if day is None:
        message = "Pick the day of the occurrence."
        return render(request, "funnels/problem.html", {"message": message}, status=400)
    action = planned.planned_paid if paid else planned.planned_skip
    label = plan.note or "Planned spending"
    try:
        action(user=request.user, plan=plan, on=day)
    except (ValidationError, planned.OccurrenceConflict) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        level = messages.ERROR
    else:
        done = "recorded as spent" if paid else "skipped"
        text = f"{label} {money(plan.amount)} on {day:%-d %b}: {done}."
        level = messages.SUCCESS
    if request.htmx:
        return dashboard_changes(request, saved=text)
    messages.add_message(request, level, text)
    return redirect("funnels:dashboard")


@require_POST
@member_required
@household_time
def planned_paid(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Record an occurrence as a spending now ("paid"), once."""
    return _occurrence_action(request, pk, paid=True)


@require_POST
@member_required
@household_time
def planned_skip(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Drop one occurrence ("skip")."""
    return _occurrence_action(request, pk, paid=False)


@require_POST
@member_required
@household_time
def planned_unskip(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Take back a skip: the occurrence is set aside again."""
    plan = planned.plan_visible_to(user=request.user, pk=pk)
    day = _occurrence_day(request)
    if day is None:
        message = "Pick the day of the occurrence."
        return render(request, "funnels/problem.html", {"message": message}, status=400)
    planned.planned_unskip(user=request.user, plan=plan, on=day)
    text = (
        f"{plan.note or 'Planned spending'} {money(plan.amount)} on {day:%-d %b}: set aside again."
    )
    if request.htmx:
        return dashboard_changes(request, saved=text)
    messages.success(request, text)
    return redirect("funnels:dashboard")
