"""The server side of the offline queue (docs/rules.md §11.2): every tap carries a client id and
the moment of the tap, so a retry or a spending sent from the service worker's queue hours later
is saved once, at the time it was made; a replay while signed out stays in the queue (no kept
draft)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.web import KEPT_DRAFT_KEY
from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory
from funnels.views import OTHER_MEMBER_HEADER, QUEUED_HEADER

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
CREATE = "/spendings/new/"
WORKBOX = Path(settings.BASE_DIR) / "static" / "vendor" / "workbox"


def entry(funnel: Funnel, client_id: uuid.UUID, amount: str = "12,50", **extra: str) -> dict:
    return {
        "amount": amount,
        "funnel": str(funnel.pk),
        "client_id": str(client_id),
        "made_at": "2026-03-04T05:06:07.890Z",  # set by the worker when it queues one
        **extra,
    }


@pytest.fixture
def food(alice) -> Funnel:
    return Funnel.objects.get(owner=alice, name="Food")


def test_a_tap_sent_twice_under_its_client_id_is_saved_once(client, food, time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 18, tzinfo=UTC), tick=False)
    client_id = uuid.uuid4()
    first = client.post(CREATE, entry(food, client_id), **HX)
    again = client.post(CREATE, entry(food, client_id), **HX)
    assert first.status_code == again.status_code == 200
    spending = Spending.objects.get()
    assert spending.pk == client_id
    assert spending.amount == Decimal("12.50")
    # Dated when the tap was made, not when the queue was sent.
    assert spending.spent_at == datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    assert "Saved 12.50 from Food." in again.content.decode()


def test_a_date_typed_in_the_form_wins_over_the_moment_of_the_tap(client, food, time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 18, tzinfo=UTC), tick=False)
    client.post(CREATE, entry(food, uuid.uuid4(), spent_at="2026-03-02T09:15"), **HX)
    assert Spending.objects.get().spent_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_the_same_client_id_with_another_amount_is_refused(client, food):
    client_id = uuid.uuid4()
    client.post(CREATE, entry(food, client_id), **HX)
    response = client.post(CREATE, entry(food, client_id, amount="99"), **HX)
    assert response.status_code == 422
    assert "already exists with other values" in response.content.decode()
    assert Spending.objects.get().amount == Decimal("12.50")


def test_the_client_id_of_a_deleted_spending_is_refused(client, food):
    client_id = uuid.uuid4()
    client.post(CREATE, entry(food, client_id), **HX)
    client.post(f"/spendings/{client_id}/delete/", **HX)
    assert not Spending.objects.exists()
    response = client.post(CREATE, entry(food, client_id), **HX)
    assert response.status_code == 422
    assert "was deleted; use a new id" in response.content.decode()
    assert not Spending.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client_id", "not-a-uuid", "The spending&#x27;s id is not valid."),
        ("client_id", "1" * 500, "The spending&#x27;s id is not valid."),
        ("made_at", "yesterday", "The time of the spending is not valid."),
        ("made_at", "2026-13-45T99:00Z", "The time of the spending is not valid."),
    ],
)
def test_a_malformed_client_id_or_moment_is_a_clear_422(client, food, field, value, message):
    data = entry(food, uuid.uuid4())
    data[field] = value
    response = client.post(CREATE, data, **HX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Spending.objects.exists()


def test_a_tap_without_client_id_is_saved_as_before(client, food):
    response = client.post(CREATE, {"amount": "3", "funnel": str(food.pk)}, **HX)
    assert response.status_code == 200
    assert Spending.objects.get().amount == Decimal("3.00")


def test_a_replay_from_the_queue_while_signed_out_keeps_no_draft(user):
    food = Funnel.objects.get(owner=user, name="Food")
    queued = Client()
    response = queued.post(CREATE, entry(food, uuid.uuid4()), **HX, headers={QUEUED_HEADER: "1"})
    # Sent to sign in (the worker keeps it queued on this answer) ...
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/login/")
    assert KEPT_DRAFT_KEY not in queued.session
    # ... where a tap typed by hand at that moment is kept for after sign-in.
    typed = Client()
    typed.post(CREATE, entry(food, uuid.uuid4()), **HX)
    assert typed.session[KEPT_DRAFT_KEY]["amount"] == "12,50"
    assert not Spending.objects.exists()


def test_dashboard_carries_the_time_it_was_seen_hidden_and_its_figures_in_cents(
    client, food, time_machine
):
    time_machine.move_to(datetime(2026, 3, 4, 17, 42, tzinfo=UTC), tick=False)
    food.household.timezone = "Europe/Zurich"
    food.household.save(update_fields=["timezone"])
    content = client.get("/").content.decode()
    last_seen = re.search(
        r'<p class="last-seen" id="last-seen" data-offline-copy hidden>(.*?)</p>', content
    )
    assert last_seen, "the worker shows this line by removing `hidden` after data-offline-copy"
    assert last_seen.group(1) == (
        'Offline: figures as last seen at <time datetime="2026-03-04T18:42:00+01:00">18:42</time>.'
    )
    assert re.search(
        rf'id="pad-daily-{food.pk}" data-cents="-?\d+" data-pending-funnel="{food.pk}"', content
    )
    assert 'data-member="alice" data-login-url="/login/?next=/" hidden>' in content


def test_worker_loads_the_vendored_workbox_from_this_origin(client):
    response = client.get("/sw.js")
    script = response.content.decode()
    assert (
        'importScripts("/static/vendor/workbox/workbox-core.prod.js", '
        '"/static/vendor/workbox/workbox-background-sync.prod.js");'
    ) in script
    assert 'const SPENDING_URL = "/spendings/new/";' in script
    assert f'const QUEUED_HEADER = "{QUEUED_HEADER}";' in script
    policy = response["Content-Security-Policy"]
    assert "unsafe-eval" not in policy
    for name in ("workbox-core.prod.js", "workbox-background-sync.prod.js"):
        code = (WORKBOX / name).read_text()
        assert "eval(" not in code
        assert "new Function" not in code
    assert "MIT" in (WORKBOX / "README.md").read_text()
    assert "Permission is hereby granted" in (WORKBOX / "LICENSE").read_text()
    assert "7.4.1" in (WORKBOX / "README.md").read_text()


def test_a_spending_typed_by_another_member_is_not_saved_as_this_one(client, food, member):
    # alice's phone queued it; bob signed in on that phone before the queue was sent.
    bob = Client()
    bob.force_login(member)
    shared = FunnelFactory(household=member.household, owner=None, name="House")
    response = bob.post(
        CREATE, entry(shared, uuid.uuid4(), member="alice"), **HX, headers={QUEUED_HEADER: "1"}
    )
    assert response.status_code == 422
    assert response[OTHER_MEMBER_HEADER] == "alice"
    assert "sign in as alice to save it" in response.content.decode()
    assert not Spending.objects.exists()
    # alice's own page names alice: saved.
    response = client.post(CREATE, entry(shared, uuid.uuid4(), member="alice"), **HX)
    assert response.status_code == 200
    assert OTHER_MEMBER_HEADER not in response
    assert Spending.objects.get().created_by.username == "alice"


def test_the_dashboard_form_names_who_typed_it(client, alice):
    content = client.get("/").content.decode()
    assert '<input type="hidden" name="member" value="alice">' in content
