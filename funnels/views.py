"""HTML views of the funnels app: the dashboard, spending entry, history, edit, delete, undo."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.web import KEPT_DRAFT_KEY, household_time, member_required, render_page
from budget.forms import apply_errors
from funnels import selectors, services
from funnels.forms import SpendingEditForm, SpendingForm
from funnels.models import Spending
from funnels.reports import income_sources_recent
from funnels.templatetags.money import money
from funnels.views_forms import history_edit_flow, local_input

DASHBOARD = "funnels/dashboard.html"
View = Callable[..., HttpResponse]
UNDO_SALT = "funnels.spending-undo"
UNDO_SECONDS = 60
HISTORY_PAGE_SIZE = 25


def _dashboard(
    request: HttpRequest,
    *,
    form: SpendingForm | None = None,
    undo: str | None = None,
    saved: str = "",
    draft: bool = False,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "overview": selectors.overview_for(user=request.user),
        "form": form or SpendingForm(user=request.user),
        "undo": undo,
        "saved": saved,
        "undo_seconds": UNDO_SECONDS,
        "draft": draft,
        # Lazy: only the whole page (the source field's suggestions) runs this query.
        "sources": SimpleLazyObject(lambda: income_sources_recent(user=request.user)),
    }
    return render_page(request, DASHBOARD, context, fragment=fragment, status=status)


@require_GET
@member_required
@household_time
def dashboard(request: HttpRequest) -> HttpResponse:
    """How much each funnel can spend today, with the two-click spending entry."""
    token = request.GET.get("undo") or ""
    payload = _undo_payload(token) if token else None
    mine = payload is not None and payload.get("user") == request.user.pk
    draft = request.session.pop(KEPT_DRAFT_KEY, None)
    if isinstance(draft, dict):
        return _dashboard(request, form=_draft_form(request, draft), draft=True)
    return _dashboard(request, undo=token if mine else None)


def _draft_form(request: HttpRequest, draft: dict[str, str]) -> SpendingForm:
    """The kept spending back in the entry form, not saved: the member taps the funnel again."""
    data = {name: str(draft.get(name, "")) for name in DRAFT_FIELDS}
    form = SpendingForm(data, user=request.user)
    form.is_valid()  # shows what is wrong with it, if anything, but saves nothing
    return form


DRAFT_FIELDS = ("amount", "funnel", "note", "spent_at")
# Set by the service worker on what it sends from its offline queue (templates/funnels/sw.js).
QUEUED_HEADER = "X-Funnels-Queued"
OTHER_MEMBER_HEADER = "X-Funnels-Other-Member"


def keeps_draft(view: View) -> View:
    """A spending posted by a browser whose session has just ended is kept for after sign-in.

    docs/rules.md §4: nothing typed is lost when a sign-in elsewhere ended this session.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A replay from the offline queue stays in that queue (the page shows it as pending).
        replay = request.headers.get(QUEUED_HEADER) == "1"
        if (
            not request.user.is_authenticated
            and not replay
            and request.POST.get("amount", "").strip()
        ):
            request.session[KEPT_DRAFT_KEY] = {
                name: request.POST.get(name, "")[:200] for name in DRAFT_FIELDS
            }
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
@keeps_draft
@member_required
@household_time
def spending_create(request: HttpRequest) -> HttpResponse:
    """Save a spending: the changed regions for HTMX, a redirect to the dashboard otherwise."""
    form = SpendingForm(request.POST, user=request.user)
    spending = None
    if form.is_valid():
        try:
            spending = _spending_save(request, form)
        except ValidationError as exc:
            apply_errors(form, exc)
        except services.SpendingIdConflict as exc:
            form.add_error(None, str(exc))
    if spending is None:
        # 422 for both: htmx is configured (base.html) to swap 422 answers.
        response = _dashboard(request, form=form, fragment="entry-errors", status=422)
        if form.has_error("member", "other_member"):
            # The offline queue keeps it for that member (templates/funnels/sw.js).
            response[OTHER_MEMBER_HEADER] = form.data.get("member", "")
        return response
    saved = _saved_message(request, spending)
    if not request.htmx:
        messages.success(request, saved)
        return redirect("funnels:dashboard")
    return _dashboard(request, saved=saved, fragment="changes")


def _spending_save(request: HttpRequest, form: SpendingForm) -> Spending:
    """Save the entry; under the page's client id (a retry or a queued replay) at most once."""
    data = form.cleaned_data
    fields = {
        "user": request.user,
        "funnel": data["funnel"],
        "amount": data["amount"],
        "spent_at": data["spent_at"] or data["made_at"],
        "note": data["note"],
    }
    if data["client_id"] is None:
        return services.spending_create(**fields)
    spending, _created = services.spending_create_idempotent(
        spending_id=data["client_id"], **fields
    )
    return spending


def dashboard_changes(request: HttpRequest, *, saved: str) -> HttpResponse:
    """The dashboard's regions that a change elsewhere (a planned spending paid or skipped)
    moves, for HTMX, with `saved` in the toast."""
    return _dashboard(request, saved=saved, fragment="changes")


def _saved_message(request: HttpRequest, spending: Spending) -> str:
    """'Saved 12.50 from Food.', or where it went when that is outside the current period."""
    period = selectors.period_of(household=request.user.household)
    day = timezone.localtime(spending.spent_at).date()
    if period.start <= day <= period.last_day:
        return f"Saved {money(spending.amount)} from {spending.funnel.name}."
    when = "an earlier" if day < period.start else "a later"
    return (
        f"Saved {money(spending.amount)} in {spending.funnel.name} on {day.day} {day:%b}, "
        f"in {when} period."
    )


def _undo_token(spending: Spending, user_pk: int) -> str:
    return signing.dumps(
        {
            "user": user_pk,
            "id": str(spending.pk),
            "funnel": str(spending.funnel_id),
            "amount": str(spending.amount),
            "spent_at": spending.spent_at.isoformat(),
            "note": spending.note,
            "created_by": spending.created_by_id,
        },
        salt=UNDO_SALT,
    )


def _undo_payload(token: str) -> dict[str, str] | None:
    try:
        payload = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def spending_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm, then delete a spending; the answer offers Undo for a minute."""
    spending = selectors.spending_visible_to(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "funnels/spending_delete.html", {"spending": spending})
    token = _undo_token(spending, request.user.pk)
    services.spending_delete(user=request.user, spending=spending)
    if not request.htmx:
        return redirect(f"{reverse('funnels:dashboard')}?undo={token}")
    return _dashboard(request, undo=token, fragment="changes")


@require_POST
@member_required
@household_time
def spending_undo(request: HttpRequest) -> HttpResponse:
    """Put a just-deleted spending back, with the same id, amount, funnel, time and note."""
    payload = _undo_payload(request.POST.get("token", ""))
    if payload is None or payload.get("user") != request.user.pk:
        return render(
            request, "funnels/problem.html", {"message": "It is too late to undo that."}, status=400
        )
    try:
        services.spending_restore(
            user=request.user,
            spending_id=uuid.UUID(payload["id"]),
            funnel_id=payload["funnel"],
            amount=payload["amount"],
            spent_at=datetime.fromisoformat(payload["spent_at"]),
            note=payload["note"],
            created_by_id=payload.get("created_by"),
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        return render(request, "funnels/problem.html", {"message": message}, status=400)
    if not request.htmx:
        return redirect("funnels:dashboard")
    return _dashboard(request, fragment="changes")


@require_http_methods(["GET", "POST"])
@member_required
@household_time
def spending_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Change the amount, funnel, time or note of a spending."""
    spending = selectors.spending_visible_to(user=request.user, pk=pk)
    fields = ("amount", "funnel", "spent_at", "note")
    return history_edit_flow(
        request,
        form_class=functools.partial(SpendingEditForm, user=request.user),
        initial={name: getattr(spending, name) for name in fields}
        | {"spent_at": local_input(spending.spent_at)},
        save=lambda form: services.spending_update(
            user=request.user, spending=spending, **{k: form.cleaned_data[k] for k in fields}
        ),
        template="funnels/spending_edit.html",
        context={"spending": spending, "funnels": selectors.funnels_visible_to(user=request.user)},
    )
