"""Stories (syndication clusters): assigned as articles are stored, read back, collapsed in search.

Real articles from ../shared/corpus: a real rewritten pair and a real pair of different stories on one
event (both from benchmarks/story_pairs.tsv), and a copy made the way outlets make them (headline
rewritten, a paragraph added, another byline, their own dateline and "Baca juga" lines).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import ROOT, kliping, kliping_json
from corpus import CORPUS
from fastapi.testclient import TestClient

from index.archive import Archive
from index.store import SearchIndex
from index.stories import clusters
from index.stories.shingles import overlap, shingles
from kliping.article import Article
from kliping.config import load_config
from search.api import create_app
from search.collapse import collapse

#: A real rewrite (okezone then sindonews, 83 minutes apart) and a real pair of different stories on one
#: event (a match report and a round-up of the same Liga Spanyol weekend), from benchmarks/story_pairs.tsv.
REWRITE = ("clickid-02308ce6afaf", "clickid-b0d0caeb3548")
SAME_EVENT = ("clickid-01c24e326083", "clickid-2952ac1eecc1")
#: A story of its own, as the paragraph a copy adds.
OTHER = "clickid-01ab4b7b8d5d"


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:  # type: ignore[type-arg]
    import gzip

    wanted = {*REWRITE, *SAME_EVENT, OTHER}
    found = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = record
    assert set(found) == wanted
    return found


def article(record: dict, **changes: object) -> Article:  # type: ignore[type-arg]
    return Article.from_dict({**record, **changes})


def syndicated(record: dict, other: dict) -> Article:  # type: ignore[type-arg]
    """The copy another outlet would run: new headline, byline, dateline, a paragraph added, boilerplate."""
    paragraphs = [p for p in record["body"].split(".,") if p.strip()]
    added = other["body"].split(".,")[1]
    body = "\n\n".join(["JAKARTA, SINDOnews - " + paragraphs[0].lstrip(" ,-")] + paragraphs[1:3]
                       + ["Baca juga: Berita lain yang tidak ada hubungannya sama sekali", added]
                       + paragraphs[3:] + ["Editor: Ahmad Fauzi"])
    return Article(url="https://nasional.sindonews.test/read/1", source="sindonews.test",
                   title="Status ASN Bikin Pegawai KPK Rawan Godaan, Kata Eks Komisioner", body=body,
                   published="2019-09-19T16:05:00+07:00", authors=["Ahmad Fauzi"])


def test_a_syndicated_copy_joins_the_story_of_the_original(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    archive = Archive(tmp_path / "archive.sqlite3")
    original = article(records[REWRITE[0]])
    archive.upsert(original)
    copy = syndicated(records[REWRITE[0]], records[OTHER])
    assert copy.title != original.title and copy.authors != original.authors
    archive.upsert(copy)
    story = archive.story_of(copy.id)
    assert story is not None and story.story_id == original.id
    assert [m.article_id for m in story.members] == [original.id, copy.id]
    assert story.members[1].similarity is not None and story.members[1].similarity >= clusters.JOIN_CONTAINMENT


def test_a_real_rewrite_joins_and_a_different_story_on_the_same_event_stays_apart(
        tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    archive = Archive(tmp_path / "archive.sqlite3")
    ids = {}
    for record_id in (*REWRITE, *SAME_EVENT):
        stored = article(records[record_id])
        archive.upsert(stored)
        ids[record_id] = stored.id
    stories = archive.story_ids(list(ids.values()))
    assert stories[ids[REWRITE[0]]] == stories[ids[REWRITE[1]]]
    assert stories[ids[SAME_EVENT[0]]] != stories[ids[SAME_EVENT[1]]]
    # and the other way round: neither event article is near the rewrite's story
    assert {stories[ids[SAME_EVENT[0]]], stories[ids[SAME_EVENT[1]]]}.isdisjoint({stories[ids[REWRITE[0]]]})


def test_the_first_published_copy_is_first_even_when_stored_last(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    archive = Archive(tmp_path / "archive.sqlite3")
    later = article(records[REWRITE[1]])  # sindonews 15:23, stored first: it founds the story
    earlier = article(records[REWRITE[0]])  # okezone 14:00
    archive.upsert(later)
    archive.upsert(earlier)
    story = archive.story_of(earlier.id)
    assert story is not None and story.story_id == later.id  # story ids never change once given
    assert story.first_published.article_id == earlier.id
    assert story.sources == ["okezone.com", "sindonews.com"]
    assert archive.story_members(later.id) == story.members
    # a rebuild founds each story on its first-published copy
    assert archive.rebuild_stories() == {"articles": 2, "stories": 1}
    assert archive.story_of(later.id).story_id == earlier.id  # type: ignore[union-attr]


def test_an_edit_that_makes_a_copy_another_story_takes_it_out(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    archive = Archive(tmp_path / "archive.sqlite3")
    original, copy = article(records[REWRITE[0]]), article(records[REWRITE[1]])
    archive.upsert(original)
    archive.upsert(copy)
    assert archive.story_ids([copy.id])[copy.id] == original.id
    archive.upsert(article(records[REWRITE[1]], body=records[OTHER]["body"]))  # the page now holds other text
    assert archive.story_ids([copy.id])[copy.id] == copy.id
    assert [m.article_id for m in archive.story_members(original.id)] == [original.id]


def _samples(archive: Archive, article_id: str) -> list[int]:
    return sorted(row[0] for row in archive.db.execute(
        "SELECT hash FROM story_samples WHERE article_id = ?", (article_id,)))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_edit_replaces_the_articles_samples_exactly(tmp_path: Path, records: dict,  # type: ignore[type-arg]
                                                       backend: str, request: pytest.FixtureRequest) -> None:
    """Samples are deleted by their keys (from the kept shingles), not through an index by article; the
    capped candidate lookup is one statement both databases run."""
    where = request.getfixturevalue("pg_url") if backend == "postgres" else tmp_path / "archive.sqlite3"
    archive = Archive(where)
    original, copy = article(records[REWRITE[0]]), article(records[REWRITE[1]])
    archive.upsert(original)
    archive.upsert(copy)
    assert archive.story_ids([copy.id])[copy.id] == original.id
    before = _samples(archive, copy.id)
    archive.upsert(article(records[REWRITE[1]], body=records[OTHER]["body"]))
    after = _samples(archive, copy.id)
    expected = shingles(records[OTHER]["body"])
    assert before and after == sorted(expected[expected % clusters.SAMPLE_MOD == 0].tolist()) != before
    assert archive.story_ids([copy.id])[copy.id] == copy.id
    archive.close()


def test_a_shingle_in_many_articles_does_not_hide_a_copy(tmp_path: Path, records: dict,  # type: ignore[type-arg]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup reads a few articles per sampled shingle; boilerplate shared by more still finds the copy."""
    monkeypatch.setattr(clusters, "ROWS_PER_SAMPLE", 2)
    archive = Archive(tmp_path / "archive.sqlite3")
    shared = records[OTHER]["body"]  # in every article below: its shingles lead to more articles than the cap
    for number, record_id in enumerate(SAME_EVENT):
        archive.upsert(article(records[record_id], body=shared + ".," + records[record_id]["body"]))
        archive.upsert(article(records[record_id], url=f"https://other.test/{number}", source="other.test",
                               body=records[record_id]["body"][:400] + ".," + shared))
    original = article(records[REWRITE[0]], body=records[REWRITE[0]]["body"] + ".," + shared)
    archive.upsert(original)
    common = shingles(shared)
    common = common[common % clusters.SAMPLE_MOD == 0].tolist()
    assert common and all(archive.db.execute("SELECT COUNT(*) FROM story_samples WHERE hash = ?", (h,)).fetchone()[0]
                          > clusters.ROWS_PER_SAMPLE for h in common)
    read = archive.db.execute(clusters._found(len(common)), common).fetchall()
    assert len(read) == clusters.ROWS_PER_SAMPLE * len(common)  # each shingle's lookup stopped at the cap
    copy = syndicated(records[REWRITE[0]], records[OTHER])
    archive.upsert(copy)
    assert archive.story_ids([copy.id])[copy.id] == original.id


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_very_long_text_is_stored_and_finds_its_copy(tmp_path: Path, records: dict,  # type: ignore[type-arg]
                                                        backend: str, request: pytest.FixtureRequest) -> None:
    """A transcript-length body has more sampled shingles than one statement may look up (SQLite refused it:
    "too many terms in compound SELECT"); it is looked up in parts."""
    import gzip

    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        bodies = [json.loads(line)["body"] for _, line in zip(range(80), lines, strict=False)]
    long_body = "\n\n".join(bodies)
    own = shingles(long_body)
    assert (own % clusters.SAMPLE_MOD == 0).sum() > 500 > clusters.SAMPLES_PER_STATEMENT
    archive = Archive(request.getfixturevalue("pg_url") if backend == "postgres" else tmp_path / "archive.sqlite3")
    original = Article(url="https://a.test/transkrip", source="a.test", title="Transkrip", body=long_body,
                       published="2019-09-19T10:00:00+07:00")
    copy = Article(url="https://b.test/transkrip", source="b.test", title="Transkrip lengkap",
                   body="JAKARTA - " + long_body, published="2019-09-19T12:00:00+07:00")
    assert archive.upsert(original) == "new" and archive.upsert(copy) == "new"
    assert archive.story_ids([copy.id])[copy.id] == original.id
    archive.close()


def test_candidates_looked_up_in_parts_are_the_same(tmp_path: Path, records: dict,  # type: ignore[type-arg]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    for record in records.values():
        archive.upsert(article(record))
    copy = syndicated(records[REWRITE[0]], records[OTHER])
    sample = shingles(copy.body)
    sample = sample[sample % clusters.SAMPLE_MOD == 0]
    whole = clusters._candidates(archive.db, copy.id, sample)
    monkeypatch.setattr(clusters, "SAMPLES_PER_STATEMENT", 3)
    assert clusters._candidates(archive.db, copy.id, sample) == whole and whole


def test_an_archive_from_an_older_kliping_is_upgraded_when_opened(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    """story_samples used to be a rowid table with an index by article: opened for writing, it becomes the
    keyed table with every row kept; opened read-only, it is left as it is and still answers."""
    path = tmp_path / "archive.sqlite3"
    archive = Archive(path)
    original, copy = article(records[REWRITE[0]]), article(records[REWRITE[1]])
    archive.upsert(original)
    rows = sorted(tuple(row) for row in archive.db.execute("SELECT hash, article_id FROM story_samples"))
    with archive.transaction() as db:  # the shape an older kliping made
        db.execute("DROP TABLE story_samples")
        db.execute("CREATE TABLE story_samples (hash INTEGER NOT NULL, article_id TEXT NOT NULL, "
                   "PRIMARY KEY (hash, article_id))")
        db.execute("CREATE INDEX story_samples_article ON story_samples(article_id)")
        db.executemany("INSERT INTO story_samples VALUES (?, ?)", rows)
    archive.close()
    readonly = Archive(path, readonly=True)
    assert readonly.story_ids([original.id]) == {original.id: original.id}
    readonly.close()

    archive = Archive(path)
    table = archive.db.execute("SELECT sql FROM sqlite_master WHERE name = 'story_samples'").fetchone()[0]
    assert "WITHOUT ROWID" in table
    assert archive.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_samples_article'").fetchone() is None
    assert sorted(tuple(row) for row in archive.db.execute("SELECT hash, article_id FROM story_samples")) == rows
    archive.upsert(copy)
    assert archive.story_ids([copy.id])[copy.id] == original.id
    Archive(path).close()  # opening it again finds nothing to do


def test_a_founder_edited_out_of_its_story_leaves_it_to_its_copies(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    archive = Archive(tmp_path / "archive.sqlite3")
    founder, copy = article(records[REWRITE[0]]), article(records[REWRITE[1]])
    second = syndicated(records[REWRITE[0]], records[OTHER])
    for stored in (founder, copy, second):
        archive.upsert(stored)
    archive.upsert(article(records[REWRITE[0]], body=records[REWRITE[0]]["body"] + ".,Pembaruan: satu kalimat."))
    assert set(archive.story_ids([founder.id, copy.id, second.id]).values()) == {founder.id}  # a small edit stays
    archive.upsert(article(records[REWRITE[0]], body=records[OTHER]["body"]))  # now another text entirely
    stories = archive.story_ids([founder.id, copy.id, second.id])
    assert stories[founder.id] == founder.id and stories[copy.id] == stories[second.id] != founder.id
    assert [m.article_id for m in archive.story_members(founder.id)] == [founder.id]


def test_a_copy_stored_by_another_process_joins_the_story(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    """Candidates are looked up in SQL, so a crawl in one process and an import in another cluster together."""
    path = tmp_path / "archive.sqlite3"
    Archive(path).upsert(article(records[REWRITE[0]]))
    (tmp_path / "copy.json").write_text(json.dumps(records[REWRITE[1]]), encoding="utf-8")
    code = ("import json, sys; from index.archive import Archive; from kliping.article import Article; "
            "Archive(sys.argv[1]).upsert(Article.from_dict(json.load(open(sys.argv[2]))))")
    subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "copy.json")], check=True, cwd=ROOT)
    copy = article(records[REWRITE[1]])
    assert Archive(path, readonly=True).story_ids([copy.id])[copy.id] == article(records[REWRITE[0]]).id


def test_within_one_outlet_only_a_near_identical_text_joins(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    """A second URL of the same article joins; the outlet's follow-up, reusing half the text, does not."""
    archive = Archive(tmp_path / "archive.sqlite3")
    original = article(records[REWRITE[0]])
    archive.upsert(original)
    second_url = article(records[REWRITE[0]], url=original.url + "?page=all", title="Judul lain")
    paragraphs = records[REWRITE[0]]["body"].split(".,")
    follow_up = article(records[REWRITE[0]], url=original.url + "-lanjutan", title="Lanjutan",
                        body=".,".join(paragraphs[: len(paragraphs) // 2]) + ".," + records[OTHER]["body"])
    archive.upsert(second_url)
    archive.upsert(follow_up)
    stories = archive.story_ids([original.id, second_url.id, follow_up.id])
    assert stories[second_url.id] == original.id and stories[follow_up.id] == follow_up.id
    own, half = shingles(original.body), shingles(follow_up.body)
    assert overlap(own, half)[1] >= clusters.JOIN_CONTAINMENT  # another outlet's copy like it would join


def test_shingles_ignore_the_byline_dateline_and_boilerplate() -> None:
    text = "Presiden meninjau lokasi kebakaran hutan di Riau bersama gubernur dan kapolda pada Senin pagi."
    a = shingles(f"JAKARTA, KOMPAS.com - {text}\n\nBaca juga: Banjir di tempat lain\n\nEditor: Ani")
    b = shingles(f"JAKARTA - {text}\n\nPenulis: Budi")
    assert len(a) and overlap(a, b) == (1.0, 1.0)


def test_collapse_reads_deeper_windows_until_the_page_is_full() -> None:
    """Forty copies of one story rank first: page 1 still gets ten different stories."""
    stories = {f"a{n}": "big" if n < 40 else f"s{n}" for n in range(100)}
    asked: list[int] = []

    def ranked(k: int) -> list[int]:
        asked.append(k)
        return list(range(k))

    page = collapse(100, ranked, lambda p: f"a{p}", lambda ids: {i: stories[i] for i in ids}, page=1, limit=10)
    assert page.stories == ["big"] + [f"s{n}" for n in range(40, 49)]
    assert page.positions[0] == 0 and asked == [30, 100] and page.story_count == 61


# -- the surfaces: kliping search --collapse, kliping stories, the API ------------------------------------


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory, records: dict) -> Path:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("stories")
    config = root / "config.yaml"
    config.write_text(f"data_dir: {root / 'data'}\nsources: []\n", encoding="utf-8")
    lines = [json.dumps(records[i]) for i in (*REWRITE, *SAME_EVENT, OTHER)]
    lines.append(json.dumps(syndicated(records[REWRITE[0]], records[OTHER]).to_dict()))
    (root / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kliping(config, "import", str(root / "articles.jsonl"))
    assert result.returncode == 0, result.stderr
    return config


def test_cli_search_collapse_shows_one_result_per_story(configured: Path, records: dict) -> None:  # type: ignore[type-arg]
    every = kliping_json(configured, "search", "\"Mochamad Jasin\"")
    assert every["total"] == 3 and len(every["hits"]) == 3 and "story" not in every["hits"][0]
    one = kliping_json(configured, "search", "\"Mochamad Jasin\"", "--collapse")
    assert one["collapsed"] is True and one["stories"] == 1 and len(one["hits"]) == 1
    story = one["hits"][0]["story"]
    assert story["copies"] == 2 and one["hits"][0]["id"] in {h["id"] for h in every["hits"]}
    own = one["hits"][0]["source"]
    assert set(story["also_in"]) == {"okezone.com", "sindonews.com", "sindonews.test"} - {own}
    text = kliping(configured, "search", "\"Mochamad Jasin\"", "--collapse")
    assert text.returncode == 0 and "one per story" in text.stdout
    assert f"also in: {', '.join(story['also_in'])} (2 other copies" in text.stdout
    rows = list(csv.DictReader(io.StringIO(kliping(configured, "search", "\"Mochamad Jasin\"", "--collapse",
                                                   "--csv").stdout)))
    assert [(r["story"], r["copies"]) for r in rows] == [(story["id"], "2")]
    # different stories on one event stay two results
    liga = kliping_json(configured, "search", "Atletico Real Sociedad", "--collapse")
    assert liga["stories"] == 2 and all(h["story"]["copies"] == 0 for h in liga["hits"])


def test_cli_stories_show_and_rebuild(configured: Path, records: dict) -> None:  # type: ignore[type-arg]
    first = article(records[REWRITE[0]])
    shown = kliping_json(configured, "stories", "show", article(records[REWRITE[1]]).id)
    assert shown["first_published"] == first.id and len(shown["members"]) == 3
    rebuilt = kliping(configured, "stories", "rebuild")
    assert rebuilt.returncode == 0 and "6 articles in 4 stories" in rebuilt.stdout, rebuilt.stderr
    again = kliping(configured, "reindex", "--stories")  # the bulk path in reindex gives the same clusters
    assert again.returncode == 0 and "clustered 6 articles into 4 stories" in again.stdout, again.stderr
    assert kliping_json(configured, "stories", "show", first.id)["members"] == shown["members"]
    missing = kliping(configured, "stories", "show", "0000000000000000")
    assert missing.returncode == 3 and "no article or story" in missing.stderr
    assert kliping(configured, "stories", "--help").returncode == 0


def test_api_collapse_true_shows_one_hit_per_story(configured: Path) -> None:
    with TestClient(create_app(load_config(configured))) as client:
        every = client.get("/search", params={"q": "\"Mochamad Jasin\""}).json()
        one = client.get("/search", params={"q": "\"Mochamad Jasin\"", "collapse": "true"}).json()
    assert len(every["hits"]) == 3 and "collapsed" not in every
    assert one["collapsed"] is True and one["stories"] == 1 and [h["story"]["copies"] for h in one["hits"]] == [2]


def test_an_archive_from_before_stories_answers_read_only(tmp_path: Path, records: dict) -> None:  # type: ignore[type-arg]
    """Opened read-only (as search opens it) before any write made the new tables: no story, no error."""
    import sqlite3

    from index.schema_sql import SCHEMA

    path = tmp_path / "archive.sqlite3"
    old_schema = SCHEMA.split("CREATE TABLE IF NOT EXISTS stories")[0]
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
    archive = Archive(path, readonly=True)
    assert archive.story_of("0000000000000000") is None and archive.story_members("x") == []
    assert archive.story_ids(["x"]) == {} and archive.stories(["x"]) == {}


def test_an_index_over_an_archive_from_before_stories_still_collapses(tmp_path: Path, records: dict) -> None:
    """Articles without a story row (stored before this feature) are each a story of their own."""
    archive = Archive(tmp_path / "archive.sqlite3")
    for record_id in REWRITE:
        archive.upsert(article(records[record_id]))
    with archive.transaction() as db:
        clusters.clear(db)
    SearchIndex(tmp_path / "index").catch_up(archive)
    from search.engine import Engine, SearchRequest

    engine = Engine(SearchIndex(tmp_path / "index"), Archive(tmp_path / "archive.sqlite3", readonly=True))
    results = engine.search(SearchRequest(query="KPK ASN", collapse=True))
    assert len(results.hits) == 2 and all(h.story and h.story.copies == 0 for h in results.hits)
    engine.close()
