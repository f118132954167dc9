"""``kliping import`` then ``kliping search`` as a user runs them: real processes, real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import ROOT, kliping, kliping_json
from corpus import corpus_records


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    config = root / "config.yaml"
    config.write_text(f"data_dir: {root / 'data'}\nsources: []\n")
    lines = [json.dumps(r, ensure_ascii=False) for r in corpus_records(200, every=100)]
    lines.insert(5, "{not json")
    lines.insert(9, '["a list"]')
    lines.insert(12, json.dumps({"url": "https://x.id/a", "title": "", "body": "tanpa judul"}))
    (root / "old.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kliping(config, "import", str(root / "old.jsonl"))
    assert result.returncode == 1, result.stderr  # some lines were skipped
    assert "new 200" in result.stdout
    assert "old.jsonl:6: skipped" in result.stderr and "old.jsonl:10: skipped" in result.stderr
    return config


def test_import_is_idempotent(imported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.jsonl"
    again.write_text("\n".join(json.dumps(r) for r in corpus_records(10, every=100)) + "\n")
    result = kliping(imported, "import", str(again))
    assert result.returncode == 0 and "new 0" in result.stdout and "unchanged 10" in result.stdout
    assert kliping_json(imported, "status")["archive"]["articles"] == 200


def test_json_output(imported: Path) -> None:
    found = kliping_json(imported, "search", "jakarta", "--limit", "3")
    assert found["total"] > 3 and len(found["hits"]) == 3
    assert set(found["hits"][0]) >= {"id", "url", "title", "source", "published", "score", "snippet"}


def test_csv_output(imported: Path) -> None:
    result = kliping(imported, "search", "jakarta", "--csv", "--limit", "5")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "published", "source", "title", "author", "url", "score", "snippet"]
    assert len(rows) == 6


def test_plain_text_output_has_no_colour_codes_when_piped(imported: Path) -> None:
    result = kliping(imported, "search", "jakarta")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout and "1. " in result.stdout


def test_nothing_found_exits_3(imported: Path) -> None:
    result = kliping(imported, "search", "xyzzyqwerty")
    assert result.returncode == 3 and "no articles found" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"sanksi rusia'], "unclosed double quote"),
        (["banjir", "--from", "2021-13-45"], "not a real date"),
        (["banjir", "--from", "2021-12", "--to", "2021-01"], "the date range is empty"),
        (["a*"], "too broad"),
    ],
)
def test_bad_queries_are_one_line_errors(imported: Path, args: list[str], message: str) -> None:
    result = kliping(imported, "search", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_config_says_how_to_fix(tmp_path: Path) -> None:
    result = kliping(tmp_path / "none.yaml", "status")
    assert result.returncode == 2 and "--config PATH" in result.stderr


def test_facets_in_text_output(imported: Path) -> None:
    result = kliping(imported, "search", "jakarta", "--facets")
    assert "by source:" in result.stdout and "by month:" in result.stdout


def test_search_and_reindex_leave_an_empty_data_dir_empty(make_config, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reading commands create no archive: they say there is nothing yet."""
    config = make_config([{"name": "lokal", "feeds": ["http://127.0.0.1:9/feed"]}])
    searched = kliping(config, "search", "banjir")
    reindexed = kliping(config, "reindex")
    assert searched.returncode != 0 and "kliping crawl" in searched.stderr + searched.stdout
    assert reindexed.returncode != 0 and "kliping crawl" in reindexed.stderr + reindexed.stdout
    assert not list(tmp_path.rglob("archive.sqlite3"))


TEARDOWN_PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
    "from kliping.cli import run\n"
    "sys.argv = ['kliping'] + sys.argv[1:]\n"
    "run()\n"
)


def probe(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``kliping`` run through its console-script function, telling on stderr whether Python's teardown ran."""
    return subprocess.run([sys.executable, "-c", TEARDOWN_PROBE, "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("query,code", [("jakarta", 0), ("xyzzyqwerty", 3)])
def test_a_search_ends_without_teardown_and_loses_no_output(imported: Path, query: str, code: int) -> None:
    """A search skips Python's teardown (40-70 ms at 100,000 documents), yet every byte of its output is out and
    its exit code stands."""
    result = probe(imported, "search", query, "--json", "--limit", "100")
    assert result.returncode == code, result.stderr
    assert "teardown ran" not in result.stderr
    found = json.loads(result.stdout)  # the whole document was flushed
    assert (len(found["hits"]) == min(found["total"], 100)) if code == 0 else found["hits"] == []


@pytest.mark.parametrize("args,code", [(["status"], 0), (["search", "judul:(banjir"], 2)])
def test_other_commands_and_errors_end_the_ordinary_way(imported: Path, args: list[str], code: int) -> None:
    result = probe(imported, *args)
    assert result.returncode == code, result.stderr
    assert "teardown ran" in result.stderr
