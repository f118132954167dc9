"""Export speed and peak memory: ``kliping export`` over the whole corpus, and over it replicated ×3.

Two archives are built (and kept under ``--data`` for reruns): the 21,940
articles of ``../shared/corpus``, and the same replicated three times with new
ids and URLs (65,820 rows: a scaling proxy, to show that memory does not grow
with the count). Each export runs as its own process (``kliping export '*'
--format F -o FILE``), its peak RSS read from the kernel when it ends
(``wait4``), its time the best of ``--repeat`` runs; one more run under
tracemalloc gives the peak of its Python heap, which RSS blurs with the
memory-mapped index files it reads through. The baseline, in the same run: a plain ``SELECT`` of the same
columns from the archive written with ``csv.writer`` in a process of its own,
the least any export can cost.

Run: ``nice -n 10 python benchmarks/export.py`` (``--formats csv`` for a shorter run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS_SIZE = 21_940

BASELINE = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
columns = "id, url, title, source, published, authors, section" + (", body" if sys.argv[3] == "1" else "")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    for row in db.execute(f"SELECT {columns} FROM articles"):
        writer.writerow(row)
"""


def build(data: Path, copies: int) -> Path:
    """A data dir holding the corpus ``copies`` times, archived and indexed (reused when already there), built
    in a process of its own: this one stays small, as the exports it starts inherit its peak RSS."""
    config = data / "config.yaml"
    if not config.exists():
        subprocess.run([sys.executable, __file__, "--build", str(data), str(copies)], check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return config


def _build(data: Path, copies: int) -> None:
    from benchmarks.common import scaled_corpus
    from index.archive import Archive
    from index.store import SearchIndex
    from kliping.article import Article

    config = data / "config.yaml"
    data.mkdir(parents=True, exist_ok=True)
    archive = Archive(data / "archive.sqlite3")
    started = time.perf_counter()
    for record in scaled_corpus(CORPUS_SIZE * copies):
        archive.upsert(Article.from_dict(record))
    SearchIndex(data / "index").catch_up(archive)
    archive.close()
    print(f"  built {CORPUS_SIZE * copies:,} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    config.write_text(f"data_dir: {data}\nsources: []\n", encoding="utf-8")


HEAP = """
import sys, tracemalloc
tracemalloc.start()
from kliping.cli import main
sys.argv = ["kliping", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(tracemalloc.get_traced_memory()[1], file=sys.stderr)
"""


def heap_peak(args: list[str]) -> float:
    """Peak of the Python heap (tracemalloc, MB) of one export: what the process itself allocated, without
    the memory-mapped index files and shared libraries that RSS also counts."""
    result = subprocess.run([sys.executable, "-c", HEAP, *args], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, check=True)
    return int(result.stderr.strip().splitlines()[-1]) / 2**20


def run(command: list[str], repeat: int) -> tuple[float, int]:
    """Best wall seconds of ``repeat`` runs of one process, and its largest peak RSS (MB)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times, peaks = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss // 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return min(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kliping-bench-export")
    parser.add_argument("--formats", nargs="+", default=["csv", "jsonl", "parquet"])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each export; the best time is kept")
    parser.add_argument("--build", nargs=2, metavar=("DIR", "COPIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        _build(Path(args.build[0]), int(args.build[1]))
        return
    out = args.data / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'archive':>9} {'what':<30} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} {'× baseline':>11}"
          f" {'heap MB':>8}")
    for copies in (1, 3):
        config = build(args.data / f"x{copies}", copies)
        rows = CORPUS_SIZE * copies
        for body in (False, True):
            base_s, base_mb = run([sys.executable, "-c", BASELINE, str(config.parent / "archive.sqlite3"),
                                   str(out / "baseline.csv"), "1" if body else "0"], args.repeat)
            label = "SELECT dump" + (" +body" if body else "")
            print(f"{'×' + str(copies):>9} {label:<30} {rows:>7} {base_s:>8.2f} {rows / base_s:>8.0f} "
                  f"{base_mb:>8} {'1.00':>11}", flush=True)
            for fmt in args.formats:
                export = ["--config", str(config), "export", "*", "--format", fmt, "-o", str(out / f"export.{fmt}")]
                export += ["--body"] if body else []
                seconds, mb = run([sys.executable, "-m", "kliping", *export], args.repeat)
                label = f"kliping export {fmt}" + (" +body" if body else "")
                print(f"{'×' + str(copies):>9} {label:<30} {rows:>7} {seconds:>8.2f} {rows / seconds:>8.0f} "
                      f"{mb:>8} {f'{seconds / base_s:.2f}':>11} {heap_peak(export):>8.1f}", flush=True)


if __name__ == "__main__":
    main()
