"""The per-source failure budget: a failing source is backed off, a success clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli_runner import kliping_json
from daemon_process import DaemonProcess, wait_for

from index.archive import Archive
from ingest.budget import FailureBudget
from ingest.crawl import SourceSummary
from kliping.config import DaemonConfig

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def failed() -> SourceSummary:
    summary = SourceSummary("s")
    summary.fail("http://x/rss", "discovery failed: HTTP 503")
    return summary


def budget(tmp_path: Path, allowed: int = 2, max_backoff: str = "1h") -> FailureBudget:
    return FailureBudget(Archive(tmp_path / "a.sqlite3"), DaemonConfig(failure_budget=allowed, max_backoff=max_backoff))


def test_failures_within_the_budget_do_not_back_off(tmp_path: Path) -> None:
    b = budget(tmp_path)
    for _ in range(2):
        state = b.record("s", failed(), interval=60, now=NOW)
    assert state.failures == 2 and state.backoff_until is None
    assert b.backing_off("s", NOW) is None


def test_each_failure_past_the_budget_doubles_the_pause_up_to_the_cap(tmp_path: Path) -> None:
    b = budget(tmp_path, max_backoff="300s")
    pauses = []
    for _ in range(6):
        state = b.record("s", failed(), interval=60, now=NOW)
        pauses.append((datetime.fromisoformat(state.backoff_until) - NOW).seconds if state.backoff_until else 0)
    assert pauses == [0, 0, 60, 120, 240, 300]
    assert b.backing_off("s", NOW + timedelta(seconds=200))
    assert b.backing_off("s", NOW + timedelta(seconds=301)) is None
    assert b.state("s").last_error == "discovery failed: HTTP 503"


def test_a_run_that_stores_anything_clears_the_budget(tmp_path: Path) -> None:
    b = budget(tmp_path, allowed=1)
    b.record("s", failed(), interval=60, now=NOW)
    b.record("s", failed(), interval=60, now=NOW)
    partly = failed()
    partly.new = 1
    state = b.record("s", partly, interval=60, now=NOW)
    assert (state.failures, state.backoff_until, state.last_ok) == (0, None, NOW.isoformat(timespec="seconds"))


def test_the_daemon_backs_off_a_dead_source_and_says_so(make_config) -> None:  # type: ignore[no-untyped-def]
    dead = {"name": "mati", "feeds": ["http://127.0.0.1:9/rss.xml"], "every": "1s"}
    config = make_config([dead], daemon={"jitter": 0, "failure_budget": 2, "max_backoff": "1h"})
    daemon = DaemonProcess(config)
    try:
        daemon.wait_log("event=run_skipped source=mati reason=backoff")
        source = kliping_json(config, "status")["sources"][0]
        assert source["backoff"]["failures_in_a_row"] >= 3  # pauses of 1s, 2s, 4s...: it may be between two
        assert "discovery failed" in source["last_error"]
        assert "event=backoff failures=3 pause_s=1" in daemon.log()
        wait_for(lambda: "event=backoff failures=4 pause_s=2" in daemon.log(), 10, "a doubled pause")
        log = daemon.log()
        assert log.count("event=run_skipped") >= 1, "runs inside a pause are skipped"
        assert daemon.terminate() == 0
    finally:
        daemon.stop()


def test_a_dead_feed_beside_known_articles_is_not_a_failing_source(tmp_path: Path) -> None:
    """A quiet night: one feed is down, the other lists only articles already stored."""
    b = budget(tmp_path, allowed=1)
    quiet = failed()
    quiet.known = 12
    state = b.record("s", quiet, interval=60, now=NOW)
    assert (state.failures, state.backoff_until) == (0, None)
