"""Quality gate: the extraction benchmark's scores on the gold pages may not fall.

Runs kliping only (no trafilatura) over ../shared/pages with the scorer of
benchmarks/extraction.py. The floors sit a little under today's scores
(body F1 1.000, title/published/author 100%) so an honest improvement elsewhere
is not blocked by a one-page wobble, but a regression is caught.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / ".." / "shared" / "pages"

FLOORS = {"body_f1": 0.98, "site_body_f1": 0.95, "title": 0.98, "published": 0.95, "author": 0.85}


@pytest.fixture(scope="module")
def results():
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "benchmarks" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module.evaluate(PAGES, ["kliping"])["kliping"]


def test_overall_body_f1(results):
    assert results["ALL"].f1 >= FLOORS["body_f1"], results["ALL"].failures


def test_no_site_below_floor(results):
    low = {site: round(t.f1, 3) for site, t in results.items() if t.f1 < FLOORS["site_body_f1"]}
    assert not low


@pytest.mark.parametrize("field", ["title", "published", "author"])
def test_metadata_rates(results, field):
    total = results["ALL"]
    assert getattr(total, field) / total.pages >= FLOORS[field]
