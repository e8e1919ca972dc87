#!/usr/bin/env python3
"""Time sitegen's Whoosh index build (``sitegen.search.whoosh_index.build``).

    python benchmarks/bench_whoosh.py LETTERS.pickle [--count N] [--plain] [--work DIR]

LETTERS.pickle is the parsed-letters cache written by ``benchmarks/bench_search.py --letters``.
``--plain`` builds the same documents the way sitegen did before the fast build: Whoosh's own
``TEXT`` fields (StemmingAnalyzer, character offsets on ``content``) and ``writer.add_document``
per letter through Whoosh's sorting pool (``limitmb=256``).  Prints one JSON object: letters, CPU
and wall seconds of the build alone (documents are made first), letters per CPU second, index
bytes and the process's peak RSS before and after the build (the letters pickle is loaded whole).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def plain_build(docs: list, index_dir: Path) -> None:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT

    from sitegen.search import whoosh_index as w

    sch = w.schema()
    sch.remove("request")
    sch.remove("content")
    sch.add("request", TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=w.REQUEST_BOOST))
    sch.add("content", TEXT(analyzer=StemmingAnalyzer(), stored=True, chars=True))
    index_dir.mkdir(parents=True)
    writer = index.create_in(str(index_dir), sch).writer(limitmb=256)
    for doc in docs:
        writer.add_document(**w._fields(doc))
    writer.commit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("letters", type=Path, help="pickle of parsed letters (bench_search.py --letters)")
    ap.add_argument("--count", type=int, default=0, help="use the first N letters (default: all)")
    ap.add_argument("--plain", action="store_true", help="build with Whoosh's ordinary writer (the former build)")
    ap.add_argument("--work", type=Path, help="folder for the index (default: a temporary folder, removed)")
    a = ap.parse_args()
    if not a.letters.is_file():
        print(f"{a.letters}: no such file (write it with bench_search.py --letters)", file=sys.stderr)
        return 2
    from sitegen.search import whoosh_index
    from sitegen.search.documents import documents

    letters = pickle.loads(a.letters.read_bytes())
    if a.count:
        letters = letters[: a.count]
    docs = documents(letters)
    del letters
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
    out = work / "ix"
    shutil.rmtree(out, ignore_errors=True)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c0, t0 = time.process_time(), time.perf_counter()
    if a.plain:
        plain_build(docs, out)
    else:
        whoosh_index.build(docs, out)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(json.dumps({
        "build": "plain whoosh writer" if a.plain else "sitegen",
        "letters": len(docs), "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
        "letters_per_cpu_s": round(len(docs) / cpu), "index_bytes": size,
        "peak_rss_mb_before_build": round(rss0),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_avg": os.getloadavg(),
    }))
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
