"""Funnel suggestion (docs/rules.md §9.4): table tests of words and of the choice of funnel."""

from __future__ import annotations

import pytest

from funnels.models import Funnel
from transfers.suggest import funnel_suggest, words_of
from transfers.tests.helpers import at, spend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Bus ticket", {"bus", "ticket"}),
        ("CAFÉ Crème!", {"cafe", "creme"}),
        ("Lidl, Berlin-Mitte; 12.03.2026 #4411", {"lidl", "berlin", "mitte"}),
        ("a b c 42", set()),
        ("", set()),
        ("Straße", {"strasse"}),
    ],
)
def test_words_are_whole_case_and_accent_insensitive(text, words):
    assert words_of(text) == words


@pytest.fixture
def funnels(user):
    food = Funnel.objects.get(owner=user, name="Food")
    misc = Funnel.objects.get(owner=user, name="Misc")
    return food, misc


@pytest.mark.parametrize(
    ("history", "text", "expected"),
    [
        # (note, funnel, day) of earlier entries → the text typed → the suggestion
        ([("Bus ticket", "misc", 1)], "bus", "misc"),
        ([("Business lunch", "food", 1)], "bus", None),
        ([("bus", "misc", 1)], "Business lunch", None),
        ([("Café Olé", "food", 1)], "cafe", "food"),
        ([("cafe", "food", 1)], "CAFÉ!", "food"),
        ([("bakery: bread.", "food", 1)], "Bread", "food"),
        ([("bread", "food", 1), ("bread", "misc", 2), ("bread", "misc", 3)], "bread", "misc"),
        ([("bread", "food", 3), ("bread", "misc", 2)], "bread", "food"),  # tie: most recent
        ([("bread", "misc", 3), ("bread", "food", 2)], "bread", "misc"),
        ([("bread", "food", 1)], "milk", None),
        ([("12 2026", "food", 1)], "12", None),
        ([], "anything", None),
    ],
)
def test_the_funnel_most_used_for_a_shared_word(user, funnels, history, text, expected):
    by_name = {"food": funnels[0], "misc": funnels[1]}
    for note, name, day in history:
        spend(user, "1.00", at(3, day), note=note, funnel=by_name[name])
    got = funnel_suggest(user=user, text=text)
    assert got == (by_name[expected].pk if expected else None)


def test_only_the_members_own_entries_in_funnels_they_see_count(user, member, stranger):
    shared = Funnel.objects.create(
        household=user.household, name="Kids", emoji="🧸", color="#123456", monthly_limit=0
    )
    spend(member, "1.00", at(3, 1), note="school trip", funnel=shared)
    spend(stranger, "1.00", at(3, 1), note="school")
    assert funnel_suggest(user=user, text="school") is None
    spend(user, "1.00", at(3, 2), note="school", funnel=shared)
    assert funnel_suggest(user=user, text="school") == shared.pk


def test_the_dashboard_note_asks_for_a_suggestion(client, alice):
    content = client.get("/").content.decode()
    assert 'data-suggest-url="/suggest/funnel/"' in content
    assert "js/suggest.js" in content


def test_suggestion_endpoint_answers_the_members_funnel(client, alice, funnels):
    spend(alice, "2.00", at(3, 1), note="Bus ticket", funnel=funnels[1])
    assert client.get("/suggest/funnel/?note=bus").json() == {"funnel": str(funnels[1].pk)}
    assert client.get("/suggest/funnel/?note=business").json() == {"funnel": None}
    assert client.get("/suggest/funnel/").json() == {"funnel": None}


def test_suggestion_endpoint_is_isolated_and_refuses_long_notes(client, user, stranger, funnels):
    spend(user, "2.00", at(3, 1), note="Bus ticket", funnel=funnels[1])
    client.force_login(stranger)
    assert client.get("/suggest/funnel/?note=bus").json() == {"funnel": None}
    response = client.get("/suggest/funnel/?note=" + "x" * 201)
    assert response.status_code == 400
    assert "200 characters" in response.json()["detail"]
    client.logout()
    assert client.get("/suggest/funnel/?note=bus").status_code == 302
