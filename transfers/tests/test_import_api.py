"""Import through the API (docs/rules.md §9.3): preview with suggestions, confirm in one
transaction, re-import adds nothing, bad files, isolation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funnels.models import Funnel, Income, Spending
from transfers.models import ImportBatch
from transfers.tests.helpers import at, spend

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def upload(client, name: str, raw: bytes | None = None, **options):
    raw = (SAMPLES / name).read_bytes() if raw is None else raw
    return client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, raw), **options}, format="multipart"
    )


def confirm(client, batch_id: str, rows: list[dict]):
    return client.post(f"/api/v1/imports/{batch_id}/confirm/", {"rows": rows}, format="json")


@pytest.fixture
def api(api_client_for, user):
    return api_client_for(user)


def test_preview_suggests_funnels_and_saves_nothing(api, user):
    misc = Funnel.objects.get(owner=user, name="Misc")
    spend(user, "2.00", at(2, 1), note="bus", funnel=misc)
    response = upload(api, "bank-de.csv")
    assert response.status_code == 201
    rows = response.json()["rows"]
    assert [(r["line"], r["amount"], r["type"]) for r in rows] == [
        (2, "4.80", "spending"), (3, "49.00", "spending"), (4, "2450.00", "income"),
        (5, "4.80", "spending"), (6, "23.50", "spending"),
    ]  # fmt: skip
    assert rows[1]["funnel"] == str(misc.pk)  # "Bus ticket; monthly"
    assert rows[4]["funnel"] is None  # "Business lunch" is not "bus"
    assert not any(r["duplicate"] for r in rows)
    assert Spending.objects.count() == 1
    assert Income.objects.count() == 0


def test_confirm_saves_the_kept_rows_and_a_second_import_adds_nothing(api, user):
    food = Funnel.objects.get(owner=user, name="Food")
    preview = upload(api, "bank-de.csv").json()
    rows = [{"line": 2, "funnel": str(food.pk)}, {"line": 3, "funnel": str(food.pk)},
            {"line": 5, "funnel": str(food.pk)}, {"line": 6, "funnel": None}]  # fmt: skip
    response = confirm(api, preview["id"], rows)
    assert response.status_code == 200
    assert response.json() == {"created": 4, "skipped": 1}
    assert sorted(Spending.objects.values_list("amount", flat=True)) == [
        Decimal("4.80"), Decimal("4.80"), Decimal("49.00"),
    ]  # fmt: skip
    income = Income.objects.get()
    assert (income.amount, income.source) == (Decimal("2450.00"), "Gehalt März")
    again = upload(api, "bank-de.csv").json()
    assert [r["duplicate"] for r in again["rows"]] == [True, True, True, True, False]
    response = confirm(api, again["id"], rows)
    assert response.json() == {"created": 0, "skipped": 5}
    assert Spending.objects.count() == 3


@pytest.mark.parametrize("name", ["statement.ofx", "statement.camt053.xml"])
def test_ofx_and_camt053_import_once(api, user, name):
    food = Funnel.objects.get(owner=user, name="Food")
    preview = upload(api, name).json()
    rows = [{"line": r["line"], "funnel": str(food.pk)} for r in preview["rows"]]
    first = confirm(api, preview["id"], rows).json()
    assert first["created"] == len(rows)
    second = upload(api, name).json()
    assert all(r["duplicate"] for r in second["rows"])
    assert confirm(api, second["id"], rows).json()["created"] == 0


def test_a_failing_row_saves_nothing(api, user, member):
    bobs = Funnel.objects.get(owner=member, name="Food")  # not visible to alice
    preview = upload(api, "bank-de.csv").json()
    food = Funnel.objects.get(owner=user, name="Food")
    response = confirm(
        api,
        preview["id"],
        [{"line": 2, "funnel": str(food.pk)}, {"line": 3, "funnel": str(bobs.pk)}],
    )
    assert response.status_code == 400
    assert "no such funnel" in response.json()["detail"]
    assert Spending.objects.count() == 0
    assert Income.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\x00\xff\xfe garbage", "not UTF-8"),
        (b"date,amount,description\n2026-03-01,x,y\n", "not an amount"),
        (b"x" * (5 * 2**20 + 1), "too large"),
    ],
)
def test_bad_files_answer_400_with_a_message(api, raw, message):
    response = upload(api, "upload.csv", raw)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_bad_options_and_bodies_answer_400(api):
    def refused(response) -> dict:
        assert response.status_code == 400
        return response.json()

    assert "delimiter" in refused(upload(api, "bank-de.csv", delimiter="space"))
    body = refused(upload(api, "bank-de.csv", amount_column="Nope"))
    assert body == {"detail": "There is no column 'Nope' for the amount."}
    body = refused(api.post("/api/v1/imports/", {}, format="multipart"))
    assert body == {"file": ["This field is required."]}
    batch = upload(api, "bank-de.csv").json()["id"]
    body = refused(confirm(api, batch, [{"line": 99, "funnel": None}]))
    assert body == {"detail": "No line 99 in this import."}
    assert "line" in refused(confirm(api, batch, [{"line": "two", "funnel": None}]))["rows"]["0"]
    assert "funnel" in refused(confirm(api, batch, [{"line": 2, "funnel": "nope"}]))["rows"]["0"]
    url = f"/api/v1/imports/{batch}/confirm/"
    assert "non_field_errors" in refused(api.post(url, "[]", content_type="application/json"))


def test_another_members_import_is_not_found(api, api_client_for, member):
    batch = upload(api, "bank-de.csv").json()["id"]
    response = confirm(api_client_for(member), batch, [])
    assert response.status_code == 404
    assert Spending.objects.count() == 0


def test_import_needs_a_token(api_client):
    assert upload(api_client, "bank-de.csv").status_code == 401


def test_the_schema_states_the_upload_forms_choices(api_client):
    """What the form refuses, the schema says: each choice is an enum (or "", detect)."""
    schema = api_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    upload_schema = schema["ImportUploadRequest"]["properties"]

    def enum(name: str) -> set[str]:
        refs = [branch["$ref"].rsplit("/", 1)[1] for branch in upload_schema[name]["oneOf"]]
        return {value for ref in refs for value in schema[ref]["enum"]}

    assert enum("encoding") == {"", "utf-8", "cp1252", "latin-1"}
    assert enum("delimiter") == {"", "comma", "semicolon", "tab", "pipe"}
    assert enum("decimal") == {"", ".", ","}
    assert "%d.%m.%Y" in enum("date_format")
    assert upload_schema["date_column"]["maxLength"] == 100


@pytest.mark.parametrize(
    ("option", "value"),
    [("encoding", "0"), ("delimiter", ";"), ("date_format", "DD.MM.YYYY"), ("decimal", "0")],
)
def test_a_choice_outside_the_schemas_enum_is_a_400(api, option, value):
    response = upload(api, "bank-de.csv", **{option: value})
    assert response.status_code == 400
    assert response.json() == {
        option: [f"Select a valid choice. {value} is not one of the available choices."]
    }
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("option", ["encoding", "delimiter", "date_format", "decimal"])
def test_a_blank_choice_detects(api, option):
    assert upload(api, "bank-de.csv", **{option: ""}).status_code == 201
