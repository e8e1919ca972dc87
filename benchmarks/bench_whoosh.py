#!/usr/bin/env python3
"""Time sitegen's Whoosh index build (``sitegen.search.whoosh_index.build``).

    python benchmarks/bench_whoosh.py LETTERS.pickle [--corpus DIR] [--count N] [--procs N] [--updates N] [--plain] [--work DIR]

LETTERS.pickle is the parsed-letters cache written by ``benchmarks/bench_search.py --letters``, or a
pickled list of search documents (``sitegen.search.documents.SearchDoc``), used as they are.
``--plain`` builds the same documents the way sitegen did before the fast build: Whoosh's own
``TEXT`` fields (StemmingAnalyzer, character offsets on ``content``) and ``writer.add_document``
per letter through Whoosh's sorting pool (``limitmb=256``).  ``--procs N`` builds N segments in N
processes (default: what ``sitegen build`` does, 2 from 5,000 letters on).  Prints one JSON object:
letters, CPU seconds of the build alone (documents are made first; this process plus the segment
processes it forked), wall seconds, letters per CPU second, index bytes and the peak RSS of this
process before and after the build and of the largest forked process (the letters pickle is loaded
whole), the load average, and the compressor of the posting blocks and stored fields (``isal`` when
python-isal is installed, else ``zlib``).
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
import zlib
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


def time_updates(docs: list, index_dir: Path, n: int) -> dict:
    """Change one letter at a time (its text gets a new word) and update the index for it, n
    times; CPU and wall milliseconds per update, then check each changed letter is found."""
    from dataclasses import replace

    from sitegen.search import whoosh_index

    cpu, wall = [], []
    picked = [docs[(k * 7919) % len(docs)] for k in range(n)]
    for k, doc in enumerate(picked):
        changed = replace(doc, text=f"{doc.text} benchupdate{k}")
        c0, t0 = time.process_time(), time.perf_counter()
        whoosh_index.update([changed], [], index_dir)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    for k, doc in enumerate(picked):
        total, hits = whoosh_index.search(index_dir, f"benchupdate{k}", 5)
        assert total == 1 and hits[0].id == doc.id, (k, total)
    assert whoosh_index.doc_count(index_dir) == len(docs)
    from whoosh import index

    segs = len(index.open_dir(str(index_dir))._segments())
    ordered = sorted(zip(wall, cpu))
    return {"n": n, "cpu_ms_median": round(sorted(cpu)[n // 2]), "cpu_ms_max": round(max(cpu)),
            "wall_ms_median": round(ordered[n // 2][0]), "wall_ms_max": round(max(wall)), "segments_after": segs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("letters", type=Path, help="pickle of parsed letters (bench_search.py --letters, or --save-letters)")
    ap.add_argument("--corpus", type=Path,
                    help="when LETTERS does not exist: parse this generated corpus and save the letters there first")
    ap.add_argument("--count", type=int, default=0, help="use the first N letters (default: all)")
    ap.add_argument("--plain", action="store_true", help="build with Whoosh's ordinary writer (the former build)")
    ap.add_argument("--procs", type=int, help="segments built in parallel (default: sitegen's choice)")
    ap.add_argument("--updates", type=int, default=0,
                    help="then time N one-letter updates (a changed letter each, as `sitegen serve` saves)")
    ap.add_argument("--work", type=Path, help="folder for the index (default: a temporary folder, removed)")
    a = ap.parse_args()
    if not a.letters.is_file() and a.corpus:
        from bench_search import parse_all  # noqa: E402 - benchmarks/ is on sys.path when run as a script

        c0, t0 = time.process_time(), time.perf_counter()
        a.letters.write_bytes(pickle.dumps(parse_all(a.corpus), protocol=pickle.HIGHEST_PROTOCOL))
        print(f"parsed {a.corpus} in {time.perf_counter() - t0:.0f} s ({time.process_time() - c0:.0f} s CPU) -> {a.letters}",
              file=sys.stderr)
    if not a.letters.is_file():
        print(f"{a.letters}: no such file (pass --corpus DIR, or write it with bench_search.py --letters)", file=sys.stderr)
        return 2
    from sitegen.search import whoosh_index
    from sitegen.search.documents import documents

    from sitegen.search.documents import SearchDoc

    letters = pickle.loads(a.letters.read_bytes())
    if a.count:
        letters = letters[: a.count]
    docs = letters if letters and isinstance(letters[0], SearchDoc) else documents(letters)
    del letters
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
    out = work / "ix"
    shutil.rmtree(out, ignore_errors=True)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    def cpu_now() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    load0 = os.getloadavg()
    c0, t0 = cpu_now(), time.perf_counter()
    if a.plain:
        plain_build(docs, out)
    else:
        whoosh_index.build(docs, out, procs=a.procs)
    cpu, wall = cpu_now() - c0, time.perf_counter() - t0
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    updates = time_updates(docs, out, a.updates) if a.updates else None
    print(json.dumps({
        "build": "plain whoosh writer" if a.plain else "sitegen",
        "procs": 1 if a.plain else whoosh_index._procs(a.procs, len(docs)),
        "letters": len(docs), "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
        "letters_per_cpu_s": round(len(docs) / cpu), "index_bytes": size,
        "peak_rss_mb_before_build": round(rss0),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_forked": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_avg_before": load0, "load_avg_after": os.getloadavg(),
        "compressor": "zlib" if a.plain or getattr(whoosh_index, "_deflate", zlib.compress) is zlib.compress else "isal",
        **({"updates": updates} if updates else {}),
    }))
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
