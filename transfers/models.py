"""Import state (docs/rules.md §9.3): an uploaded file's rows waiting for confirmation, and the
keys of every bank line imported, so that importing the same file twice adds nothing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """The parsed rows of one upload, as the preview showed them; nothing is saved from it until
    the member confirms."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.filename or self.pk}"


class ImportedLine(models.Model):
    """A bank line once imported into a household (its file id or its date, amount and text)."""

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "key"], name="imported_line_unique")
        ]

    def __str__(self) -> str:
        return self.key
