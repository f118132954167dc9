"""The PostgreSQL fixture skips without a server, except under CI=true, where it fails."""

from __future__ import annotations

import pytest
from pgserver import _unavailable


def test_without_postgres_the_tests_skip_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="binaries are missing"):
        _unavailable("the PostgreSQL binaries are missing")


def test_under_ci_a_server_that_does_not_start_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _unavailable("initdb failed")
