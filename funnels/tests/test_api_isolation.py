"""Isolation (docs/rules.md §7): a member never reads, changes or deletes what they cannot see.

Another household's member sees none of alice's funnels; bob, in alice's household, sees her
shared funnels but not her personal ones. Both get 404 and the database stays as it was.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from funnels.models import Funnel, Spending, SpendingTombstone
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(user):
    """alice's personal funnel and shared funnel, each with a spending."""
    personal = Funnel.objects.get(owner=user, name="Food")
    shared = FunnelFactory(household=user.household, name="Shared", position=5)
    return {
        "personal": personal,
        "personal_spending": SpendingFactory(funnel=personal, created_by=user, note="secret"),
        "shared": shared,
        "shared_spending": SpendingFactory(funnel=shared, created_by=user),
    }


def snapshot() -> tuple:
    return (
        list(Funnel.objects.order_by("pk").values()),
        list(Spending.objects.order_by("pk").values()),
        list(SpendingTombstone.objects.order_by("pk").values()),
    )


def own_funnel(viewer) -> Funnel:
    return Funnel.objects.get(owner=viewer, name="Food")


REQUESTS = [
    ("get", "/api/v1/funnels/{funnel}/", None),
    ("patch", "/api/v1/funnels/{funnel}/", {"name": "Mine now", "monthly_limit": "1"}),
    ("delete", "/api/v1/funnels/{funnel}/", None),
    ("delete", "/api/v1/funnels/{funnel}/?move_to={own}", None),
    ("get", "/api/v1/spendings/{spending}/", None),
    ("patch", "/api/v1/spendings/{spending}/", {"amount": "1", "note": "changed"}),
    ("patch", "/api/v1/spendings/{spending}/", {"funnel": "{own}"}),
    ("delete", "/api/v1/spendings/{spending}/", None),
]


def cases():
    for viewer in ("stranger", "member"):
        for kind in ("personal", "shared") if viewer == "stranger" else ("personal",):
            for method, url, body in REQUESTS:
                yield pytest.param(
                    viewer, kind, method, url, body, id=f"{viewer}-{kind}-{method}-{url}-{body}"
                )


@pytest.mark.parametrize(("viewer_name", "kind", "method", "url", "body"), list(cases()))
def test_unseen_objects_answer_404_and_stay_unchanged(
    request, api_client_for, alices, viewer_name, kind, method, url, body
):
    viewer = request.getfixturevalue(viewer_name)
    names = {
        "funnel": alices[kind].pk,
        "spending": alices[f"{kind}_spending"].pk,
        "own": own_funnel(viewer).pk,
    }
    url = url.format(**names)
    if body:
        body = {k: v.format(**names) for k, v in body.items()}
    before = snapshot()
    response = getattr(api_client_for(viewer), method)(url, body, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert snapshot() == before


@pytest.mark.parametrize("viewer_name", ["stranger", "member"])
def test_lists_and_overview_never_show_unseen_objects(request, api_client_for, alices, viewer_name):
    viewer = request.getfixturevalue(viewer_name)
    client = api_client_for(viewer)
    hidden_funnels = {str(alices["personal"].pk)}
    hidden_spendings = {str(alices["personal_spending"].pk)}
    if viewer_name == "stranger":
        hidden_funnels.add(str(alices["shared"].pk))
        hidden_spendings.add(str(alices["shared_spending"].pk))
    funnels = {f["id"] for f in client.get("/api/v1/funnels/").json()}
    assert funnels
    assert not funnels & hidden_funnels
    spendings = {s["id"] for s in client.get("/api/v1/spendings/").json()["results"]}
    assert not spendings & hidden_spendings
    overview = client.get("/api/v1/overview/").json()
    assert not {f["id"] for f in overview["funnels"]} & hidden_funnels
    assert not {s["id"] for s in overview["recent"]} & hidden_spendings
    assert overview["totals"]["spent"] == ("0.00" if viewer_name == "stranger" else "10.00")
    filtered = client.get(f"/api/v1/spendings/?funnel={alices['personal'].pk}").json()
    assert filtered["results"] == []


def test_member_sees_shared_but_not_personal(api_client_for, alices, member):
    client = api_client_for(member)
    shared = client.get(f"/api/v1/funnels/{alices['shared'].pk}/")
    assert (shared.status_code, shared.json()["id"]) == (200, str(alices["shared"].pk))
    spending = client.get(f"/api/v1/spendings/{alices['shared_spending'].pk}/")
    assert spending.json()["id"] == str(alices["shared_spending"].pk)
    hidden = client.get(f"/api/v1/funnels/{alices['personal'].pk}/")
    assert hidden.status_code == 404
    assert str(alices["personal"].pk) not in hidden.content.decode()


@pytest.fixture(
    params=[("stranger", "personal"), ("stranger", "shared"), ("member", "personal")],
    ids=["stranger-personal", "stranger-shared", "member-personal"],
)
def unseen(request):
    """Someone and a kind of alice's funnels they do not see: (viewer, "personal" or "shared")."""
    viewer_name, kind = request.param
    return request.getfixturevalue(viewer_name), kind


def test_cannot_spend_from_or_move_into_unseen_funnel(api_client_for, alices, unseen):
    viewer, kind = unseen
    client = api_client_for(viewer)
    own = own_funnel(viewer)
    mine = SpendingFactory(funnel=own, created_by=viewer, amount=Decimal("4.00"))
    before = snapshot()
    response = client.post(
        "/api/v1/spendings/", {"funnel": str(alices[kind].pk), "amount": "1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"funnel": ["No such funnel."]}
    response = client.patch(
        f"/api/v1/spendings/{mine.pk}/", {"funnel": str(alices[kind].pk)}, format="json"
    )
    assert response.status_code == 400
    response = client.delete(f"/api/v1/funnels/{own.pk}/?move_to={alices[kind].pk}")
    assert response.status_code == 400
    assert snapshot() == before


def test_reusing_the_id_of_an_unseen_spending_is_409_without_content(
    api_client_for, alices, unseen
):
    viewer, kind = unseen
    hidden = alices[f"{kind}_spending"]
    before = snapshot()
    response = api_client_for(viewer).post(
        "/api/v1/spendings/",
        {"id": str(hidden.pk), "funnel": str(own_funnel(viewer).pk), "amount": "10.00"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "This id is already taken; use a new id."}
    assert snapshot() == before


def test_deleted_list_hides_other_members_personal_deletions(
    api_client_for, alices, user, member, stranger
):
    api_client_for(user).delete(f"/api/v1/spendings/{alices['personal_spending'].pk}/")
    api_client_for(user).delete(f"/api/v1/spendings/{alices['shared_spending'].pk}/")
    a_month_ago = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = f"/api/v1/spendings/deleted/?since={a_month_ago}"
    ids = lambda who: {t["id"] for t in api_client_for(who).get(url).json()["results"]}  # noqa: E731
    assert ids(user) == {str(alices["personal_spending"].pk), str(alices["shared_spending"].pk)}
    assert ids(member) == {str(alices["shared_spending"].pk)}
    assert ids(stranger) == set()


def test_unknown_ids_are_404_too(api_client_for, user):
    client = api_client_for(user)
    missing = uuid.uuid4()
    assert client.get(f"/api/v1/funnels/{missing}/").status_code == 404
    assert (
        client.patch(f"/api/v1/spendings/{missing}/", {"amount": "1"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/v1/spendings/{missing}/").status_code == 404
