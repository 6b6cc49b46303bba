"""Income on the web: the dashboard's Income action, editing and deleting, isolation."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from funnels import income as income_services
from funnels.models import Income, Spending

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
CREATE = "/incomes/new/"


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return user


def record(user, **changes) -> Income:
    fields = {"amount": "100.00", "source": "Gift", "shared": True, **changes}
    return income_services.income_create(user=user, **fields)


def test_income_action_sits_in_the_entry_form_next_to_the_amount(client, alice):
    content = client.get("/").content.decode()
    entry = content.split('id="entry"')[1].split("</form>")[0]
    button = re.search(r'<button class="income"[^>]*>', entry).group(0)
    assert 'formaction="/incomes/new/"' in button
    assert 'hx-post="/incomes/new/"' in button
    # Inside the one entry form, after the amount and the funnel keys (those come first so
    # they stay in view with the on-screen keyboard open, docs/rules.md §4).
    assert entry.index('id="amount"') < entry.index('name="funnel"') < entry.index('class="income"')


def test_htmx_income_saves_and_answers_with_the_changed_regions(client, alice):
    response = client.post(CREATE, {"amount": "2 500,00", "source": " Salary "}, **HX)
    assert response.status_code == 200
    income = Income.objects.get()
    assert (income.amount, income.source, income.shared) == (Decimal("2500.00"), "Salary", True)
    assert income.received_by == alice
    content = response.content.decode()
    assert "Saved income 2,500.00 from Salary." in content
    assert 'id="toast"' in content
    assert 'hx-swap-oob="true"' in content
    assert not Spending.objects.exists()


def test_income_without_javascript_redirects_with_a_message(client, alice):
    response = client.post(CREATE, {"amount": "10", "source": "Gift", "private": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Income.objects.get().shared is False
    assert "Saved income 10.00 from Gift." in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "", "source": "Salary"}, "Enter an amount."),
        ({"amount": "abc", "source": "Salary"}, "Enter the amount as a number like 12.50."),
        ({"amount": "0", "source": "Salary"}, "The amount must be more than zero."),
        ({"amount": "-3", "source": "Salary"}, "The amount must be more than zero."),
        ({"amount": "1.2345", "source": "Salary"}, "Use at most 2 decimal places."),
        ({"amount": "10", "source": "  "}, "Say where the money came from, e.g. Salary."),
        ({"amount": "10", "source": "x" * 61}, "Keep the source to 60 characters."),
        ({"amount": "10", "source": "a", "spent_at": "never"}, "Enter a valid date and time."),
    ],
)
def test_bad_income_is_422_with_a_message_and_saves_nothing(client, alice, data, message):
    response = client.post(CREATE, data, **HX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Income.objects.exists()


def test_source_field_remembers_the_members_last_sources(client, alice, member):
    record(alice, source="Salary")
    record(alice, source="Rent from flat")
    record(alice, source="Salary")
    record(member, source="Bob's pay")
    content = client.get("/").content.decode()
    field = re.search(r'<input id="source"[^>]*>', content).group(0)
    assert 'value="Salary"' in field
    options = re.findall(r'<option value="([^"]*)">', content.split('id="income-sources"')[1])
    assert options[:2] == ["Salary", "Rent from flat"]
    assert "Bob&#x27;s pay" not in content


def test_edit_income_changes_it(client, alice):
    income = record(alice)
    page = client.get(f"/incomes/{income.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Gift"' in page.content.decode()
    response = client.post(
        f"/incomes/{income.pk}/edit/",
        {"amount": "150", "source": "Gift from gran", "spent_at": "2026-11-20T10:00", "note": ""},
    )
    assert response.status_code == 302
    income.refresh_from_db()
    assert (income.amount, income.source) == (Decimal("150.00"), "Gift from gran")


def test_edit_with_bad_amount_is_422_and_changes_nothing(client, alice):
    income = record(alice)
    response = client.post(
        f"/incomes/{income.pk}/edit/",
        {"amount": "-1", "source": "X", "spent_at": "2026-11-20T10:00"},
    )
    assert response.status_code == 422
    assert "The amount must be more than zero." in response.content.decode()
    income.refresh_from_db()
    assert (income.amount, income.source) == (Decimal("100.00"), "Gift")


def test_delete_income_asks_then_deletes(client, alice):
    income = record(alice)
    assert "Delete this income?" in client.get(f"/incomes/{income.pk}/delete/").content.decode()
    assert client.post(f"/incomes/{income.pk}/delete/").status_code == 302
    assert not Income.objects.exists()


@pytest.mark.parametrize("viewer_name", ["member", "stranger"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_unseen_income_pages_are_404(client, request, user, viewer_name, action):
    hidden = record(user, shared=viewer_name == "stranger")
    client.force_login(request.getfixturevalue(viewer_name))
    assert client.get(f"/incomes/{hidden.pk}/{action}/").status_code == 404
    response = client.post(
        f"/incomes/{hidden.pk}/{action}/", {"amount": "1", "source": "x", "spent_at": "2026-11-20"}
    )
    assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.amount == Decimal("100.00")


def test_signed_out_income_post_saves_nothing(client):
    response = client.post(CREATE, {"amount": "10", "source": "Gift"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Income.objects.exists()


def test_bad_income_without_javascript_shows_the_page_with_the_message(client, alice):
    response = client.post(CREATE, {"amount": "abc", "source": "Gift", "note": "kept"})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Enter the amount as a number like 12.50." in content
    assert 'value="abc"' in content  # what was typed stays in the field
    assert re.search(r'<input id="source"[^>]*value="Gift"', content)
    assert not Income.objects.exists()


def test_another_member_cannot_make_shared_income_private(client, user, member):
    income = record(user)
    client.force_login(member)
    page = client.get(f"/incomes/{income.pk}/edit/").content.decode()
    assert 'id="private"' not in page  # the choice is only offered to its author
    data = {"amount": "100", "source": "Gift", "spent_at": "2026-11-20T10:00", "private": "on"}
    response = client.post(f"/incomes/{income.pk}/edit/", data)
    assert response.status_code == 422
    assert "Only who recorded this income can make it private." in response.content.decode()
    income.refresh_from_db()
    assert income.shared is True
