"""``kliping extract`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from httpserver import LocalSite

from kliping.cli import main

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "pages"


def run(*args: str):
    return CliRunner().invoke(main, ["extract", *args])


def test_extract_json_prints_the_article_record():
    result = run(str(PAGES / "kompas" / "anpandu-singlepage1.html"), "--json", "--source", "kompas")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["author"] == "Masriadi" and data["source"] == "kompas"
    assert data["published"] == "2015-11-04T21:04:00+07:00"
    assert {"url", "title", "body", "section", "id"} <= data.keys()


def test_extract_text_output_starts_with_the_title():
    result = run(str(PAGES / "okezone" / "anpandu-singlepage2.html"))
    assert result.exit_code == 0
    assert result.output.startswith("Cara Indra Birowo Jaga Keromantisan dengan Istri\n")


def test_extract_url_option_sets_the_fetched_url():
    result = run(str(PAGES / "antaranews" / "anpandu-singlepage4.html"), "--url", "http://a.id/berita/1", "--json")
    assert json.loads(result.output)["url"] == "http://a.id/berita/1"


def test_gallery_page_exits_3_with_a_reason():
    result = run(str(PAGES / "liputan6" / "anpandu-singlepage3.html"), "--json")
    assert result.exit_code == 3
    assert "no article text" in result.output


def test_missing_file_is_a_usage_error():
    result = run("tidak-ada.html")
    assert result.exit_code == 2 and "no such file" in result.output


def test_extract_fetches_a_url_as_the_crawler_does(site: LocalSite) -> None:  # noqa: F811
    site.add_file("/berita/1", PAGES / "kompas" / "anpandu-singlepage1.html", content_type="text/html")
    site.add("/robots.txt", "User-agent: *\nDisallow: /rahasia/\n", headers={"Content-Type": "text/plain"})
    fetched = run(site.url("/berita/1"), "--json")
    assert fetched.exit_code == 0, fetched.output
    assert json.loads(fetched.output)["author"] == "Masriadi"
    refused = run(site.url("/rahasia/1"))
    assert refused.exit_code == 1 and "robots.txt" in refused.output
    assert not site.was_requested("/rahasia/1")
    missing = run(site.url("/tidak-ada"))
    assert missing.exit_code == 1 and "404" in missing.output
