"""HTML views of the import (docs/rules.md §9.3): upload with the CSV mapping, then a preview
where each row's funnel can be changed or the row skipped, then one confirm."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.web import AuthenticatedHttpRequest, member_required
from funnels.models import Funnel
from transfers.forms_import import ImportUploadForm
from transfers.importing import import_confirm
from transfers.models import ImportBatch
from transfers.parsers import ImportFileError

SKIP = "skip"


@require_http_methods(["GET", "POST"])
@member_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The upload form; a readable file leads to its preview."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = form.preview(user=request.user)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("transfers:import-preview", pk=batch.pk)
        return render(request, "transfers/import.html", {"form": form}, status=400)
    return render(request, "transfers/import.html", {"form": form})


def _choices(request: AuthenticatedHttpRequest, batch: ImportBatch) -> dict[int, uuid.UUID | None]:
    """The member's choice per line from the preview form; ImportFileError on a bad value."""
    chosen: dict[int, uuid.UUID | None] = {}
    for row in batch.rows:
        value = request.POST.get(f"row-{row['line']}")
        if value is None:
            continue
        if value == SKIP:
            chosen[row["line"]] = None
        elif row["type"] == "income":
            chosen[row["line"]] = uuid.UUID(int=0)  # income has no funnel: any value keeps it
        else:
            try:
                chosen[row["line"]] = uuid.UUID(value)
            except ValueError:
                raise ImportFileError(f"Line {row['line']}: no such funnel.") from None
    return chosen


@require_http_methods(["GET", "POST"])
@member_required
def import_review(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Every row with its funnel to change or skip; confirming saves them all at once."""
    batch = get_object_or_404(ImportBatch, pk=pk, user=request.user)
    funnels = Funnel.objects.visible_to(request.user).in_display_order()
    error = ""
    if request.method == "POST":
        try:
            result = import_confirm(
                user=request.user, batch=batch, choices=_choices(request, batch)
            )
        except ImportFileError as problem:
            error = str(problem)
        else:
            entries = "entry" if result.created == 1 else "entries"
            messages.success(
                request, f"Imported {result.created} {entries}; {result.skipped} skipped."
            )
            return redirect("funnels:spending-list")
    context = {"batch": batch, "funnels": funnels, "error": error, "skip": SKIP}
    return render(request, "transfers/import_review.html", context, status=400 if error else 200)
