"""A real PostgreSQL server for the tests that need one: started once per session by the project's script.

``deploy/dev-postgres.sh`` finds (or, as root, installs) the server binaries and
starts a throwaway server on 127.0.0.1. Without PostgreSQL the tests that need
it are skipped with the reason, except under ``CI=true``, where a server that
does not start fails them: CI must never pass by skipping them. Each test gets
a fresh database of its own (:func:`pg_url`).
"""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "dev-postgres.sh"
_NO_BINARIES = 3
_databases = itertools.count(1)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is needed under CI=true and did not start: {reason}")
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway server's ``kliping`` database, for the whole session."""
    try:
        started = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(str(exc))
    if started.returncode != 0:
        why = "the PostgreSQL binaries are missing" if started.returncode == _NO_BINARIES else "it failed"
        _unavailable(f"{why}: {started.stderr.strip()[-2000:]}")
    found = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    try:
        yield found["KLIPING_PG_URL"]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", found["KLIPING_PG_DIR"]], capture_output=True, timeout=120)


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A new, empty database on the session's server, for one test."""
    import psycopg

    name = f"t{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + "/" + name
