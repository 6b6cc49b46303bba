"""HTML views of the funnels page: list, reorder, create, edit, delete."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.web import member_required
from funnels import planned, selectors, services
from funnels.forms import COMMON_EMOJI, PALETTE, FunnelDeleteForm, FunnelForm, PlannedForm
from funnels.models import Funnel
from funnels.views_forms import form_flow


def _form_page(
    request: HttpRequest, form: FunnelForm, funnel: Funnel | None, status: int = 200
) -> HttpResponse:
    color = form["color"].value() or (funnel.color if funnel else PALETTE[0])
    if color == "custom":
        color = form["color_custom"].value() or PALETTE[0]
    context = {
        "form": form,
        "funnel": funnel,
        "common_emoji": COMMON_EMOJI,
        "palette": PALETTE,
        "current_color": color,
        "current_emoji": form["emoji_typed"].value() or form["emoji"].value() or "",
    }
    return render(request, "funnels/funnel_form.html", context, status=status)


@require_GET
@member_required
def funnel_list(request: HttpRequest) -> HttpResponse:
    """The member's funnels in display order, with reorder, edit and delete, and their plans."""
    context = {
        "funnels": list(selectors.funnels_visible_to(user=request.user)),
        "plans": list(planned.plans_visible_to(user=request.user)),
        "planned_form": PlannedForm(user=request.user),
    }
    return render(request, "funnels/funnels.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def funnel_create(request: HttpRequest) -> HttpResponse:
    """Create a personal or shared funnel."""
    return _funnel_form(request, None)


@require_http_methods(["GET", "POST"])
@member_required
def funnel_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Change a funnel's name, emoji, colour, limit, or whether it is shared."""
    return _funnel_form(request, selectors.funnel_visible_to(user=request.user, pk=pk))


def _funnel_form(request: HttpRequest, funnel: Funnel | None) -> HttpResponse:
    """The form of a new funnel (`funnel` None) or of one to change."""

    def save(form: FunnelForm) -> Funnel:
        if funnel is None:
            return services.funnel_create(user=request.user, **form.service_fields())
        return services.funnel_update(user=request.user, funnel=funnel, **form.service_fields())

    return form_flow(
        request,
        form_class=FunnelForm,
        initial=_funnel_initial(funnel),
        save=save,
        done="funnels:funnel-list",
        page=lambda form, status: _form_page(request, form, funnel, status=status),
    )


def _funnel_initial(funnel: Funnel | None) -> dict[str, object]:
    if funnel is None:
        return {"emoji": COMMON_EMOJI[0], "color": PALETTE[0], "shared": "personal"}
    picked = funnel.emoji in COMMON_EMOJI
    return {
        "name": funnel.name,
        "emoji": funnel.emoji if picked else "",
        "emoji_typed": "" if picked else funnel.emoji,
        "color": funnel.color if funnel.color in PALETTE else "custom",
        "color_custom": funnel.color,
        "monthly_limit": funnel.monthly_limit,
        "shared": "shared" if funnel.is_shared else "personal",
        "rollover": funnel.rollover,
        "rollover_cap": funnel.rollover_cap,
    }


@require_POST
@member_required
def funnel_move(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Move a funnel one place up or down in the display order."""
    funnel = selectors.funnel_visible_to(user=request.user, pk=pk)
    order = [f.pk for f in selectors.funnels_visible_to(user=request.user)]
    index = order.index(funnel.pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return render(
            request, "funnels/problem.html", {"message": "Move a funnel up or down."}, status=400
        )
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        services.funnel_reorder(user=request.user, funnel_ids=order)
    return redirect(f"/funnels/#funnel-{funnel.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def funnel_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm with the number of spendings at stake, then delete or move them first."""
    funnel = selectors.funnel_visible_to(user=request.user, pk=pk)
    others = selectors.funnels_visible_to(user=request.user).exclude(pk=funnel.pk)
    form = FunnelDeleteForm(request.POST or None, others=others)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.funnel_delete(
                user=request.user, funnel=funnel, move_to=form.cleaned_data["move_to"]
            )
            return redirect("funnels:funnel-list")
        status = 422
    context = {"funnel": funnel, "form": form, "count": funnel.spendings.count(), "others": others}
    return render(request, "funnels/funnel_delete.html", context, status=status)
