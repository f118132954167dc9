"""Which config files validated, so ``kliping search`` finds its data without loading pydantic.

Validating config.yaml takes pydantic, kliping's models and apscheduler's cron
parser: about a third of a whole ``kliping search`` process, which needs one
setting, ``data_dir``. So after a config file loads (and so validates) in full,
its path, a hash of its bytes, a fingerprint of the code that validated it
and the ``data_dir`` it gave are recorded in the user's cache directory; a
later search takes ``data_dir`` from the record when the file and the code are
unchanged, and loads the file in full otherwise. The same file validated by
the same code passes again, so a search sees what a full load would give; a
file that failed is never recorded, a changed one never matches.

Nothing here imports pydantic or YAML. A cache directory that cannot be
written only means every search validates in full, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RECORD_FILE = "validated-configs.json"
#: Config files remembered (the most recently recorded).
KEEP = 32
#: What validates a config: kliping's models, and the libraries they validate with.
#: (Top-level packages only, but kliping's: finding a submodule would import its package.)
_VALIDATORS = ("kliping.config", "pydantic", "pydantic_core", "yaml", "apscheduler")


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kliping"


def cache_file(name: str, *places: str | os.PathLike[str]) -> Path:
    """The cache file ``name`` for what is read from ``places``: one file per set of places, so two checkouts of
    kliping, or two configs with their own alias files, each keep theirs instead of overwriting one another's
    (``lexicon-3f2a9c0d1e4b.marshal``). What a file holds is still checked against its own fingerprint."""
    digest = hashlib.sha256("\0".join(str(Path(p).resolve()) for p in places).encode()).hexdigest()[:12]
    stem, dot, suffix = name.partition(".")
    return cache_dir() / f"{stem}-{digest}{dot}{suffix}"


def keep(target: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (a reader never sees half of it), best effort: a cache directory
    that cannot be written only means the work is done again next time. Whether it was written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError:
        return False
    return True


def file_digest(path: str | os.PathLike[str]) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def code_fingerprint() -> str:
    """Changes whenever the validating code may have: kliping's config module's text, the libraries' files."""
    parts = [sys.version]
    for name in _VALIDATORS:
        spec = find_spec(name)
        origin = spec.origin if spec else None
        if origin is None or not os.path.exists(origin):
            parts.append(f"{name}:?")
        elif name.startswith("kliping"):
            parts.append(f"{name}:{file_digest(origin)}")
        else:  # a reinstall or upgrade rewrites these
            st = os.stat(origin)
            parts.append(f"{name}:{origin}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(path: str | os.PathLike[str]) -> str:
    return str(Path(path).absolute())


def _records() -> dict[str, Any]:
    try:
        found = json.loads((cache_dir() / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def known_data_dir(path: str | os.PathLike[str]) -> Path | None:
    """The ``data_dir`` this exact config file gave when it last validated, or None (then load it in full)."""
    record = _records().get(_key(path))
    if not isinstance(record, dict) or not isinstance(record.get("data_dir"), str):
        return None
    if record.get("sha256") != file_digest(path) or record.get("code") != code_fingerprint():
        return None
    return Path(record["data_dir"])


def known_archive_url(path: str | os.PathLike[str]) -> tuple[str | None] | None:
    """``(archive.url,)`` as this exact config file gave it when it last validated (``(None,)``: the SQLite
    archive in data_dir), or None when unknown (then load it in full)."""
    if known_data_dir(path) is None:
        return None
    record = _records().get(_key(path))
    if not isinstance(record, dict) or "archive_url" not in record:
        return None
    url = record["archive_url"]
    return (url,) if url is None or isinstance(url, str) else None


def known_aliases(path: str | os.PathLike[str]) -> tuple[str | None] | None:
    """``(search.aliases,)`` (the user's alias file, resolved; ``(None,)``: only the shipped list) as this exact
    config file gave it when it last validated, or None when unknown (then load it in full)."""
    if known_data_dir(path) is None:
        return None
    record = _records().get(_key(path))
    if not isinstance(record, dict) or "aliases" not in record:
        return None
    found = record["aliases"]
    return (found,) if found is None or isinstance(found, str) else None


def remember(path: str | os.PathLike[str], digest: str | None, data_dir: Path,
             archive_url: str | None = None, aliases: Path | None = None) -> None:
    """Record that the file whose bytes hash to ``digest`` validated and gave ``data_dir`` (best effort).

    An ``archive_url`` with a password in it is not written down: that file then always loads in full."""
    if digest is None or digest != file_digest(path):  # changed while it was loading: record nothing
        return
    records = _records()
    key = _key(path)
    entry: dict[str, Any] = {"sha256": digest, "code": code_fingerprint(), "data_dir": str(data_dir),
                             "aliases": str(aliases) if aliases is not None else None}
    if archive_url is None or (urlsplit(archive_url).password is None and "password" not in archive_url):
        entry["archive_url"] = archive_url
    if records.get(key) == entry:
        return
    records.pop(key, None)
    records[key] = entry
    records = dict(list(records.items())[-KEEP:])
    keep(cache_dir() / RECORD_FILE, json.dumps(records, indent=0).encode("utf-8"))
