"""The search page shows a badge for a source in alarm (headless Chromium, a real ``kliping serve``)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from corpus import corpus_records
from test_api_page import ARGS, CHROMIUM
from test_api_support import uvicorn_server
from test_health import HISTORY_DAYS, PER_DAY, seed_history

from index.archive import Archive
from index.dates import WIB

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium is not installed (Debian: apt-get install -y chromium)")


def alarmed_archive(root: Path) -> Path:
    """Four ordinary weeks of ``berubah`` and ``tetap``, then six pages of ``berubah`` rejected today."""
    config = root / "config.yaml"
    config.write_text(f"data_dir: {root / 'data'}\nsources:\n"
                      "  - {name: berubah, feeds: ['https://berubah.test/rss']}\n"
                      "  - {name: tetap, feeds: ['https://tetap.test/rss']}\n", encoding="utf-8")
    archive = Archive(root / "data" / "archive.sqlite3")
    records = list(corpus_records(2 * HISTORY_DAYS * PER_DAY, every=7))
    today = datetime.now(WIB).date()
    seed_history(archive, "berubah", records[: HISTORY_DAYS * PER_DAY], today)
    seed_history(archive, "tetap", records[HISTORY_DAYS * PER_DAY:], today)
    for n in range(6):
        archive.record_page(f"https://berubah.test/baru/{n}", "berubah", "not_article", reason="no article text")
    archive.close()
    return config


def test_a_source_in_alarm_gets_a_badge_and_the_others_none(tmp_path: Path) -> None:
    config = alarmed_archive(tmp_path)
    with uvicorn_server(config) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_context(base_url=base).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/")
        page.wait_for_selector("#health-alarms:not([hidden])")
        badges = page.locator(".health-badge").all_text_contents()
        assert len(badges) == 1 and "berubah" in badges[0] and "halaman ditolak naik: 100%" in badges[0], badges
        options = page.locator("#source option").all_text_contents()
        assert any(o.startswith("⚠ berubah") for o in options) and any(o.startswith("tetap") for o in options)
        browser.close()
        assert errors == []
