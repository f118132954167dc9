"""Whole processes: `kliping search` wall time and memory, `kliping serve` memory, `kliping import` speed.

For each archive size (``--docs``; the 21,940-article corpus replicated with
new ids and URLs: a scaling proxy) this builds a data dir under ``--workdir``
with ``kliping import`` of a JSON Lines file, timed beside plain Whoosh
indexing the same records (a schema of the same fields, StandardAnalyzer, one
writer, its own process). Then, on that data dir:

- ``kliping search QUERY`` as a subprocess, wall time and max RSS per run
  (``os.wait4``), beside two baselines run interleaved in the same loop: an
  interpreter that only starts (``python -c pass``) and a plain-Whoosh search
  script over the plain index (open, parse, search, print ten hits);
- ``kliping serve``: seconds until /health answers, then its resident memory
  (VmHWM, VmRSS from /proc) after every query was asked a few times.

``--compare DIR`` runs another checkout (e.g. a worktree of the commit before a
change) in the same loop, on the same data dir, so before/after share the
machine's noise. The machine is shared: read the ratios, not the milliseconds.

    python benchmarks/process.py --docs 20000 100000
    python benchmarks/process.py --docs 20000 --reuse --compare ../wt-base --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, scaled_corpus  # noqa: E402

PY = sys.executable

#: (label, `kliping search` arguments). The plain-Whoosh baseline gets the query words only.
QUERIES: list[tuple[str, list[str]]] = [
    ("word", ["banjir"]),
    ("two words", ["harga minyak"]),
    ("phrase", ['"Joko Widodo"']),
    ("word + 2 weeks", ["korupsi", "--from", "2019-09-01", "--to", "2019-09-15"]),
    ("word + facets", ["pemilu", "--facets"]),
]


# -- the plain-Whoosh side (run as subprocesses of this same file) ---------------------------------


def plain_schema():  # type: ignore[no-untyped-def]
    """kliping's fields, as plain Whoosh types with its StandardAnalyzer."""
    from whoosh import fields

    return fields.Schema(
        id=fields.ID(stored=True, unique=True), url=fields.STORED, source=fields.ID(stored=True, sortable=True),
        section=fields.ID(stored=True), title=fields.TEXT(stored=True), body=fields.TEXT,
        author=fields.TEXT(stored=True), published=fields.DATETIME(sortable=True), published_text=fields.STORED,
        month=fields.ID(sortable=True),
    )


def plain_index(records: Path, target: Path) -> None:
    """Index a JSON Lines file with plain Whoosh, one writer, as its docs show it."""
    from datetime import datetime

    from whoosh import index

    target.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(target), plain_schema())
    writer = ix.writer()
    with records.open(encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            try:
                published = datetime.fromisoformat(r["published"]).replace(tzinfo=None) if r.get("published") else None
            except ValueError:
                published = None
            writer.add_document(
                id=r["id"], url=r["url"], source=r.get("source") or "", section=(r.get("section") or "").lower(),
                title=r["title"], body=r["body"], author=r.get("author") or "", published=published,
                published_text=r.get("published"), month=published.strftime("%Y-%m") if published else "",
            )
    writer.commit()


def plain_search(target: Path, query: str) -> None:
    """Open the plain index, search title and body, print ten hits and the total."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(target))
    with ix.searcher() as searcher:
        results = searcher.search(MultifieldParser(["title", "body"], ix.schema).parse(query), limit=10)
        for hit in results:
            print(hit["title"])
        print(len(results))


# -- measuring ---------------------------------------------------------------------------------------


def run(argv: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and max RSS (bytes) of one child process."""
    seconds, rss, _ = run_cpu(argv, cwd)
    return seconds, rss


#: Runs argv and reports its wall seconds, max RSS, CPU seconds and exit code on stderr's last line. A
#: child's ru_maxrss starts at the high-water mark of the process it was forked from (this benchmark's,
#: ~100 MB), so the measured commands are started from this small launcher instead.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime,
      os.waitstatus_to_exitcode(status), file=sys.stderr)
"""


def run_cpu(argv: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, max RSS (bytes) and CPU seconds (with its own children: the multiprocess writer's)."""
    proc = subprocess.run([PY, "-c", LAUNCHER, *argv], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    seconds, rss, cpu, code = proc.stderr.strip().splitlines()[-1].split()
    if int(code) not in (0, 3):
        raise SystemExit(f"{argv} exited {code}: {proc.stderr[-2000:]}")
    return float(seconds), int(rss), float(cpu)


def kliping(code: Path, config: Path, *args: str) -> list[str]:
    return [PY, "-m", "kliping", "--config", str(config), *args]


def write_records(n: int, path: Path) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for record in scaled_corpus(n):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)


def build(n: int, root: Path, codes: dict[str, Path], reuse: bool) -> dict[str, Path]:
    """The records file, the plain index and one data dir per checkout; prints import speeds."""
    root.mkdir(parents=True, exist_ok=True)
    records = root / f"records-{n}.jsonl"
    write_records(n, records)
    plain = root / "plain"
    configs = {}
    timings: dict[str, tuple[float, float, int]] = {}
    if not (reuse and plain.exists()):
        shutil.rmtree(plain, ignore_errors=True)
        seconds, rss, cpu = run_cpu([PY, __file__, "plain-index", str(records), str(plain)], ROOT)
        timings["plain Whoosh"] = (seconds, cpu, rss)
    for name, code in codes.items():
        data = root / f"data-{name}"
        config = data / "config.yaml"
        configs[name] = config
        if reuse and (data / "data" / "index").exists():
            continue
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        config.write_text("data_dir: ./data\nsources: []\n")
        seconds, rss, cpu = run_cpu(kliping(code, config, "import", str(records)), code)
        timings[f"kliping import ({name})"] = (seconds, cpu, rss)
    if timings:
        print(f"\nindexing {n:,} records (`kliping import {records.name}`; plain Whoosh: one writer, same records);"
              " CPU = user+sys of the process and its children; RSS = the largest of them")
        base = timings.get("plain Whoosh")
        for label, (seconds, cpu, rss) in timings.items():
            ratio = f"{base[0] / seconds:6.2f}x plain (CPU {base[1] / cpu:4.2f}x)" if base else ""
            print(f"  {label:<28} {n / seconds:8.0f} docs/s  {seconds:8.1f} s wall  {cpu:8.1f} s CPU"
                  f"  {rss / 1e6:5.0f} MB  {ratio}")
    return {"records": records, "plain": plain, **configs}


def searches(n: int, paths: dict[str, Path], codes: dict[str, Path], runs: int) -> None:
    """Every query `runs` times, each checkout and both baselines interleaved in one loop."""
    config = paths[next(iter(codes))]  # every checkout searches the same data dir
    print(f"\n`kliping search` at {n:,} documents: wall ms median / p95 of {runs} runs, max RSS MB;"
          " ratio = median / plain-Whoosh median")
    header = f"  {'query':<16}{'python -c pass':>22}{'plain Whoosh search':>26}"
    for name in codes:
        header += f"{'kliping ' + name:>32}"
    print(header)
    totals: dict[str, list[float]] = {}
    for label, args in QUERIES:
        words = args[0]
        sides: dict[str, tuple[list[str], Path]] = {
            "pass": ([PY, "-c", "pass"], ROOT),
            "plain": ([PY, __file__, "plain-search", str(paths["plain"]), words], ROOT),
        }
        for name, code in codes.items():
            sides[name] = (kliping(code, config, "search", *args), code)
        samples: dict[str, list[tuple[float, int]]] = {side: [] for side in sides}
        for argv, cwd in sides.values():  # once each, unmeasured: the page cache is warm for all
            run(argv, cwd)
        for _ in range(runs):
            for side, (argv, cwd) in sides.items():
                samples[side].append(run(argv, cwd))
        plain_median = statistics.median(s for s, _ in samples["plain"])
        line = f"  {label:<16}"
        for side, got in samples.items():
            times = sorted(s for s, _ in got)
            med, p95 = statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rss = max(r for _, r in got) / 1e6
            totals.setdefault(side, []).append(med / plain_median)
            cell = f"{med * 1000:5.0f} /{p95 * 1000:5.0f} ms {rss:4.0f} MB"
            if side not in ("pass", "plain"):
                cell += f" {med / plain_median:4.2f}x"
            line += f"{cell:>{22 if side == 'pass' else 26 if side == 'plain' else 32}}"
        print(line)
    means = ", ".join(f"{side} {statistics.fmean(r):.2f}x" for side, r in totals.items())
    print(f"  mean ratio to plain Whoosh: {means}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) * 1024
    return out


def serve(n: int, paths: dict[str, Path], codes: dict[str, Path], rounds: int) -> None:
    """Each checkout's `kliping serve` on the same data dir: ready time, then memory after the queries."""
    config = paths[next(iter(codes))]
    print(f"\n`kliping serve` at {n:,} documents: each query asked {rounds} times over HTTP, then /proc/PID/status")
    for name, code in codes.items():
        port = free_port()
        argv = kliping(code, config, "serve", "--port", str(port), "--no-access-log")
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            while True:
                try:
                    urllib.request.urlopen(base + "/health", timeout=5).read()
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise SystemExit(f"kliping serve ({name}) exited {proc.returncode}") from None
                    time.sleep(0.05)
            ready = time.perf_counter() - start
            idle = proc_status(proc.pid)
            first: list[float] = []
            later: list[float] = []
            for _, args in QUERIES:
                params = {"q": args[0], "facets": "true" if "--facets" in args else "false"}
                if "--from" in args:
                    params.update({"from": args[args.index("--from") + 1], "to": args[args.index("--to") + 1]})
                for i in range(rounds):
                    t = time.perf_counter()
                    urllib.request.urlopen(f"{base}/search?{urlencode(params)}", timeout=60).read()
                    (first if i == 0 else later).append(time.perf_counter() - t)
            status = proc_status(proc.pid)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        print(f"  {name:<8} ready in {ready * 1000:5.0f} ms ({idle['VmRSS'] / 1e6:4.0f} MB);"
              f" first query each {statistics.median(first) * 1000:5.0f} ms median,"
              f" again {statistics.median(later) * 1000:4.0f} ms;"
              f" VmHWM {status['VmHWM'] / 1e6:4.0f} MB, VmRSS {status['VmRSS'] / 1e6:4.0f} MB"
              f" (anon {status['RssAnon'] / 1e6:4.0f}, file {status['RssFile'] / 1e6:4.0f})")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("plain-index", "plain-search"):
        command, first, second = sys.argv[1:4]
        if command == "plain-index":
            plain_index(Path(first), Path(second))
        else:
            plain_search(Path(first), second)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[20_000, 100_000], help="archive sizes")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench-data" / "process")
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each search")
    parser.add_argument("--serve-rounds", type=int, default=3, help="times `kliping serve` is asked each query")
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="DIR",
                        help="another checkout to run beside this one (repeatable)")
    parser.add_argument("--reuse", action="store_true", help="keep data dirs a previous run built")
    parser.add_argument("--skip", choices=["search", "serve"], action="append", default=[])
    args = parser.parse_args()
    codes = {"this": ROOT}
    for other in args.compare:
        codes[other.resolve().name] = other.resolve()
    for code in codes.values():  # as after an install: with PYTHONDONTWRITEBYTECODE set, every run compiled
        subprocess.run([PY, "-m", "compileall", "-q", *(str(code / d) for d in ("kliping", "index", "ingest",
                                                                               "search"))], check=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for n in args.docs:
        paths = build(n, args.workdir.resolve() / str(n), codes, args.reuse)
        if "search" not in args.skip:
            searches(n, paths, codes, args.runs)
        if "serve" not in args.skip:
            serve(n, paths, codes, args.serve_rounds)
    print(f"\n(load average at the end {os.getloadavg()[0]:.1f}; children's user CPU "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.0f} s)")


if __name__ == "__main__":
    main()
