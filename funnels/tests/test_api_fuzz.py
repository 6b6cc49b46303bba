"""Fuzzing (docs/rules.md §7): schemathesis against the live OpenAPI schema, signed in as a member.

Every operation of /api/v1/schema/ (the accounts endpoints too) gets generated requests, valid
ones and invalid ones (positive and negative modes), through the examples, coverage and fuzzing
phases, and then a stateful run follows the links between operations (create a funnel, then read,
change or delete it; create a spending, then ...). Every check schemathesis has is on: no 5xx,
each answer documented (status, content type, headers, body), valid requests accepted and invalid
ones refused, a deleted object gone, a created one available, auth not ignored, unsupported
methods refused. The few per-operation relaxations (rules a schema cannot state) are in
schemathesis.toml, each with its reason. Every other example is aimed at the member's real
funnels and spendings, so the success paths get fuzzed as well, not only the 404s of random ids.
Bounded per operation so the whole file stays under a minute and a half. Select it with
`pytest -m fuzz`.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode

from accounts.models import User
from accounts.tokens import token_pair_for
from funnels import planned
from funnels.models import Funnel, PlannedSpending, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Bounded for CI (the fuzz runs on SQLite, PostgreSQL and twice with moved clocks): about 75 s of
# CPU for the file on the 2-core CI machine, of which 20 s is collection (schemathesis and
# hypothesis modules rewritten by pytest). The coverage phase adds its own boundary and invalid
# cases per operation whatever MAX_EXAMPLES says.
MAX_EXAMPLES = 10
STATEFUL_SCENARIOS = 15
STATEFUL_STEPS = 5

# Loaded from the running app at collection time: the schema endpoint needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
# Valid and invalid requests.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@schema.auth(refresh_interval=None)
class MemberToken:
    """The signed-in member's access token on every request (set by the `signed_in` fixture);
    ignored_auth takes it for real credentials and checks that a request without it, or with
    a broken one, is refused."""

    access = ""

    def get(self, case, context) -> str:
        return self.access

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


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
    member: User
    examples: Iterator[int]


@pytest.fixture
def signed_in(make_member) -> SignedIn:
    """A member with personal and shared funnels and spendings, and their access token."""
    owner = make_member("fuzzy")
    make_member("partner", household=owner.household)
    FunnelFactory(household=owner.household, name="Shared")
    for funnel in Funnel.objects.visible_to(owner):
        SpendingFactory.create_batch(2, funnel=funnel, created_by=owner)
        planned.planned_create(
            user=owner, funnel=funnel, amount="9.50", date=timezone.localdate(), repeat="weekly"
        )
    MemberToken.access = token_pair_for(owner)["access"]
    return SignedIn(member=owner, examples=itertools.count())


def aim_at_real_objects(case, signed_in: SignedIn) -> None:
    """Point the funnels a request refers to at the member's real ones (a random funnel id in a
    body or query is a 400 "No such funnel.", a rule about server state that no schema states),
    and on every other example the path's id too (the other half keeps its 404s). Only valid
    ids are swapped: an invalid one stays the negative example it was generated as."""
    n = next(signed_in.examples)
    funnels = list(Funnel.objects.visible_to(signed_in.member).values_list("pk", flat=True))
    while len(funnels) < 2:  # examples of DELETE funnels/{id}/ delete them
        funnels.append(FunnelFactory(household=signed_in.member.household).pk)
    spendings = list(Spending.objects.visible_to(signed_in.member).values_list("pk", flat=True))
    funnel, other = (str(funnels[(n // 2 + i) % len(funnels)]) for i in (0, 1))
    path = case.path_parameters if isinstance(case.path_parameters, dict) else {}
    if _is_uuid(path.get("id")) and not n % 2:
        if case.path.startswith("/api/v1/funnels/"):
            path["id"] = funnel
        elif case.path.startswith("/api/v1/spendings/") and spendings:
            path["id"] = str(spendings[n // 2 % len(spendings)])
        elif case.path.startswith("/api/v1/planned/"):
            plans = PlannedSpending.objects.filter(funnel__in=funnels).values_list("pk", flat=True)
            if plans:
                path["id"] = str(plans[n // 2 % len(plans)])
    if isinstance(case.body, dict) and _is_uuid(case.body.get("funnel")):
        case.body["funnel"] = funnel
    if isinstance(case.query, dict):
        if _is_uuid(case.query.get("funnel")):
            case.query["funnel"] = funnel
        if _is_uuid(case.query.get("move_to")):
            case.query["move_to"] = other


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, **HYPOTHESIS)
def test_fuzz_api_answers_as_documented(case, signed_in):
    aim_at_real_objects(case, signed_in)
    case.call_and_validate()


def test_fuzz_api_stateful_links_answer_as_documented(signed_in):
    """Sequences of calls along the schema's links: what one answer creates, the next call uses."""

    run_state_machine_as_test(
        schema.as_state_machine(),
        settings=settings(
            max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, **HYPOTHESIS
        ),
    )
