"""Measure tap-to-updated-figures in Chromium (not part of the suite: no test_ prefix).

Run: .venv/bin/pytest funnels/tests/measure_entry.py -q -s -p no:cacheprovider
Prints the median and p95 over 25 spendings; asserts nothing about speed.
"""

from __future__ import annotations

import statistics

import pytest

from funnels.models import Funnel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = 25
TAP_TO_FIGURES = """async (pk) => {
  const daily = document.getElementById(`daily-${pk}`);
  const before = daily.textContent;
  const input = document.getElementById("amount");
  input.value = "1";
  input.dispatchEvent(new Event("input", { bubbles: true }));
  const start = performance.now();
  document.querySelector(`#funnel-pad button[value="${pk}"]`).click();
  await new Promise((resolve) => {
    const check = () => {
      const now = document.getElementById(`daily-${pk}`);
      if (now && now.textContent !== before && input.value === "") resolve();
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - start;
}"""


def test_measure_tap_to_updated_figures(signed_in_page, user):
    food = Funnel.objects.get(owner=user, name="Food")
    page = signed_in_page(user)
    page.goto("/")
    samples = [page.evaluate(TAP_TO_FIGURES, str(food.pk)) for _ in range(SAMPLES)]
    samples.sort()
    p95 = samples[round(0.95 * (len(samples) - 1))]
    print(f"\ntap-to-updated-figures over {len(samples)} samples: "
          f"median {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms")  # fmt: skip
