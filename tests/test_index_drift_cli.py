"""The index drifting from the archive, as a user meets it: a partial restore, an older archive, `kliping status`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_runner import kliping, kliping_json
from corpus import corpus_records


def setup(tmp_path: Path, records: list[dict]) -> Path:  # type: ignore[type-arg]
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nsources: []\n")
    write(tmp_path / "first.jsonl", records)
    assert kliping(config, "import", str(tmp_path / "first.jsonl")).returncode == 0
    return config


def write(path: Path, records: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_import_after_losing_the_index_toc_indexes_the_whole_archive(tmp_path: Path) -> None:
    records = list(corpus_records(30, every=100))
    config = setup(tmp_path, records[:25])
    for toc in (tmp_path / "data" / "index").glob("_MAIN_*.toc"):
        toc.unlink()
    result = kliping(config, "import", str(write(tmp_path / "more.jsonl", records[25:])))
    assert result.returncode == 0, result.stderr
    assert "indexed 30" in result.stdout
    status = kliping_json(config, "status")
    assert status["index"]["documents"] == 30 and status["index"]["in_step"]


def test_an_older_archive_is_shown_by_status_and_import_names_reindex(tmp_path: Path) -> None:
    records = list(corpus_records(30, every=100))
    config = setup(tmp_path, records[:20])
    archive = tmp_path / "data" / "archive.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    # the import process closed the archive, so its WAL is checkpointed into the file copied here
    shutil.copy(archive, backup)
    assert kliping(config, "import", str(write(tmp_path / "b.jsonl", records[20:28]))).returncode == 0
    assert "in step with the archive" in kliping(config, "status").stdout
    for stale in archive.parent.glob("archive.sqlite3*"):
        stale.unlink()
    shutil.copy(backup, archive)
    result = kliping(config, "import", str(write(tmp_path / "c.jsonl", records[28:])))
    assert result.returncode != 0 and "not indexed" in result.stdout
    assert "kliping reindex" in result.stderr and "ahead of the archive" in result.stderr
    status = kliping(config, "status")
    assert "drifted from the archive" in status.stdout and "kliping reindex" in status.stdout
    assert kliping(config, "reindex").returncode == 0
    assert kliping_json(config, "status")["index"] == {
        "documents": 22, "watermark": 22, "in_step": True, "drift": None, "changes_to_index": 0}
