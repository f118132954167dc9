"""``kliping extract`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


def test_a_file_larger_than_fetch_max_bytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nsources: []\nfetch:\n  max_bytes: 1000\n")
    big = tmp_path / "besar.html"
    with big.open("wb") as handle:  # sparse: 30 MB on paper, nothing on disk
        handle.truncate(30_000_000)
    result = CliRunner().invoke(main, ["--config", str(config), "extract", str(big)])
    assert result.exit_code == 1, result.output
    assert "besar.html is 30,000,000 bytes, more than fetch.max_bytes (1,000)" in result.output
    small = tmp_path / "kecil.html"
    small.write_bytes((PAGES / "kompas" / "anpandu-singlepage1.html").read_bytes()[:1500])
    assert "more than fetch.max_bytes" in CliRunner().invoke(main, ["--config", str(config), "extract",
                                                                     str(small)]).output


def test_without_a_config_the_default_limit_applies(tmp_path: Path) -> None:
    big = tmp_path / "besar.html"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "extract", str(big)])
    assert result.exit_code == 1 and "more than fetch.max_bytes (5,000,000)" in result.output


@pytest.mark.parametrize("name,start,kind", [
    ("laporan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("foto.webp", b"RIFF\x00\x01\x00\x00WEBPVP8 ", "image/webp"),
])
def test_pdfs_and_images_are_not_html(tmp_path: Path, name: str, start: bytes, kind: str) -> None:
    saved = tmp_path / name
    saved.write_bytes(start + bytes(range(256)) * 20)
    result = run(str(saved))
    assert result.exit_code == 3, result.output
    assert f"not HTML (content type {kind})" in result.output and "no article text" not in result.output


def test_a_fetched_pdf_is_not_html(site: LocalSite) -> None:  # noqa: F811
    site.add("/laporan.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, headers={"Content-Type": "application/pdf"})
    result = run(site.url("/laporan.pdf"))
    assert result.exit_code == 3, result.output
    assert "not HTML (content type application/pdf)" in result.output
