"""trafilatura's second opinion (ingest/extract/fallback.py) on real saved pages.

Pages of trafilatura's benchmark (../shared/extraction/trafilatura-eval) are scored as the
benchmark scores them: segments that must be in the text, segments that must not. The
Indonesian gold pages (../shared/pages) must come out exactly as before, and trafilatura's
reading of them must get kliping's Indonesian cleaning.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import pytest

from ingest.extract import extract_article
from ingest.extract.decode import decode_html
from ingest.extract.fallback import choose_body
from ingest.extract.meta import read_meta
from ingest.extract.second_opinion import trafilatura_blocks
from ingest.extract.title import find_title
from ingest.extract.tree import parse_html
from kliping.config import ExtractSettings
from kliping.errors import NotAnArticle

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
EVAL = SHARED / "extraction" / "trafilatura-eval"
PAGES = SHARED / "pages"
OWN_ONLY = ExtractSettings(second_opinion=False)

pytestmark = pytest.mark.skipif(not (EVAL / "evaldata.json").exists(), reason="../shared not mounted")


@cache
def eval_entries() -> dict[str, tuple[str, dict]]:
    data = json.loads((EVAL / "evaldata.json").read_text("utf-8"))
    return {entry["file"]: (url, entry) for url, entry in data.items()}


def eval_page(name: str) -> tuple[bytes, str, dict]:
    url, entry = eval_entries()[name]
    return gzip.decompress((EVAL / "html" / (name + ".gz")).read_bytes()), url, entry


def flat(text: str) -> str:
    return " ".join(text.split())


def found(body: str, segments: list[str]) -> int:
    body = flat(body)
    return sum(flat(s) in body for s in segments)


def body_or_none(html: bytes, url: str, profile: ExtractSettings | None = None) -> str:
    try:
        return extract_article(html, url, profile=profile).body
    except NotAnArticle:
        return ""


def gold(site: str, name: str) -> tuple[bytes, dict]:
    path = PAGES / site / name
    return path.read_bytes(), json.loads(path.with_suffix(".json").read_text("utf-8"))


# --- the fallback decides, on pages of sites nobody tuned for -------------------------------------------


@pytest.mark.parametrize("name", ["security.googleblog.com.protection.html", "harrypotter.fandom.com.spell.html"])
def test_a_page_kliping_finds_no_article_in_gets_trafilaturas_text(name: str):
    """Text kliping never reaches (in a <noscript>) or a page its container misreads entirely."""
    html, url, entry = eval_page(name)
    assert found(body_or_none(html, url, OWN_ONLY), entry["with"]) == 0
    body = extract_article(html, url).body
    assert found(body, entry["with"]) == len(entry["with"])
    assert found(body, entry["without"]) == 0


def test_a_recipe_keeps_its_ingredient_lists():
    """kliping's container holds the method and loses the lists beside it; the two disagree, trafilatura wins."""
    html, url, entry = eval_page("lecker.de.schneewittchen.html")
    assert found(body_or_none(html, url, OWN_ONLY), entry["with"]) == 1
    assert found(extract_article(html, url).body, entry["with"]) == len(entry["with"])


@pytest.mark.parametrize("name", ["0a4a8ab61c054192b1ec70cc3570cf45.html", "interscenar.io.hoeren.html"])
def test_text_kliping_kept_after_the_article_goes(name: str):
    """kliping's container also took the page's tail (newsletter box, other posts): trafilatura's text holds
    all of the article and none of the tail, and what kliping has besides comes after the article's end."""
    html, url, entry = eval_page(name)
    own = body_or_none(html, url, OWN_ONLY)
    assert found(own, entry["without"]) >= 3
    body = extract_article(html, url).body
    assert found(body, entry["with"]) == len(entry["with"])
    assert found(body, entry["without"]) == 0


@pytest.mark.parametrize(
    "name,lead",
    [
        ("link.springer.com.1007.html", "The purpose of the review is to summarise"),  # kliping's container: references
        ("thelocal.se.tattooed.html", "epidemiologist Anders Tegnell has become a household name"),  # trafilatura's
    ],
)
def test_a_lead_only_one_reading_has_is_put_before_the_kept_text(name: str, lead: str):
    """One extractor starts the article later than the other (an abstract outside kliping's container, a first
    paragraph trafilatura skipped): the lead's paragraphs of prose go before the text that is kept."""
    html, url, entry = eval_page(name)
    body = extract_article(html, url).body
    assert flat(lead) in flat(body)
    assert found(body, entry["with"]) == len(entry["with"])
    assert found(body, entry["without"]) == 0


@pytest.mark.parametrize(
    "name,line",
    [("aktion-hummelschutz.de.hummeln.html", "Möchten Sie den Artikel teilen?"),
     ("bewusster-leben.de.hope.html", "Diesen Artikel teilen")],
)
def test_a_short_line_only_kliping_keeps_goes_when_the_two_agree(name: str, line: str):
    """The two readings agree on the article; kliping's also has a share prompt after it, which trafilatura
    left out. A line that short, kept by one reading only, goes; the article stays whole."""
    html, url, entry = eval_page(name)
    assert line in body_or_none(html, url, OWN_ONLY)
    body = extract_article(html, url).body
    assert line not in body
    assert found(body, entry["with"]) == len(entry["with"])
    assert found(body, entry["without"]) == 0


def test_the_source_can_turn_the_second_opinion_off():
    html, url, _ = eval_page("security.googleblog.com.protection.html")
    with pytest.raises(NotAnArticle):
        extract_article(html, url, profile=OWN_ONLY)


def test_a_body_selector_means_no_second_opinion():
    """A source whose profile names the body's container is read there, whatever trafilatura thinks."""
    html, url, _ = eval_page("lecker.de.schneewittchen.html")
    with pytest.raises(NotAnArticle):
        extract_article(html, url, profile=ExtractSettings(body_selector="nav"))


# --- on the Indonesian pages kliping's text stands --------------------------------------------------------


def _choice(html: bytes, url: str, own_body: list[str] | None):
    from ingest.extract.body import Body

    text = decode_html(html)
    root = parse_html(text, url)
    title = find_title(root, read_meta(root))
    own = Body(own_body) if own_body is not None else None
    return choose_body(own, text, url, title=title, is_article=lambda body: len(body.paragraphs) >= 2)


@pytest.mark.parametrize(
    "site,name", [("kompas", "anpandu-singlepage1.html"), ("antaranews", "anpandu-singlepage5.html")]
)
def test_when_the_two_agree_kliping_stands(site: str, name: str):
    html, expected = gold(site, name)
    choice = _choice(html, expected["url"], expected["body"])
    assert choice is not None and choice.source == "kliping" and choice.reason == "the two agree"


@pytest.mark.parametrize("name", ["anpandu-singlepage1.html", "anpandu-singlepage3.html"])
def test_a_lead_trafilatura_drops_keeps_klipings_text(name: str):
    """trafilatura leaves out kapanlagi's dateline lead ("Kapanlagi.com - ..."); kliping's text holds all of
    trafilatura's and that paragraph before it, so kliping's stands and the article is whole."""
    html, expected = gold("kapanlagi", name)
    choice = _choice(html, expected["url"], expected["body"])
    assert choice is not None and choice.source == "kliping"
    assert choice.other_in_kliping >= 0.9 > choice.kliping_in_other
    assert extract_article(html, expected["url"]).paragraphs == expected["body"]


def test_a_news_feed_trafilatura_takes_for_the_article_is_refused():
    """On okezone's page trafilatura reads the "Berita Lainnya" teasers; kliping finds them by shape in
    trafilatura's reading too, and its own article stands."""
    import trafilatura

    html, expected = gold("okezone", "anpandu-singlepage2.html")
    text = decode_html(html)
    assert "Raffi Ahmad" in trafilatura.extract(text, url=expected["url"])  # a teaser trafilatura took
    assert "Raffi Ahmad" not in " ".join(b.text for b in trafilatura_blocks(text, expected["url"]))
    article = extract_article(html, expected["url"])
    assert article.paragraphs == expected["body"]


# --- whichever text wins, kliping's Indonesian cleaning runs on it ----------------------------------------


@pytest.mark.parametrize(
    "site,name,raw_lines",
    [
        ("kompas", "zainoor-archive-2025.html", ["Baca juga: Zarof Ricar Dituntut Hukuman 20 Tahun Penjara"]),
        ("liputan6", "anpandu-singlepage1.html", ["Baca Juga", "(Cas/Isk)"]),
        ("antaranews", "anpandu-singlepage1.html", ["Editor: Ade Marboen"]),
    ],
)
def test_trafilaturas_reading_gets_the_indonesian_cleaning(site: str, name: str, raw_lines: list[str]):
    """trafilatura's own text keeps "Baca juga" lines, editor initials and credit lines; taken as the body
    (as when kliping finds no article), it is cleaned to the gold article exactly."""
    html, expected = gold(site, name)
    raw = [b.text for b in trafilatura_blocks(decode_html(html), expected["url"])]
    assert all(line in raw for line in raw_lines)
    choice = _choice(html, expected["url"], None)
    assert choice is not None and choice.source == "trafilatura"
    assert choice.body.paragraphs == expected["body"]


# --- trafilatura's XML as kliping blocks -------------------------------------------------------------------


def test_trafilaturas_xml_becomes_blocks_with_links_lists_cells_and_breaks():
    from ingest.extract.blocks import iter_blocks
    from ingest.extract.second_opinion import as_html

    xml = (
        '<doc><main><head rend="h2">Bahan</head><list><item>200 g tepung</item><item>2 butir telur</item></list>'
        '<p>Aduk rata.<lb/>Panggang 30 menit, lihat <ref target="https://a.id/x">resep lain</ref>.</p>'
        "<table><row><cell>Kalori</cell><cell>390 kkal</cell></row></table></main>"
        "<comments><p>Komentar pembaca</p></comments></doc>"
    )
    tree = as_html(xml)
    assert tree is not None
    blocks = list(iter_blocks(tree))
    assert [b.text for b in blocks] == [
        "Bahan", "200 g tepung", "2 butir telur", "Aduk rata.", "Panggang 30 menit, lihat resep lain.",
        "Kalori", "390 kkal",
    ]
    assert blocks[4].link_chars == len("resep lain")
    assert tree.find(".//a").get("href") == "https://a.id/x"


def test_unreadable_xml_is_no_opinion():
    from ingest.extract.second_opinion import as_html

    assert as_html("<doc><comments/></doc>") is None
    assert as_html("not xml at all") is None


@pytest.mark.parametrize(
    "name,last",
    [("statisticsglobe.com.ggplot2.html", "If you have any further questions"),
     ("gormulus.wordpress.com.durfen.html", "sobald ihre abstruse Gedankenwelt etwas näher beleuchtet wird")],
)
def test_trafilaturas_paragraphs_are_not_taken_for_teasers_by_a_reused_id(name: str, last: str):
    """The teaser test on trafilatura's tree names elements by id(); with the element proxies not kept alive, a
    paragraph's new proxy could take the address of a freed teaser item's and the paragraph went with the list
    (here the article's last one, after a list of links)."""
    html, url, entry = eval_page(name)
    text = decode_html(html)
    for _ in range(3):
        assert any(last in block.text for block in trafilatura_blocks(text, url))
    assert last in flat(extract_article(html, url).body)


def test_trafilatura_runs_in_one_thread_at_a_time(monkeypatch: pytest.MonkeyPatch):
    """Concurrent trafilatura.extract() calls crash the process now and then inside lxml (a daemon died of SIGSEGV
    with two sources extracting at once; adbar/trafilatura#840). Two threads asking for a second opinion together
    must take turns, and both still get trafilatura's real reading."""
    import threading
    import time

    import trafilatura

    real = trafilatura.extract
    inside, most = 0, 0
    count = threading.Lock()

    def watched(*args, **kwargs):
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        time.sleep(0.2)  # long enough that an unguarded second thread is certainly inside too
        try:
            return real(*args, **kwargs)
        finally:
            with count:
                inside -= 1

    monkeypatch.setattr(trafilatura, "extract", watched)
    html, url, entry = eval_page("security.googleblog.com.protection.html")
    text = decode_html(html)
    results: list[list] = []
    threads = [threading.Thread(target=lambda: results.append(trafilatura_blocks(text, url))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert len(results) == 2 and all(found(" ".join(b.text for b in blocks), entry["with"]) for blocks in results)
