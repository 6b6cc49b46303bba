"""The funnels page: list in display order, reorder, create, edit, delete or move spendings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db


def names_in_order(user) -> list[str]:
    return [f.name for f in Funnel.objects.visible_to(user).in_display_order()]


def valid_post(**changes: str) -> dict[str, str]:
    data = {
        "name": "Fun",
        "emoji": "🎉",
        "emoji_typed": "",
        "color": "#ba68c8",
        "color_custom": "#000000",
        "monthly_limit": "150,50",
        "shared": "personal",
    }
    data.update(changes)
    return data


def test_list_shows_visible_funnels_in_display_order(client, alice, member):
    FunnelFactory(household=alice.household, name="Holidays", position=99)
    FunnelFactory(household=alice.household, owner=member, name="Bobs own")
    content = client.get("/funnels/").content.decode()
    assert content.index("Food") < content.index("Misc") < content.index("Holidays")
    assert "Bobs own" not in content


def test_move_down_and_up_reorders(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    response = client.post(f"/funnels/{food.pk}/move/", {"direction": "down"})
    assert response.status_code == 302
    assert names_in_order(alice) == ["Misc", "Food"]
    client.post(f"/funnels/{food.pk}/move/", {"direction": "up"})
    assert names_in_order(alice) == ["Food", "Misc"]
    # Moving the first one up changes nothing.
    client.post(f"/funnels/{food.pk}/move/", {"direction": "up"})
    assert names_in_order(alice) == ["Food", "Misc"]


def test_move_with_a_bad_direction_is_a_400(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    assert client.post(f"/funnels/{food.pk}/move/", {"direction": "sideways"}).status_code == 400
    assert names_in_order(alice) == ["Food", "Misc"]


def test_create_personal_funnel_from_the_picker_and_palette(client, alice):
    response = client.post("/funnels/new/", valid_post())
    assert response.status_code == 302
    funnel = Funnel.objects.get(name="Fun")
    assert (funnel.emoji, funnel.color, funnel.monthly_limit, funnel.owner) == (
        "🎉",
        "#ba68c8",
        Decimal("150.50"),
        alice,
    )
    assert names_in_order(alice)[-1] == "Fun"


def test_create_shared_funnel_with_typed_emoji_and_own_colour(client, alice, member):
    response = client.post(
        "/funnels/new/",
        valid_post(emoji_typed="👨‍👩‍👧", color="custom", color_custom="#1A2B3C", shared="shared"),
    )
    assert response.status_code == 302
    funnel = Funnel.objects.get(name="Fun")
    assert (funnel.emoji, funnel.color, funnel.owner) == ("👨‍👩‍👧", "#1a2b3c", None)
    assert funnel in Funnel.objects.visible_to(member)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Give the funnel a name."),
        ({"name": "x" * 41}, "at most 40 characters"),
        ({"emoji": "", "emoji_typed": ""}, "Pick an emoji or type one."),
        ({"emoji_typed": "ab"}, "Pick exactly one emoji."),
        ({"emoji_typed": "🍞🍞"}, "Pick exactly one emoji."),
        ({"color": "custom", "color_custom": "red"}, "Use a colour like #ffa500."),
        ({"color": "", "color_custom": ""}, "Pick a colour."),
        ({"monthly_limit": "-1"}, "The monthly limit cannot be negative."),
        ({"monthly_limit": "lots"}, "Enter the amount as a number like 12.50."),
        ({"monthly_limit": ""}, "Enter a monthly limit."),
        ({"monthly_limit": "NaN"}, "Enter the amount as a number like 12.50."),
        ({"shared": "everyone"}, "Select a valid choice."),
    ],
)
def test_create_with_bad_input_shows_the_message_and_saves_nothing(client, alice, changes, message):
    response = client.post("/funnels/new/", valid_post(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Funnel.objects.filter(name__in=["Fun", "x" * 41]).exists()
    assert Funnel.objects.count() == 2


def test_edit_form_starts_at_the_current_values(client, alice):
    funnel = FunnelFactory(household=alice.household, name="Pets", emoji="🦜", color="#123456")
    content = client.get(f"/funnels/{funnel.pk}/edit/").content.decode()
    assert 'value="Pets"' in content
    # An emoji outside the picker shows up in the typed-emoji field.
    assert 'value="🦜"' in content
    # The native picker starts at the current colour, which is not in the palette.
    assert 'type="color" value="#123456"' in content
    assert 'value="custom" id="color-custom-radio" checked' in content


def test_edit_changes_the_funnel_and_can_share_it(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    response = client.post(
        f"/funnels/{food.pk}/edit/",
        valid_post(name="Groceries", emoji="🛒", color="#4fc3f7", shared="shared"),
    )
    assert response.status_code == 302
    food.refresh_from_db()
    assert (food.name, food.emoji, food.color, food.owner) == ("Groceries", "🛒", "#4fc3f7", None)


def test_edit_with_bad_input_changes_nothing(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    response = client.post(f"/funnels/{food.pk}/edit/", valid_post(monthly_limit="1e400"))
    assert response.status_code == 422
    food.refresh_from_db()
    assert food.monthly_limit == Decimal("2000.00")


def test_delete_page_says_how_many_spendings_go_with_it(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory.create_batch(3, funnel=food, created_by=alice)
    content = client.get(f"/funnels/{food.pk}/delete/").content.decode()
    assert "3 spendings are in this funnel." in content
    assert "Move them to" in content
    assert Funnel.objects.filter(pk=food.pk).exists()


def test_delete_with_its_spendings(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory.create_batch(2, funnel=food, created_by=alice)
    response = client.post(f"/funnels/{food.pk}/delete/", {"move_to": ""})
    assert response.status_code == 302
    assert not Funnel.objects.filter(pk=food.pk).exists()
    assert not Spending.objects.exists()


def test_delete_moving_the_spendings_to_another_funnel(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    misc = Funnel.objects.get(owner=alice, name="Misc")
    SpendingFactory.create_batch(2, funnel=food, created_by=alice)
    response = client.post(f"/funnels/{food.pk}/delete/", {"move_to": str(misc.pk)})
    assert response.status_code == 302
    assert not Funnel.objects.filter(pk=food.pk).exists()
    assert misc.spendings.count() == 2


def test_delete_cannot_move_spendings_into_a_funnel_one_cannot_see(client, alice, member):
    food = Funnel.objects.get(owner=alice, name="Food")
    bobs = Funnel.objects.get(owner=member, name="Food")
    SpendingFactory(funnel=food, created_by=alice)
    for target in (str(bobs.pk), str(food.pk), "garbage"):
        response = client.post(f"/funnels/{food.pk}/delete/", {"move_to": target})
        assert response.status_code == 422
        assert "Pick one of your other funnels." in response.content.decode()
    assert food.spendings.count() == 1


def test_funnels_of_others_are_404(client, alice, member, stranger):
    for funnel in (
        Funnel.objects.get(owner=member, name="Food"),
        Funnel.objects.get(owner=stranger, name="Food"),
    ):
        assert client.get(f"/funnels/{funnel.pk}/edit/").status_code == 404
        assert client.post(f"/funnels/{funnel.pk}/edit/", valid_post()).status_code == 404
        assert client.post(f"/funnels/{funnel.pk}/delete/").status_code == 404
        assert client.post(f"/funnels/{funnel.pk}/move/", {"direction": "up"}).status_code == 404
    assert Funnel.objects.count() == 6
