"""Run manage.py in a fresh interpreter: settings read the environment only at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(
    *args: str, env: dict[str, str], unset: Collection[str] = (), timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` with this process's environment minus `unset`, plus `env`."""
    kept = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**kept, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
