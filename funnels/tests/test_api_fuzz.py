"""Fuzzing (docs/rules.md §7): schemathesis against the live OpenAPI schema, signed in as a member.

Every operation of /api/v1/schema/ (the accounts endpoints too) gets generated requests; the
checks are: no 5xx, and every documented answer matches its schema. Every other example is
aimed at the member's real funnels and spendings, so the success paths get fuzzed as well,
not only the 404s of random ids. Bounded per operation so the whole run takes well under
a minute. Select it with `pytest -m fuzz`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.tokens import token_pair_for
from funnels import planned
from funnels.models import Funnel, PlannedSpending, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

MAX_EXAMPLES = 25

# Loaded from the running app at collection time: the schema endpoint needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Like Django's test client: requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class SignedIn:
    headers: dict[str, str]
    funnels: list[str]
    spendings: list[str]
    plans: list[str]
    examples: Iterator[int]


@pytest.fixture
def signed_in(make_member) -> SignedIn:
    """A member with personal and shared funnels and spendings, and their Authorization header."""
    owner = make_member("fuzzy")
    make_member("partner", household=owner.household)
    FunnelFactory(household=owner.household, name="Shared")
    for funnel in Funnel.objects.visible_to(owner):
        SpendingFactory.create_batch(2, funnel=funnel, created_by=owner)
        planned.planned_create(
            user=owner, funnel=funnel, amount="9.50", date=timezone.localdate(), repeat="weekly"
        )
    return SignedIn(
        headers={"Authorization": f"Bearer {token_pair_for(owner)['access']}"},
        funnels=[str(pk) for pk in Funnel.objects.visible_to(owner).values_list("pk", flat=True)],
        spendings=[
            str(pk) for pk in Spending.objects.visible_to(owner).values_list("pk", flat=True)
        ],
        plans=[str(pk) for pk in PlannedSpending.objects.values_list("pk", flat=True)],
        examples=itertools.count(),
    )


def aim_at_real_objects(case, member: SignedIn) -> None:
    """On every other example, point ids at the member's real funnels and spendings."""
    n = next(member.examples)
    if n % 2:
        return
    funnel = member.funnels[n // 2 % len(member.funnels)]
    spending = member.spendings[n // 2 % len(member.spendings)]
    plan = member.plans[n // 2 % len(member.plans)]
    if isinstance(case.path_parameters, dict) and "id" in case.path_parameters:
        case.path_parameters["id"] = (
            spending if "/spendings/" in case.path
            else plan if "/planned/" in case.path
            else funnel
        )  # fmt: skip
    if isinstance(case.body, dict):
        if "funnel" in case.body:
            case.body["funnel"] = funnel
        if "emoji" in case.body:
            case.body["emoji"] = "🍞"
        if "color" in case.body:
            case.body["color"] = "#aabbcc"
    if isinstance(case.query, dict):
        for name in ("funnel", "move_to"):
            if name in case.query:
                case.query[name] = funnel


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz_api_answers_without_server_errors_and_as_documented(case, signed_in):
    aim_at_real_objects(case, signed_in)
    case.call_and_validate(
        headers=signed_in.headers, checks=[not_a_server_error, response_schema_conformance]
    )
