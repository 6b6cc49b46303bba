"""HTML views of the household backup (docs/rules.md §9.2): download and restore, owner only."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.web import AuthenticatedHttpRequest, member_required
from transfers.backup import BackupError, backup_parse, household_backup, household_restore


class RestoreForm(forms.Form):
    file = forms.FileField(label="Backup file (.json)")


def _owner(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_owner:
        raise PermissionDenied("Only the owner of the household can back it up or restore it.")


@require_GET
@member_required
def backup_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The household as a JSON file (owner only)."""
    _owner(request)
    document = household_backup(user=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="funnels-household-backup.json"'
    return response


@require_http_methods(["GET", "POST"])
@member_required
def backup_restore(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a backup and restore it into this household (owner only)."""
    _owner(request)
    form = RestoreForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.BACKUP_MAX_BYTES:
                    raise BackupError(
                        "The file is too large: a backup has at most "
                        f"{settings.BACKUP_MAX_BYTES // 2**20} MB."
                    )
                document = backup_parse(raw=upload.read(), max_bytes=settings.BACKUP_MAX_BYTES)
                counts = household_restore(user=request.user, document=document)
            except BackupError as error:
                form.add_error("file", str(error))
            else:
                if counts.total:
                    messages.success(
                        request,
                        f"Restored {counts.funnels} funnels, {counts.spendings} spendings and "
                        f"{counts.incomes} income entries.",
                    )
                else:
                    messages.info(request, "Nothing new: this backup is restored already.")
                return redirect("transfers:backup")
        status = 400
    return render(request, "transfers/backup.html", {"form": form}, status=status)
