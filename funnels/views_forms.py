"""The flow every form page of the funnels app shares: GET shows the form, POST writes through a
service and redirects, or shows the form again with the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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


def posted_next(request: HttpRequest) -> str:
    """The page to go back to, as the form carries it on (checked where it is used)."""
    return request.POST.get("next") or request.GET.get("next") or ""
