"""The flow every form page of the funnels app shares: GET shows the form, POST writes through a
service and redirects, or shows the form again with the errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.web import safe_next
from budget.forms import form_save


def form_flow[F: forms.Form](
    request: HttpRequest,
    *,
    form_class: Callable[..., F],
    initial: dict[str, Any] | None,
    save: Callable[[F], object],
    done: str,
    page: Callable[[F, int], HttpResponse],
) -> HttpResponse:
    """GET: `page` with the form filled with `initial`. POST: the posted form, written through
    `save` (a service call), then a redirect to `done`; or `page` again with the errors (422)."""
    if request.method != "POST":
        return page(form_class(initial=initial), 200)
    form = form_class(request.POST)
    if form_save(form, lambda: save(form)):
        return redirect(done)
    return page(form, 422)


def history_edit_flow[F: forms.Form](
    request: HttpRequest,
    *,
    form_class: Callable[..., F],
    initial: dict[str, Any],
    save: Callable[[F], object],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """form_flow for an entry's edit page, reached from the history: once saved, back to the
    safe `next` it came from (or the history); the page carries that `next` on."""
    # Carried on as given; it is checked (safe_next) where it is followed.
    context = context | {"next": request.POST.get("next") or request.GET.get("next") or ""}
    return form_flow(
        request,
        form_class=form_class,
        initial=initial,
        save=save,
        done=safe_next(request) or "funnels:spending-list",
        page=lambda form, status: render(
            request, template, context | {"form": form}, status=status
        ),
    )


def local_input(moment: datetime) -> str:
    """A time as a datetime-local field shows it, in the current (household) time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
