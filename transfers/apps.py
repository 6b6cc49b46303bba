from __future__ import annotations

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Export, backup and restore, import and funnel suggestion (docs/rules.md §9)."""

    name = "transfers"
