"""The import upload form (docs/rules.md §9.3): the file and how to read a CSV (blank: detect)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from transfers import parsers
from transfers.importing import import_preview
from transfers.models import ImportBatch

ENCODINGS = (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "ISO-8859-1"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Bank file (CSV, OFX/QFX or CAMT.053 XML)")
    encoding = forms.ChoiceField(choices=ENCODINGS, initial="utf-8", required=False)
    delimiter = forms.ChoiceField(
        choices=[("", "Detect"), *((k, k.title()) for k in parsers.DELIMITERS)], required=False
    )
    date_format = forms.ChoiceField(
        choices=[("", "Detect"), *((f, f) for f in parsers.DATE_FORMATS)], required=False
    )
    decimal = forms.ChoiceField(
        choices=(("", "Detect"), (".", "Point: 1234.50"), (",", "Comma: 1234,50")),
        required=False,
        label="Decimal separator",
    )
    date_column = forms.CharField(max_length=100, required=False, help_text="Name or number")
    amount_column = forms.CharField(max_length=100, required=False)
    description_column = forms.CharField(max_length=100, required=False)
    sign_column = forms.CharField(
        max_length=100,
        required=False,
        help_text="Blank: negative amounts are spending, positive are income.",
    )

    def clean_file(self) -> UploadedFile:
        """Refuse an oversized file before it is read into memory."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large: at most {settings.IMPORT_MAX_BYTES / 2**20:g} MB "
                "can be imported."
            )
        return upload

    def csv_options(self) -> parsers.CsvOptions:
        data = self.cleaned_data
        return parsers.CsvOptions(
            delimiter=data["delimiter"],
            date_format=data["date_format"],
            decimal=data["decimal"],
            date_column=data["date_column"].strip(),
            amount_column=data["amount_column"].strip(),
            description_column=data["description_column"].strip(),
            sign_column=data["sign_column"].strip(),
        )

    def preview(self, *, user: User) -> ImportBatch:
        """The valid upload read into a batch to review (the import_preview service), for the
        page and the API alike; ImportFileError for a file or choice that cannot be used."""
        upload = self.cleaned_data["file"]
        return import_preview(
            user=user,
            raw=upload.read(),
            filename=upload.name or "",
            options=self.csv_options(),
            encoding=self.cleaned_data["encoding"] or "utf-8",
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
