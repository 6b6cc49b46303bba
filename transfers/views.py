"""HTML views of the export (docs/rules.md §9.1): the page with its live preview, and the
CSV and PDF downloads."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from accounts.web import AuthenticatedHttpRequest, household_time, member_required, render_page
from transfers import export
from transfers.forms import ExportForm
from transfers.suggest import funnel_suggest

PDF_ROW_LIMIT = 2000  # about 40 pages; WeasyPrint lays out a table row in 10–25 ms
NOTE_LIMIT = 200


def _form(request: AuthenticatedHttpRequest) -> ExportForm:
    data = request.GET.copy()
    data.setdefault("range", export.THIS_PERIOD)
    data.setdefault("type", export.ALL)
    return ExportForm(data)


def _label(form: ExportForm, span: export.DateRange) -> str:
    choice = dict(export.RANGES)[form.cleaned_data["range"]]
    if span.since is None and span.until is None:
        return choice
    return f"{choice}: {span.since or '…'} – {span.until or '…'}"


@require_GET
@member_required
@household_time
def export_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The export choices with a preview of the first rows and the totals."""
    form = _form(request)
    context: dict[str, object] = {"form": form, "query": ""}
    status = 200
    if form.is_valid():
        span = form.span(request.user.household)
        context.update(
            rows=export.export_preview(user=request.user, span=span, kind=form.kind),
            totals=export.export_totals(user=request.user, span=span, kind=form.kind),
            range_label=_label(form, span),
            query=request.GET.urlencode(),
            preview_size=export.PREVIEW_ROWS,
        )
    else:
        status = 400
    return render_page(
        request, "transfers/export.html", context, fragment="export-preview", status=status
    )


def export_response(
    *, user: object, form: ExportForm, file_format: str
) -> HttpResponse | StreamingHttpResponse:
    """The CSV (streamed) or PDF answer of a valid export choice, for the page and the API."""
    household = user.household  # type: ignore[attr-defined]
    span = form.span(household)
    rows = export.export_rows(user=user, span=span, kind=form.kind)
    stem = f"funnels-{span.since or 'start'}-{span.until or 'now'}"
    if file_format == "pdf":
        from transfers.pdf import export_pdf  # WeasyPrint loads Pango: only when asked for

        totals = export.export_totals(user=user, span=span, kind=form.kind)
        limited = [row for _, row in zip(range(PDF_ROW_LIMIT), rows, strict=False)]
        body = export_pdf(
            context={
                "household": household,
                "totals": totals,
                "range_label": _label(form, span),
                "kind_label": dict(export.KINDS)[form.kind],
                "truncated": totals.count > PDF_ROW_LIMIT,
                "pdf_limit": PDF_ROW_LIMIT,
            },
            rows=limited,
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return response
    stream = export.export_csv(rows=rows, currency=household.currency, tz=household.tzinfo)
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@require_GET
@member_required
@household_time
def export_download(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """The export as a CSV or PDF file; a bad choice answers the page with its errors (400)."""
    form = _form(request)
    if not form.is_valid():
        return render_page(request, "transfers/export.html", {"form": form}, status=400)
    return export_response(user=request.user, form=form, file_format=file_format)


@require_GET
@member_required
def funnel_suggestion(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The funnel suggested for a note being typed (docs/rules.md §9.4): `{"funnel": id|null}`."""
    note = request.GET.get("note", "")
    if len(note) > NOTE_LIMIT:
        return JsonResponse({"detail": f"A note has at most {NOTE_LIMIT} characters."}, status=400)
    funnel_id = funnel_suggest(user=request.user, text=note)
    return JsonResponse({"funnel": str(funnel_id) if funnel_id else None})
