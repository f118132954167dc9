"""What the archive and the index hold, per source: the one status both ``kliping status`` and the API's
``/sources`` show.

It reads the archive (counts, crawl runs, the daemon's per-source memory), the
index (documents per source, drift) and the daemon's lock file; it loads no
crawler code (no fetcher, extractor or feed parser) and no CLI.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from index.archive import Archive
from index.health import check_source
from kliping.app import archive_exists, archive_path, open_archive, open_index
from kliping.errors import NothingArchived


def collect_status(config) -> dict:  # type: ignore[no-untyped-def]
    """Counts and last runs per source, as one plain dict (the API uses it too)."""
    from ingest.daemon.lock import holder_pid

    index = open_index(config)
    archive = _archive(config)
    counts, runs, total = (archive.counts_by_source(), archive.last_runs(), archive.count()) if archive else ({}, {}, 0)
    states = _daemon_states(archive)
    leases = _leases(archive)
    pid = holder_pid(config.data_dir)
    documents, indexed = _indexed(index)
    drift = index.drift(archive) if archive else None
    behind = archive.count() - archive.count_up_to(index.watermark()) if archive and not drift else 0
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat(timespec="seconds")
    names = [s.name for s in config.sources] + sorted(set(counts) - {s.name for s in config.sources})
    sources = []
    for name in names:
        run, state = runs.get(name), states.get(name, {})
        sources.append({
            "name": name,
            "configured": any(s.name == name for s in config.sources),
            "archived": counts.get(name, 0),
            "today": archive.count_since(name, today) if archive and counts.get(name) else 0,
            "indexed": indexed.get(name, 0),
            "last_run": _run(run),
            "next_run": state.get("next_run") if pid else None,
            "last_error": (run and _run(run)["last_error"]) or state.get("last_error"),  # type: ignore[index]
            "backoff": _backoff(state),
            "health": check_source(archive, name).to_dict() if archive else {"status": "empty", "alarms": []},
            **({"crawled_by": leases.get(name)} if leases is not None else {}),
        })
    return {
        "data_dir": str(config.data_dir),
        "daemon": {"running": pid is not None, "pid": pid},
        "archive": {"articles": total, "location": _location(config)},
        "index": {"documents": documents, "watermark": index.watermark(), "in_step": drift is None and not behind,
                  "drift": drift.reason if drift else None, "changes_to_index": behind},
        "sources": sources,
    }


def _archive(config) -> Archive | None:  # type: ignore[no-untyped-def]
    """The archive read-only, or None when there is none yet (no file; a PostgreSQL database never migrated)."""
    if not archive_exists(config):
        return None
    try:
        return open_archive(config, readonly=True)
    except NothingArchived:
        return None


def _location(config) -> str:  # type: ignore[no-untyped-def]
    """Where the archive is: its SQLite file, or its PostgreSQL server (without the password)."""
    if config.archive.url:
        from index.pgurl import redacted

        return redacted(config.archive.url)
    return str(archive_path(config))


def _leases(archive: Archive | None) -> dict[str, str] | None:
    """With a PostgreSQL archive, which daemon (host:pid:id) holds each source's lease now; None otherwise."""
    if archive is None or archive.backend != "postgresql":
        return None
    from index.leases import SourceLeases

    return SourceLeases(archive, 0, holder="status").holders()


def _daemon_states(archive: Archive | None) -> dict[str, dict[str, Any]]:
    """The daemon's per-source memory; empty for an archive older than the daemon."""
    if archive is None:
        return {}
    from ingest.budget import FailureBudget

    try:
        return {name: state.to_dict() for name, state in FailureBudget(archive).states().items()}
    except sqlite3.OperationalError:
        return {}


def _backoff(state: dict) -> dict:
    until = state.get("backoff_until")
    active = bool(until and datetime.fromisoformat(until) > datetime.now(UTC))
    return {"active": active, "until": until if active else None, "failures_in_a_row": state.get("failures", 0)}


def _run(run: dict | None) -> dict | None:
    if not run:
        return None
    keys = ("started_at", "finished_at", "found", "new", "updated", "unchanged", "failed")
    out = {key: run[key] for key in keys}
    out["last_error"] = run["errors"][-1]["reason"] if run["errors"] else None
    return out


def _indexed(index) -> tuple[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    """Indexed documents, in all and per source, from one reader and the source field's terms."""
    if hasattr(index, "counts_by_source"):  # an OpenSearch index counts by an aggregation
        return index.counts_by_source()
    if not index.exists():
        return 0, {}
    with index.open().reader() as reader:
        counts = {}
        for term in reader.field_terms("source"):
            if reader.has_deletions():  # a term's document frequency still counts deleted documents
                counts[str(term)] = sum(1 for _ in reader.postings("source", term).all_ids())
            else:
                counts[str(term)] = reader.doc_frequency("source", term)
        return reader.doc_count(), counts
