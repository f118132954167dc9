"""The fast segment writer writes the very bytes Whoosh's own writer does."""

from __future__ import annotations

from pathlib import Path

from corpus import corpus_records
from whoosh.codec import default_codec
from whoosh.codec.base import Codec

from index.mapped import MappedStorage
from index.schema import build_schema
from index.store import article_fields
from index.whoosh_private import FastCodec
from kliping.article import Article


def segment_files(path: Path, codec: Codec, docs: list[dict]) -> dict[str, bytes]:  # type: ignore[type-arg]
    path.mkdir()
    ix = MappedStorage(str(path)).create_index(build_schema())
    writer = ix.writer(codec=codec)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    segment = ix.reader().segment()
    assert type(segment.codec()) is type(default_codec())  # what the table of contents names: Whoosh's own
    files = segment.open_compound_file(ix.storage)
    return {name.split(".", 1)[1]: files.open_file(name).get(0, files.file_length(name)) for name in files.list()}


def test_segments_are_byte_for_byte_whooshs(tmp_path: Path) -> None:
    docs = []
    for n, record in enumerate(corpus_records(200, every=13)):
        if n % 4 == 0:
            record = dict(record, published=None, source=None, author="Ma'ruf Amin, Redaksi")
        docs.append(article_fields(Article.from_dict(record)))
    whooshs = segment_files(tmp_path / "whoosh", default_codec(), docs)
    fast = segment_files(tmp_path / "fast", FastCodec(), docs)
    assert "pst" in fast and "_author_len.col" in fast
    assert fast.keys() == whooshs.keys()
    for name in fast:
        assert fast[name] == whooshs[name], name
