"""Whoosh imported without ``urllib.request`` and ``asyncio`` (index/whoosh_import.py), in fresh processes."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_runner import ROOT

PROBE = """
import json, sys, threading
if sys.argv[1] == "threaded":
    threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
import index
import whoosh.reading, whoosh.compat
loaded = {name: name in sys.modules for name in ("asyncio", "urllib.request", "cached_property")}
import urllib.request, cached_property
print(json.dumps({
    "loaded": loaded,
    "whoosh_property": whoosh.reading.cached_property.__module__,
    "real_request": hasattr(urllib.request, "urlopen"),
    "real_package": hasattr(cached_property, "threaded_cached_property"),
}))
"""


def probe(mode: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_whoosh_loads_without_the_two_modules_and_they_stay_real_for_later_imports() -> None:
    found = probe("alone")
    assert found["loaded"] == {"asyncio": False, "urllib.request": False, "cached_property": False}
    assert found["whoosh_property"] == "functools"
    assert found["real_request"] and found["real_package"]


def test_a_process_with_threads_imports_whoosh_as_it_is() -> None:
    found = probe("threaded")
    assert found["loaded"]["urllib.request"] and found["loaded"]["cached_property"]
    assert found["whoosh_property"] == "cached_property"
    assert found["real_request"] and found["real_package"]


def test_whooshs_cached_reader_property_still_caches() -> None:
    """The one property Whoosh caches (a segment's deleted documents) works with functools' descriptor."""
    from whoosh import fields
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(fields.Schema(id=fields.ID(stored=True)))
    with ix.writer() as writer:
        for n in range(3):
            writer.add_document(id=str(n))
    with ix.writer() as writer:
        writer.delete_by_term("id", "1")
    with ix.reader() as reader:
        first = reader.leaf_readers()[0][0].deleted_docs_set
        assert first == frozenset({1}) and reader.leaf_readers()[0][0].deleted_docs_set is first
