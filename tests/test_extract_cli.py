"""``kliping extract`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

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
