"""Quality gate: ranking on judged questions may not fall.

Runs kliping alone through ``benchmarks/relevance.py`` on a fixed sample of
the tydi-id topics (the first 600 of the ``check`` half, never tuned on),
as typed and as keywords. The floors sit a little under today's scores
(nDCG@10 0.736 typed, 0.735 as keywords, MRR@10 0.688, R@100 0.967 on this sample; 0.719 and 0.671
before the lead weighting), so an honest change
elsewhere is not blocked by a wobble, but one that hurts ranking fails. The
baselines' figures are the benchmark's business (README).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 600
FLOORS = {"typed": {"nDCG@10": 0.72, "MRR@10": 0.67, "R@100": 0.95},
          "keywords": {"nDCG@10": 0.72, "MRR@10": 0.67, "R@100": 0.95}}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    spec = importlib.util.spec_from_file_location("bench_relevance", ROOT / "benchmarks" / "relevance.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    docs, topics = bench.load_tydi()
    sample = [t for t in topics if t.half == "check"][:SAMPLE]
    rank = bench.kliping_system(docs, tmp_path_factory.mktemp("relevance"), bench.doc_key)
    scored = bench.evaluate({"kliping": rank}, sample, list(FLOORS))
    return {form: scored[("kliping", form, "all")] for form in FLOORS}


@pytest.mark.parametrize("form", list(FLOORS))
def test_ranking_stays_above_its_floors(results: dict[str, dict[str, float]], form: str) -> None:
    low = {name: round(results[form][name], 3) for name, floor in FLOORS[form].items()
           if results[form][name] < floor}
    assert not low, f"{form}: {low} under {FLOORS[form]}"
