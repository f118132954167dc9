"""No query takes search down: fuzzy terms and wildcards are bounded as documented, every query
has a time and expansion budget it stops at, and the API runs one expanding query at a time."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from test_api_support import Dataset

from kliping.app import open_archive, open_index
from kliping.errors import QueryError, QueryTooCostly
from search import engine as engine_module
from search.api.app import create_app
from search.cost import QueryBudget, expands
from search.engine import Engine, SearchRequest
from search.query import check_expansion, parse_query

pytest_plugins = ["test_api_support"]

#: The flood of the hardening report: 25 two-edit fuzzy terms sharing two letters.
FUZZY_FLOOD = " ".join(f"pe{c}~2" for c in "abcdefghijklmnopqrstuvwxy")


@pytest.fixture(scope="module")
def engine(dataset: Dataset) -> Engine:
    return Engine(open_index(dataset.config), open_archive(dataset.config, readonly=True))


def test_a_fuzzy_term_needs_more_letters_than_its_fixed_prefix(engine: Engine) -> None:
    with pytest.raises(QueryError, match="too short"):
        engine.search(SearchRequest(query="a~"))
    with pytest.raises(QueryError, match="too short"):
        engine.search(SearchRequest(query="ba~2"))
    assert engine.search(SearchRequest(query="banjr~")).total > 0


def test_a_query_stops_when_its_time_is_up(engine: Engine) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTooCostly, match="ran out"):
        engine.search(SearchRequest(query=FUZZY_FLOOD, time_budget=1e-9))
    assert engine.search(SearchRequest(query="banjir", time_budget=10.0)).total > 0
    assert time.monotonic() - started < 30


def test_expansions_are_bounded_for_the_whole_query(engine: Engine) -> None:
    reader = engine.searcher().reader()
    parsed = parse_query("ba* ja* ke*", reader.schema)
    check_expansion(parsed, reader, budget=QueryBudget(None, words=100_000))
    with pytest.raises(QueryTooCostly, match="expand to more than"):
        check_expansion(parse_query("ba* ja* ke*", reader.schema), reader, budget=QueryBudget(None, words=20))


@pytest.mark.parametrize(("query", "expanding"), [
    ("korup*", True), ("ba?jir", True), ("*jir", True), ("banjr~", True), ("banjr~2 gempa", True),
    ("banjir", False), ("siapa Imam Nahrawi ?", False), ("Apa penyebab banjir?", False), ('"Joko Widodo"', False),
])
def test_queries_that_may_expand_are_told_from_the_text(query: str, expanding: bool) -> None:
    assert expands(query) is expanding


def test_plain_queries_do_not_wait_behind_an_expanding_one(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """An expanding query may run for seconds; it has its own searcher, so a plain query answers meanwhile."""
    real = engine_module.check_expansion
    started = threading.Event()

    def slow_expansion(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is slow:  # the expanding query's expansion takes its time
            started.set()
            time.sleep(3.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_module, "check_expansion", slow_expansion)
    slow = threading.Thread(target=engine.search, args=(SearchRequest(query="banjr~"),))
    slow.start()
    try:
        assert started.wait(10)
        began = time.monotonic()
        assert engine.search(SearchRequest(query="banjir")).total > 0
        waited = time.monotonic() - began
        assert slow.is_alive(), "the expanding query should still be running"
    finally:
        slow.join()
    assert waited < 2.5


def test_the_budget_counts_time_and_words() -> None:
    now = [0.0]
    budget = QueryBudget(2.0, words=3, clock=lambda: now[0])
    budget.check()
    now[0] = 2.5
    with pytest.raises(QueryTooCostly):
        budget.check()
    words = QueryBudget(None, words=2)
    words.spend_word("a")
    words.spend_word("b")
    with pytest.raises(QueryTooCostly):
        words.spend_word("c")


def test_the_api_runs_one_expanding_query_at_a_time_and_plain_ones_go_on(dataset: Dataset) -> None:
    app = create_app(dataset.config)
    with TestClient(app) as client:
        slots = app.state.services.expensive
        assert slots.acquire(blocking=False)  # as if a fuzzy flood were running
        try:
            busy = client.get("/search", params={"q": "banj*"})
            assert busy.status_code == 429 and busy.json()["error"]["code"] == "busy"
            assert busy.headers["Retry-After"] == "2"
            assert client.get("/search", params={"q": "banjir"}).status_code == 200
        finally:
            slots.release()
        assert client.get("/search", params={"q": "banj*"}).status_code == 200
        assert client.get("/search", params={"q": "banj*"}).status_code == 200  # the slot came back


def test_the_api_answers_an_over_budget_query_with_a_clear_error(dataset: Dataset) -> None:
    with TestClient(create_app(dataset.config)) as client:
        response: httpx.Response = client.get("/search", params={"q": "a~"})
        assert response.status_code == 400 and "too short" in response.json()["error"]["message"]


def test_expanding_queries_run_in_a_worker_process_that_is_replaced_when_it_dies(dataset: Dataset) -> None:
    """The worker holds no lock the server's threads need; killed, it costs the query in flight at most."""
    app = create_app(dataset.config)
    with TestClient(app) as client:
        assert client.get("/search", params={"q": "banj*"}).status_code == 200
        worker = app.state.services.worker
        pid = worker.process_id()
        assert pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        statuses = [client.get("/search", params={"q": "banj*"}).status_code for _ in range(2)]
        assert statuses[0] in (200, 503) and statuses[1] == 200, statuses
        assert worker.process_id() != pid
        assert client.get("/search", params={"q": "banjir"}).status_code == 200
