"""Benchmark ``sitegen build`` on a generated corpus.

    python benchmarks/bench_build.py --count 10000 [--jobs 2] [--work benchmarks/out/build]

Generates COUNT letters with benchmarks/generate_corpus.py (reused when present), builds
the site, and prints wall time per stage, CPU time (this process and its children),
peak memory (largest single process, and the sum over the main process and its
workers) and the largest page.  Search indexing is reported separately.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", default=str(ROOT / "benchmarks" / "out" / "build"))
    args = ap.parse_args()
    work = Path(args.work) / str(args.count)
    content = work / "content"
    if not (content / "letters").is_dir():
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), str(content),
                        "--count", str(args.count)], check=True)
        print(f"generated {args.count} letters in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    sys.path.insert(0, str(ROOT))
    from sitegen.build import build_site
    from sitegen.config import load_config

    cfg = load_config(None, content, work / "_site")
    t0, c0 = time.perf_counter(), time.process_time()
    report = build_site(cfg, jobs=args.jobs, progress=False)
    wall = time.perf_counter() - t0
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (time.process_time() - c0) + kids.ru_utime + kids.ru_stime
    largest = max((p.stat().st_size, p.name) for p in cfg.out_dir.rglob("*.html"))
    search = report.stages.get("search", 0.0)
    print(f"letters {report.letters}, items {report.items}, pages {report.pages}, files {report.files}, "
          f"{report.bytes / 1e6:.0f} MB written")
    for k, v in report.stages.items():
        print(f"  {k:<14} {v:7.2f} s")
    print(f"wall {wall:.1f} s; excluding search {wall - search:.1f} s; CPU (all processes) {cpu:.1f} s; jobs {args.jobs}")
    print(f"peak RSS: main {self_ru.ru_maxrss / 1024:.0f} MB, largest worker {kids.ru_maxrss / 1024:.0f} MB, "
          f"sum bound {(self_ru.ru_maxrss + kids.ru_maxrss * args.jobs) / 1024:.0f} MB")
    print(f"largest page {largest[1]} {largest[0] / 1e3:.0f} kB; cores {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
