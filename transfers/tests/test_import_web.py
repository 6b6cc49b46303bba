"""Import through the pages (docs/rules.md §9.3): upload, review, change or skip, confirm."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.daily import daily_jobs_run
from funnels.models import Funnel, Income, Spending
from transfers.models import ImportBatch

pytestmark = pytest.mark.django_db

STALE_BATCHES = "transfers.importing.stale_import_batches_delete"
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def post_file(client, name: str, raw: bytes | None = None, **options):
    raw = (SAMPLES / name).read_bytes() if raw is None else raw
    return client.post("/import/", {"file": SimpleUploadedFile(name, raw), **options})


def test_upload_review_change_skip_and_confirm(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    misc = Funnel.objects.get(owner=alice, name="Misc")
    assert "Import from your bank" in client.get("/import/").content.decode()
    response = post_file(client, "bank-de.csv")
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    review = client.get(response["Location"]).content.decode()
    assert "Bus ticket; monthly" in review
    assert review.count("<select") == 5
    done = client.post(
        response["Location"],
        {"row-2": str(food.pk), "row-3": str(misc.pk), "row-4": "income", "row-5": "skip",
         "row-6": "skip"},
        follow=True,
    )  # fmt: skip
    assert "Imported 3 entries; 2 skipped." in done.content.decode()
    assert sorted((s.funnel_id, str(s.amount)) for s in Spending.objects.all()) == sorted(
        [(food.pk, "4.80"), (misc.pk, "49.00")]
    )
    assert Income.objects.get().note == "Gehalt März"
    again = client.post(f"/import/{batch.pk}/", {"row-5": str(food.pk)}, follow=True)
    assert "Imported 1 entry; 4 skipped." in again.content.decode()


def test_bad_file_and_bad_choice_get_a_message(client, alice, member):
    response = post_file(client, "x.csv", b"date;amount\n")
    assert response.status_code == 400
    assert "no rows" in response.content.decode()
    location = post_file(client, "bank-de.csv")["Location"]
    bobs = Funnel.objects.get(owner=member, name="Food")
    response = client.post(location, {"row-2": str(bobs.pk)})
    assert response.status_code == 400
    assert "no such funnel" in response.content.decode()
    response = client.post(location, {"row-2": "not-an-id"})
    assert response.status_code == 400
    assert Spending.objects.count() == 0


def test_a_members_import_is_not_anothers(client, alice, member):
    location = post_file(client, "bank-de.csv")["Location"]
    client.force_login(member)
    assert client.get(location).status_code == 404
    assert client.post(location, {}).status_code == 404
    assert Spending.objects.count() == 0


def test_the_daily_job_deletes_previews_older_than_a_week_and_keeps_the_line_keys(
    client, alice, time_machine
):
    time_machine.move_to("2026-03-01 09:00Z", tick=False)
    old = client.post(
        post_file(client, "bank-simple.csv")["Location"], {"row-2": "skip"}, follow=True
    )
    assert "Imported 1 entry; 1 skipped." in old.content.decode()
    time_machine.move_to("2026-03-06 09:00Z", tick=False)
    post_file(client, "bank-de.csv")
    time_machine.move_to("2026-03-08 09:01Z", tick=False)
    assert daily_jobs_run(jobs=[STALE_BATCHES]).ran == [(STALE_BATCHES, date(2026, 3, 8), 1)]
    assert [b.filename for b in ImportBatch.objects.all()] == ["bank-de.csv"]
    # The lines imported from the deleted preview still count as imported.
    review = client.get(post_file(client, "bank-simple.csv")["Location"]).content.decode()
    assert "Imported before: skipped" in review
    assert Spending.objects.count() + Income.objects.count() == 1
