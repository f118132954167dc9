"""What the CLI says when the user's setup or files are wrong: one line naming the path and the fix,
an exit code that means something, never a traceback."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from corpus import corpus_records

from index.archive import Archive
from kliping.cli import main


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def one_line_error(result: Result) -> str:
    """The error line, after checking there is exactly one and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    return errors[0]


def write_config(tmp_path: Path, data_dir: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {data_dir}\nsources: []\n")
    return config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, tmp_path / "data")


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config whose data_dir holds a small imported archive."""
    root = tmp_path_factory.mktemp("archived")
    config = write_config(root, root / "data")
    (root / "some.jsonl").write_text("\n".join(json.dumps(r) for r in corpus_records(40, every=50)) + "\n")
    result = run(config, "import", str(root / "some.jsonl"))
    assert result.exit_code == 0, result.output
    return config


# -- an empty archive --------------------------------------------------------

def test_search_before_anything_is_archived_says_so_and_exits_3(config: Path) -> None:
    result = run(config, "search", "banjir")
    assert result.exit_code == 3, result.output
    assert "nothing archived yet: run kliping crawl or kliping import" in one_line_error(result)


def test_search_when_the_archive_holds_nothing_says_so_and_exits_3(config: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    run(config, "import", str(tmp_path / "bad.jsonl"))  # creates the archive and the index, empty
    result = run(config, "search", "banjir")
    assert result.exit_code == 3, result.output
    assert "nothing archived yet: run kliping crawl or kliping import" in one_line_error(result)


def test_search_with_an_archive_of_no_articles_and_no_index_dir_says_so_and_exits_3(config: Path,
                                                                                    tmp_path: Path) -> None:
    Archive(tmp_path / "data" / "archive.sqlite3").close()  # the file and its tables, no article
    assert not (tmp_path / "data" / "index").exists()
    result = run(config, "search", "banjir")
    assert result.exit_code == 3, result.output
    assert "nothing archived yet: run kliping crawl or kliping import" in one_line_error(result)


def test_search_with_articles_but_no_index_says_reindex_not_nothing_archived(config: Path, tmp_path: Path) -> None:
    (tmp_path / "some.jsonl").write_text("\n".join(json.dumps(r) for r in corpus_records(3, every=50)) + "\n")
    assert run(config, "import", str(tmp_path / "some.jsonl")).exit_code == 0
    shutil.rmtree(tmp_path / "data" / "index")
    result = run(config, "search", "banjir")
    assert result.exit_code == 4, result.output
    error = one_line_error(result)
    assert "holds 3 articles but there is no index" in error and "kliping reindex" in error, error


# -- the data directory --------------------------------------------------------

@pytest.mark.parametrize("command", [["search", "banjir"], ["import", "{file}"], ["reindex"]])
def test_a_data_dir_that_is_a_file_is_named_with_the_fix(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "afile").write_text("not a directory")
    (tmp_path / "x.jsonl").write_text(json.dumps(next(corpus_records(1))) + "\n")
    config = write_config(tmp_path, tmp_path / "afile")
    result = run(config, *[arg.format(file=tmp_path / "x.jsonl") for arg in command])
    line = one_line_error(result)
    assert result.exit_code == 2, result.output
    assert str(tmp_path / "afile") in line and "is a file" in line and "data_dir" in line


def test_a_read_only_data_dir_is_named_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.archive

    data = tmp_path / "data"
    data.mkdir()
    real_access = index.archive.os.access
    monkeypatch.setattr(index.archive.os, "access", lambda p, mode: False if Path(p) == data else real_access(p, mode))
    (tmp_path / "x.jsonl").write_text(json.dumps(next(corpus_records(1))) + "\n")
    result = run(write_config(tmp_path, data), "import", str(tmp_path / "x.jsonl"))
    line = one_line_error(result)
    assert result.exit_code == 2, result.output
    assert str(data) in line and "writable" in line


def test_a_data_dir_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    (tmp_path / "x.jsonl").write_text(json.dumps(next(corpus_records(1))) + "\n")
    result = run(write_config(tmp_path, tmp_path / "afile" / "data"), "import", str(tmp_path / "x.jsonl"))
    line = one_line_error(result)
    assert result.exit_code == 2, result.output
    assert str(tmp_path / "afile") in line and "data_dir" in line


# -- a damaged archive --------------------------------------------------------

def _damaged_copy(archived: Path, tmp_path: Path, how: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    source = archived.parent / "data"
    for entry in source.iterdir():  # the index too: only the archive is damaged
        if entry.is_dir():
            shutil.copytree(entry, data / entry.name)
    with sqlite3.connect(source / "archive.sqlite3") as db:  # everything in the main file, none in the WAL
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive = (source / "archive.sqlite3").read_bytes()
    damaged = archive[: len(archive) // 3] if how == "truncated" else bytes(range(256)) * 200
    (data / "archive.sqlite3").write_bytes(damaged)
    return write_config(tmp_path, data)


@pytest.mark.parametrize("how", ["truncated", "garbage"])
@pytest.mark.parametrize("command", [["search", "jakarta"], ["status"], ["import", "{file}"], ["reindex"]])
def test_a_damaged_archive_is_one_line_naming_it(archived: Path, tmp_path: Path, how: str,
                                                 command: list[str]) -> None:
    config = _damaged_copy(archived, tmp_path, how)
    (tmp_path / "x.jsonl").write_text(json.dumps(next(corpus_records(1))) + "\n")
    result = run(config, *[arg.format(file=tmp_path / "x.jsonl") for arg in command])
    line = one_line_error(result)
    assert result.exit_code == 1, result.output
    assert str(tmp_path / "data" / "archive.sqlite3") in line and "unreadable" in line and "backup" in line


# -- paging and --like --------------------------------------------------------

def test_a_page_past_the_last_says_there_is_nothing_on_it(archived: Path) -> None:
    result = run(archived, "search", "jakarta", "--page", "100000")
    assert result.exit_code == 3, result.output
    assert "no results on page 100000" in result.output and "showing" not in result.output


def test_like_and_a_query_together_are_refused(archived: Path) -> None:
    result = run(archived, "search", "banjir", "--like", "abc")
    assert result.exit_code == 2, result.output
    assert "not both" in result.output


# -- kliping import --------------------------------------------------------------

def _lines(count: int) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in corpus_records(count, every=50)]


def imported(config: Path, path: Path, lines: list[str], code: int = 1) -> Result:
    """``kliping import`` of ``lines`` written to ``path``, which must end with exit code ``code``."""
    path.write_text("\n".join(lines) + "\n")
    result = run(config, "import", str(path))
    assert result.exit_code == code, result.output
    return result


def test_a_record_with_a_numeric_published_is_skipped_by_line_and_the_rest_indexed(config: Path,
                                                                                  tmp_path: Path) -> None:
    lines = _lines(6)
    bad = dict(json.loads(lines[2]), url="https://x.id/angka", published=1638316800)
    lines.insert(3, json.dumps(bad))
    result = imported(config, tmp_path / "some.jsonl", lines)
    assert "some.jsonl:4: skipped: 'published' should be text" in result.output
    assert "new 6" in result.output and "indexed 6" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("field,value", [("authors", 7), ("source", ["a"]), ("body", 12), ("fetched_at", 1.5)])
def test_records_with_mistyped_fields_are_skipped(config: Path, tmp_path: Path, field: str, value: object) -> None:
    lines = _lines(2)
    lines.append(json.dumps(dict(json.loads(lines[0]), url="https://x.id/salah", **{field: value})))
    result = imported(config, tmp_path / "some.jsonl", lines)
    assert f"some.jsonl:3: skipped: '{field}' should be" in result.output and "indexed 2" in result.output


def test_a_gz_file_that_is_not_gzip_is_one_usage_error(config: Path, tmp_path: Path) -> None:
    result = imported(config, tmp_path / "plain.jsonl.gz", _lines(2), code=2)
    assert "plain.jsonl.gz is not a gzip file" in one_line_error(result)
    assert "Aborted" not in result.output


def test_a_truncated_gz_file_imports_what_it_holds_and_says_where_it_ended(config: Path, tmp_path: Path) -> None:
    import gzip

    whole = gzip.compress(("\n".join(_lines(40)) + "\n").encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    result = run(config, "import", str(tmp_path / "cut.jsonl.gz"))
    assert result.exit_code == 1, result.output
    line = one_line_error(result)
    assert "cut.jsonl.gz cannot be read after line" in line and "truncated" in line
    assert "Aborted" not in result.output
    assert "new 0" not in result.output and "indexed 0" not in result.output  # what it held is archived and indexed


def test_a_full_disk_stops_the_import_with_one_line(config: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from index.archive import Archive

    real_upsert = Archive.upsert
    calls = []

    def upsert(self, article):  # type: ignore[no-untyped-def]
        calls.append(article.url)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_upsert(self, article)

    monkeypatch.setattr(Archive, "upsert", upsert)
    result = imported(config, tmp_path / "many.jsonl", _lines(40))
    line = one_line_error(result)
    assert "many.jsonl:4: no space left on device" in line and "after 3 new" in line
    assert len(calls) == 4, "it stops at the first failure"
    assert result.output.count("no space left") == 1


def test_a_failing_archive_stops_the_import_instead_of_skipping_every_line(config: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from index.archive import Archive
    from kliping.errors import ArchiveError

    def upsert(self, article):  # type: ignore[no-untyped-def]
        raise ArchiveError("the disk holding the archive is full; free some space and run again")

    monkeypatch.setattr(Archive, "upsert", upsert)
    result = imported(config, tmp_path / "many.jsonl", _lines(20))
    assert "many.jsonl:1:" in one_line_error(result) and "skipped" not in result.output


def test_a_failing_last_commit_stops_the_import_and_counts_only_what_was_committed(
        config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index.archive import Archive
    from kliping.errors import ArchiveError

    def commit(self, batch):  # type: ignore[no-untyped-def]
        self.db.execute("ROLLBACK")
        batch.pending = 0
        raise ArchiveError("archive write failed: database or disk is full")

    monkeypatch.setattr(Archive, "_commit_batch", commit)
    result = imported(config, tmp_path / "few.jsonl", _lines(3))
    line = one_line_error(result)
    assert "few.jsonl: archive write failed" in line and "before any record was archived" in line


def test_a_full_disk_anywhere_is_one_line(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from index.store import SearchIndex

    def full(self, archive, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path / "_MAIN_1.toc"))

    monkeypatch.setattr(SearchIndex, "catch_up", full)
    result = imported(config, tmp_path / "some.jsonl", _lines(2))
    assert "no space left on the device writing" in one_line_error(result)


# -- kliping serve --------------------------------------------------------------

@pytest.fixture
def fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> list[dict]:  # type: ignore[type-arg]
    """``serve`` records what it would start instead of starting it."""
    import search.api.server

    started: list[dict] = []  # type: ignore[type-arg]
    monkeypatch.setattr(search.api.server, "serve", lambda app, **options: started.append(options))
    monkeypatch.delenv("KLIPING_API_TOKEN", raising=False)
    return started


def test_a_port_in_use_is_a_clear_usage_error(config: Path, fake_uvicorn: list) -> None:  # type: ignore[type-arg]
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run(config, "serve", "--port", str(port))
    assert result.exit_code == 2, result.output
    assert f"port {port} is in use" in one_line_error(result) and "--port" in result.output
    assert not fake_uvicorn


def test_uvicorns_startup_failure_is_not_nothing_found(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.api.server

    def fail(app, **options):  # type: ignore[no-untyped-def]
        raise SystemExit(3)  # uvicorn's STARTUP_FAILURE, e.g. when it loses a race for the port

    monkeypatch.setattr(search.api.server, "serve", fail)
    result = run(config, "serve", "--port", "0")
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize(("host", "token", "warned"), [
    ("0.0.0.0", None, True), ("192.0.2.1", None, True), ("0.0.0.0", "rahasia", False),
    ("127.0.0.1", None, False), ("localhost", None, False), ("::1", None, False),
])
def test_listening_beyond_loopback_without_a_token_warns(config: Path, fake_uvicorn: list,  # type: ignore[type-arg]
                                                         caplog: pytest.LogCaptureFixture, monkeypatch, host: str,
                                                         token: str | None, warned: bool) -> None:
    import kliping.cli.serve

    monkeypatch.setattr(kliping.cli.serve, "check_address", lambda host, port: None)
    if token:
        monkeypatch.setenv("KLIPING_API_TOKEN", token)
    with caplog.at_level("WARNING", logger="kliping.serve"):
        result = run(config, "serve", "--host", host, "--port", "0")
    assert result.exit_code == 0, result.output
    assert fake_uvicorn and fake_uvicorn[0]["host"] == host
    warnings = [r.getMessage() for r in caplog.records if r.name == "kliping.serve"]
    assert bool(warnings) == warned, warnings
    if warned:
        assert "without a token" in warnings[0] and host in warnings[0]


@pytest.mark.parametrize("command", [["status"], ["crawl"], ["daemon"]])
def test_every_command_names_a_data_dir_that_is_a_file(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "afile").write_text("not a directory")
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'afile'}\nsources:\n  - name: lokal\n    feeds: [http://127.0.0.1:9/f]\n")
    result = run(config, *command)
    assert result.exit_code == 2, result.output
    line = one_line_error(result)
    assert f"data_dir {tmp_path / 'afile'} is a file" in line
