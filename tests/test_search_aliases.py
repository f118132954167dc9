"""Name aliases: a name finds its other names, acronyms stay whole words, one name weighs one word."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cli_runner import kliping, kliping_json
from corpus import corpus_records

from index.archive import Archive
from index.store import SearchIndex
from kliping.article import Article
from kliping.errors import ConfigError
from search.aliases import load_aliases, parse_aliases, shipped
from search.engine import Engine, SearchRequest
from search.ranking import DEFAULT as RANKING

PINNED = [
    Article(url="https://contoh.id/jokowi-banjir", source="contoh.id",
            title="Presiden Joko Widodo meninjau tanggul",
            body="Presiden Joko Widodo meninjau tanggul yang jebol di Bekasi. Warga menyambut kedatangannya.",
            published="2019-09-03T10:00:00+07:00"),
    Article(url="https://contoh.id/jokowi-dua-nama", source="contoh.id", title="Jokowi alias Joko Widodo",
            body="Jokowi, nama panggilan Joko Widodo, lahir di Solo. Joko Widodo alias Jokowi dikenal luas.",
            published="2019-09-03T11:00:00+07:00"),
    Article(url="https://contoh.id/pvmbg", source="contoh.id", title="Status Gunung Slamet tetap waspada",
            body="Kepala PVMBG menyatakan aktivitas kegempaan Gunung Slamet masih tinggi.",
            published="2019-09-04T10:00:00+07:00"),
    Article(url="https://contoh.id/mbg", source="contoh.id", title="Dapur umum untuk anak sekolah",
            body="Program Makan Bergizi Gratis (MBG) mulai berjalan di sekolah dasar.",
            published="2019-09-05T10:00:00+07:00"),
    Article(url="https://contoh.id/cak-imin", source="contoh.id", title="Ketua umum PKB bertemu ulama",
            body="Ketua Umum PKB Muhaimin Iskandar bertemu para ulama di Jombang.",
            published="2019-09-06T10:00:00+07:00"),
    Article(url="https://contoh.id/bin-salman", source="contoh.id", title="Putra mahkota Saudi berkunjung",
            body="Putra mahkota Mohammed bin Salman tiba di Jakarta untuk kunjungan kenegaraan.",
            published="2019-09-07T10:00:00+07:00"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("aliases")
    archive = Archive(root / "archive.sqlite3")
    for record in corpus_records(600, every=30):
        archive.upsert(Article.from_dict(record))
    for article in PINNED:
        archive.upsert(article)
    index = SearchIndex(root / "index")
    index.catch_up(archive)
    return Engine(index, archive, refresh_every=0)


def titles(engine: Engine, query: str, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.title for h in engine.search(SearchRequest(query=query, limit=100, **kw)).hits]


def test_jokowi_finds_presiden_joko_widodo(engine: Engine) -> None:
    assert "Presiden Joko Widodo meninjau tanggul" in titles(engine, "Jokowi")
    assert "Presiden Joko Widodo meninjau tanggul" not in titles(engine, "Jokowi", aliases=False)


@pytest.mark.parametrize("query", ["Cak Imin", "cak imin", '"Cak Imin"', "Cak Imin ulama"])
def test_a_nickname_of_several_words_finds_the_full_name(engine: Engine, query: str) -> None:
    assert "Ketua umum PKB bertemu ulama" in titles(engine, query)


def test_an_acronym_matches_only_as_a_whole_word(engine: Engine) -> None:
    results = engine.search(SearchRequest(query="MBG", limit=100))
    assert [h.title for h in results.hits] == ["Dapur umum untuk anak sekolah"]
    assert "Status Gunung Slamet tetap waspada" in titles(engine, "PVMBG")  # (the PVMBG article exists)
    for hit in results.hits:
        assert "PVMBG" not in engine.archive.get(hit.id).body  # type: ignore[union-attr]


def test_a_name_weighs_one_query_word(engine: Engine) -> None:
    """One BM25 over the occurrences of all the group's names, with the typed word's IDF: at most
    idf x (k1 + 1) x (1 + exact bonus + headline weight) on the article naming Jokowi both ways (in its
    headline); the names OR-ed as plain query parts score past that bound there (each name its own weight)."""
    typed = engine.search(SearchRequest(query="Jokowi", aliases=False)).total
    idf = math.log(1 + (engine.index.doc_count() - typed + 0.5) / (typed + 0.5))
    bound = idf * (RANKING.k1 + 1) * (1 + RANKING.exact_bonus + RANKING.title_weight)
    both = "Jokowi alias Joko Widodo"

    def score(query: str, aliases: bool) -> float:
        hits = engine.search(SearchRequest(query=query, limit=1000, aliases=aliases)).hits
        return next(h.score for h in hits if h.title == both)

    assert score("Jokowi", True) <= bound < score('Jokowi OR "Joko Widodo"', False)


def test_a_name_typed_in_two_words_keeps_two_weights(engine: Engine) -> None:
    """Each word typed keeps its weight: "Joko Widodo" and "meninjau" against an article holding both."""
    found = engine.search(SearchRequest(query="Joko Widodo meninjau", limit=5)).hits
    assert found[0].title == "Presiden Joko Widodo meninjau tanggul"


def test_the_other_words_still_decide_the_ranking(engine: Engine) -> None:
    # the article holding both the name (as Joko Widodo) and "tanggul" comes first
    assert titles(engine, "Jokowi tanggul")[0] == "Presiden Joko Widodo meninjau tanggul"


def test_an_ambiguous_acronym_expands_only_in_capitals(engine: Engine) -> None:
    upper = engine.search(SearchRequest(query="BIN"))
    assert [a.group for a in upper.aliases] == ["Badan Intelijen Negara"]
    assert engine.search(SearchRequest(query="bin")).aliases == []
    # and no other name expands to it: "Badan Intelijen Negara" never matches "bin Salman"
    full = engine.search(SearchRequest(query='"Badan Intelijen Negara"'))
    assert full.aliases[0].names == ("Badan Intelijen Negara",)
    assert "Putra mahkota Saudi berkunjung" not in [h.title for h in full.hits]


def test_words_joined_by_an_operator_are_no_name(engine: Engine) -> None:
    assert [a.typed for a in engine.search(SearchRequest(query="Cak DAN Imin")).aliases] == []


def test_no_alias_and_explain_on_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nsources: []\n")
    articles = tmp_path / "a.jsonl"
    articles.write_text("\n".join(json.dumps(a.to_dict()) for a in PINNED) + "\n", encoding="utf-8")
    assert kliping(config, "import", str(articles)).returncode == 0
    found = kliping_json(config, "search", "Jokowi")
    assert {h["title"] for h in found["hits"]} == {"Presiden Joko Widodo meninjau tanggul", "Jokowi alias Joko Widodo"}
    assert found["aliases"] == [{"typed": "Jokowi", "group": "Joko Widodo", "names": ["Joko Widodo", "Jokowi"]}]
    off = kliping(config, "search", "Jokowi", "--no-alias", "--explain", "--json")
    assert off.returncode == 0 and "aliases: off" in off.stderr
    assert [h["title"] for h in json.loads(off.stdout)["hits"]] == ["Jokowi alias Joko Widodo"]
    assert kliping(config, "search", "Presiden Jokowi", "--no-alias").returncode == 0  # (relaxed: "Presiden")
    assert kliping(config, "search", '"Jokowi"', "--no-alias").stdout.count("Presiden Joko Widodo") == 0
    on = kliping(config, "search", "Cak Imin", "--explain")
    assert on.returncode == 0 and "'Cak Imin' -> Muhaimin Iskandar" in on.stderr


def test_a_users_alias_file_is_added_and_checked(tmp_path: Path) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("# our desk's names\nTanggul Bekasi | tanggul yang jebol\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nsearch:\n  aliases: mine.txt\nsources: []\n")
    articles = tmp_path / "a.jsonl"
    articles.write_text(json.dumps(PINNED[0].to_dict()) + "\n", encoding="utf-8")
    assert kliping(config, "import", str(articles)).returncode == 0
    found = kliping_json(config, "search", "Tanggul Bekasi")
    assert found["aliases"][0]["group"] == "Tanggul Bekasi" and found["total"] == 1
    mine.write_text("Tanggul Bekasi | tanggul yang jebol\nJokowi | Pak Jokowi\n", encoding="utf-8")
    clash = kliping(config, "search", "banjir")
    assert clash.returncode == 2
    assert "mine.txt, line 2: 'Jokowi' is already in the group 'Joko Widodo'" in clash.stderr
    mine.unlink()
    missing = kliping(config, "search", "banjir")
    assert missing.returncode == 2 and "search.aliases: no file at" in missing.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("Joko Widodo", "at least two names"),
    ("Joko Widodo | | Jokowi", "an empty name"),
    ("Joko Widodo\tJokowi", "not tabs"),
    ("KPK | K.P.K. | kpk", "the same words"),
    ("yang | dan", "no searchable word"),
])
def test_bad_alias_lines_are_refused_with_their_line(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"mine.txt, line 2: .*{message}"):
        parse_aliases(f"# ok\n{line}\n", origin="mine.txt")


def test_the_shipped_list_has_at_least_300_groups() -> None:
    assert len(shipped()) >= 300
    assert load_aliases(Path(__file__).parents[1] / "search" / "aliases.txt").groups == shipped().groups


def test_the_table_is_read_back_from_the_cache_and_rebuilt_when_a_file_changes(tmp_path, monkeypatch) -> None:
    """The parsed list is kept in the user's cache: read back the same, and built again from a changed file
    (a stale table would silently keep a removed alias)."""
    import search.aliases
    from search.aliases import aliases_for, name_key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mine = tmp_path / "mine.txt"
    mine.write_text("Kepala Desa Sukamaju | Pak Kades Sukamaju\n", encoding="utf-8")
    built = aliases_for(mine)
    assert len(list((tmp_path / "cache" / "kliping").glob("aliases-*.pickle"))) == 1
    with monkeypatch.context() as m:  # read back without parsing any file
        m.setattr(search.aliases, "load_aliases", lambda path: pytest.fail("parsed again"))
        again = aliases_for(mine)
    assert len(again) == len(built)
    assert again.lookup(name_key("Pak Kades Sukamaju"), "Pak Kades Sukamaju") is not None
    mine.write_text("Kepala Desa Sukamaju | Bu Kades Sukamaju\n", encoding="utf-8")
    changed = aliases_for(mine)
    assert changed.lookup(name_key("Pak Kades Sukamaju"), "Pak Kades Sukamaju") is None
    assert changed.lookup(name_key("Bu Kades Sukamaju"), "Bu Kades Sukamaju") is not None
