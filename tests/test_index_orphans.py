"""A killed `kliping reindex` leaves no writer process behind (they stayed, ~390 MB each)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: A parent that forks a writer-like child as Whoosh's multiprocess writer does, then waits.
PARENT = """
import multiprocessing, sys, time
from index.orphans import die_with_parent_on_fork
if sys.argv[1] == "on":
    die_with_parent_on_fork()
child = multiprocessing.Process(target=time.sleep, args=(60,))
child.start()
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _child_outlives_a_killed_parent(mode: str) -> bool:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, mode], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert _alive(child)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        return _alive(child)
    finally:
        if _alive(child):
            subprocess.run(["kill", "-9", str(child)], check=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_forked_writers_die_with_their_killed_parent() -> None:
    assert not _child_outlives_a_killed_parent("on")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_without_it_they_would_not() -> None:
    """The check above can fail: a plain forked child outlives its killed parent."""
    assert _child_outlives_a_killed_parent("off")


#: A parent that forks a writer-like child and prints both processes' nice values.
NICENESS = """
import contextlib, multiprocessing, os, sys
from index.orphans import die_with_parent_on_fork, writers_yield
die_with_parent_on_fork()
queue = multiprocessing.Queue()
with writers_yield() if sys.argv[1] == "on" else contextlib.nullcontext():
    child = multiprocessing.Process(target=lambda: queue.put(os.nice(0)))
    child.start()
niced = queue.get(timeout=30)
after = multiprocessing.Process(target=lambda: queue.put(os.nice(0)))
after.start()
print(os.nice(0), niced, queue.get(timeout=30), flush=True)
child.join()
after.join()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork hooks as Linux runs them")
@pytest.mark.parametrize("mode", ["on", "off"])
def test_writers_forked_to_index_beside_a_store_yield_the_cpu_to_it(mode: str) -> None:
    """An import's store keeps its core while its writers index; other forks keep the parent's priority."""
    from index.orphans import WRITER_NICENESS

    run = subprocess.run([sys.executable, "-c", NICENESS, mode], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    parent, child, after = map(int, run.stdout.split())
    assert child == (min(parent + WRITER_NICENESS, 19) if mode == "on" else parent)
    assert after == parent
