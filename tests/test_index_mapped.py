"""Segment sub-files read through views on one map (index/mapped.py) read as Whoosh's own files do."""

from __future__ import annotations

import mmap
from pathlib import Path

from whoosh.filedb.structfile import StructFile

from index.mapped import _PEEK, MappedFile

#: Pickles as a posting block's header is one, one longer than a peek, then an int and one more.
VALUES = [(3, 1041, 2.5, 3, 0, 12), ("x" * (3 * _PEEK), list(range(400))), {"a": 1.0}]


def test_pickles_read_back_with_the_position_after_each(tmp_path: Path) -> None:
    """The unpickler reads from one peek and skips what it used; a pickle longer than a peek still reads whole,
    and the file stands right after each pickle, as a plain file would."""
    path = tmp_path / "sub"
    with path.open("wb") as out:
        plain = StructFile(out)
        plain.write_pickle(VALUES[0])
        plain.write_pickle(VALUES[1])
        plain.write_int(-77)
        plain.write_pickle(VALUES[2])
        out.flush()
    data = b"HEAD" + path.read_bytes() + b"TAIL"  # the sub-file in the middle of a larger map
    source = mmap.mmap(-1, len(data))
    source.write(data)
    mapped = MappedFile(source, 4, len(data) - 8)
    with path.open("rb") as handle:
        reference = StructFile(handle)
        for read in ("pickle", "pickle", "int", "pickle"):
            expected = reference.read_pickle() if read == "pickle" else reference.read_int()
            got = mapped.read_pickle() if read == "pickle" else mapped.read_int()
            assert got == expected and mapped.tell() == reference.tell()
    assert mapped.tell() == len(data) - 8 and mapped.file.peek() == b""
