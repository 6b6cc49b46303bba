"""gunicorn configuration (`gunicorn -c budget/gunicorn_conf.py budget.wsgi`, see scripts/start).

Prometheus multiprocess mode (docs/rules.md §10): every worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The folder must be set before any worker
imports prometheus_client, is emptied when the server starts (old files would count twice)
and a worker that exits is marked dead, so its gauges stop counting while its counters stay in
the totals. Without PROMETHEUS_MULTIPROC_DIR in the environment a private temporary folder is
made (and removed on exit), so two servers on one machine never share one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_made_dir = False
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="funnels-metrics-")
    _made_dir = True

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A PDF export of its largest size (2,000 rows) takes WeasyPrint 20–50 s on a small box: past
# gunicorn's default 30 s the worker would be killed halfway (GUNICORN_TIMEOUT to change it).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app logs one JSON line per request (budget.observability); gunicorn's access log would
# add a second, plain-text line holding the raw path (invite codes, re-enrolment tokens).
accesslog = None
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # The app's JSON form (budget.observability.JsonFormatter), built here without importing
    # the app: the master must not create metrics before the workers fork.
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{levelname}{name}{message}",
            "style": "{",
            "timestamp": "time",
            "rename_fields": {"levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    """Empty the multiprocess folder: files of an earlier run would count twice."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Mark an exited worker's live gauges dead (its counters stay in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the temporary multiprocess folder this configuration made."""
    if _made_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
