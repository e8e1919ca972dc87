#!/usr/bin/env python3
"""Time the static search index build (``sitegen.search.static_index.build``) alone.

    python benchmarks/bench_static_index.py SOURCE [--count N] [--work DIR] [--split auto|one|two]
        [--module OTHER.py] [--repeat R] [--no-memory]

SOURCE is a pickle of ``SearchDoc`` objects, a pickle of parsed letters (``bench_search.py
--letters`` writes one) or a corpus folder from ``generate_corpus.py`` (parsed first; slow).
The documents are loaded before the clock starts, as ``sitegen build`` holds them.  Prints one
JSON object: per run the wall time, the CPU time of this process and of the forked pair process
(``RUSAGE_CHILDREN``), files and bytes written, and memory: peak RSS of each process and the
peak PSS of the build's process tree (this process + its children, sampled from
``/proc/*/smaps_rollup`` every 0.2 s; PSS splits pages shared after the fork, so the sum does not
count them twice), with the PSS before the build (the loaded documents) and the growth over it.

``--module OTHER.py`` times a second copy of the module right after (A/B in one script, e.g.
``git show HEAD~1:sitegen/search/static_index.py > /tmp/old.py``); runs alternate between the
two, and ``compare`` says whether their outputs were byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import pickle
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def load_docs(source: Path, count: int | None) -> list[Any]:
    from sitegen.search.documents import SearchDoc, documents

    if source.is_dir():
        from bench_search import parse_all

        items: list[Any] = parse_all(source)
    else:
        with source.open("rb") as fh:
            items = pickle.load(fh)
    items = items[:count] if count else items
    return items if not items or isinstance(items[0], SearchDoc) else documents(items)


def _kib(path: str, field: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


class TreeMemory:
    """Peak PSS of this process + its descendants (sampled), in KiB."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()

    def sample(self) -> int:
        pids, total = [os.getpid()], 0
        while pids:
            pid = pids.pop()
            total += _kib(f"/proc/{pid}/smaps_rollup", "Pss:")
            pids.extend(_children(pid))
        return total

    def __enter__(self) -> "TreeMemory":
        self.peak = self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.sample())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def run_once(module: Any, docs: list[Any], work: Path, split: bool | None, memory: bool) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    before = TreeMemory().sample() if memory else 0
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0, w0 = time.process_time(), time.perf_counter()
    if memory:
        with TreeMemory() as mem:
            stats = module.build(docs, work / "site", work / "ix", split=split)
    else:
        stats = module.build(docs, work / "site", work / "ix", split=split)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    out: dict[str, Any] = {
        "wall_s": round(wall, 2), "cpu_main_s": round(cpu, 2),
        "cpu_child_s": round(kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime, 2),
        "files": stats["files"], "bytes": stats["bytes"], "load_at_start": [round(x, 2) for x in load],
        "rss_peak_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_peak_child_mb": round(kids.ru_maxrss / 1024),
    }
    if memory:
        out.update(pss_before_mb=round(before / 1024), pss_peak_tree_mb=round(mem.peak / 1024),
                   pss_growth_mb=round((mem.peak - before) / 1024))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="pickle of SearchDocs or parsed letters, or a corpus folder")
    ap.add_argument("--count", type=int, help="only the first N letters")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "static-index")
    ap.add_argument("--split", choices=("auto", "one", "two"), default="auto",
                    help="one process, two (the forked pair process) or the build's own choice")
    ap.add_argument("--module", type=Path, help="another copy of static_index.py to time against")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-memory", action="store_true", help="no PSS sampling")
    a = ap.parse_args()

    t0 = time.perf_counter()
    docs = load_docs(a.source, a.count)
    from sitegen.search import static_index

    modules = [("current", static_index)]
    if a.module:
        spec = importlib.util.spec_from_file_location("static_index_other", a.module)
        assert spec and spec.loader
        other = importlib.util.module_from_spec(spec)
        sys.modules["static_index_other"] = other  # pickling its State needs the module
        spec.loader.exec_module(other)
        modules.append((str(a.module), other))
    split = {"auto": None, "one": False, "two": True}[a.split]
    result: dict[str, Any] = {"letters": len(docs), "cores": os.cpu_count(), "load_s": round(time.perf_counter() - t0, 1),
                              "split": a.split, "runs": []}
    digests: dict[str, str] = {}
    for rep in range(a.repeat):
        for name, module in modules if rep % 2 == 0 else modules[::-1]:
            work = a.work / name.replace("/", "_")
            r = {"module": name, **run_once(module, docs, work, split, not a.no_memory)}
            digests[name] = tree_digest(work / "site")
            result["runs"].append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
    if a.module:
        result["compare"] = "identical" if len(set(digests.values())) == 1 else "DIFFERENT"
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
