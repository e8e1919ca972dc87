#!/usr/bin/env python3
"""Benchmark `sitegen extract`: throughput and peak memory on a big synthetic corpus, and
accuracy against the generator's ground truth.

    python benchmarks/bench_extract.py                         # both, 100,000 + 2,000 letters
    python benchmarks/bench_extract.py --count 20000 --skip-accuracy
    python benchmarks/bench_extract.py --skip-throughput --accuracy-count 5000 --examples 5

Corpora are generated into benchmarks/out/ (gitignored) by generate_corpus.py and reused
when a finished corpus with the same parameters (and the same generator source) exists.
Extraction always runs in a subprocess (`python -m sitegen extract DIR > /dev/null`) on
one core; its CPU time and peak RSS come from getrusage(RUSAGE_CHILDREN) inside a small
wrapper process, so nothing else this script starts is counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
GENERATOR = HERE / "generate_corpus.py"

# Runs `sitegen extract` with stdout discarded and reports the child's rusage as JSON.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    rc = subprocess.run([sys.executable, "-m", "sitegen", "extract", *sys.argv[2:]], stdout=out).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "maxrss_kb": ru.ru_maxrss}))
"""


# --------------------------------------------------------------------------- machine
def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "platform": platform.platform(), "loadavg": [round(x, 2) for x in load]}


# --------------------------------------------------------------------------- corpus
def _generator_hash() -> str:
    h = hashlib.sha256()
    for p in (GENERATOR, HERE / "corpus_catalog.py"):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def ensure_corpus(count: int, seed: int, artefacts: float, jobs: int | None) -> tuple[Path, dict[str, Any] | None]:
    """The corpus folder (generated when missing or stale) and generation timings, or None when reused."""
    folder = OUT / f"corpus-n{count}-s{seed}-a{artefacts:g}"
    stamp = folder / ".complete"
    want = json.dumps({"count": count, "seed": seed, "artefacts": artefacts, "generator": _generator_hash()})
    if stamp.exists() and stamp.read_text(encoding="utf-8") == want:
        return folder, None
    if folder.exists():
        _remove_tree(folder)
    cmd = [sys.executable, str(GENERATOR), str(folder), "--count", str(count), "--seed", str(seed),
           "--artefacts", str(artefacts)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"bench_extract: corpus generation failed:\n{proc.stderr.strip()}")
    stamp.write_text(want, encoding="utf-8")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return folder, {"letters": count, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                    "letters_per_s_wall": round(count / wall, 1) if wall else None, "jobs": jobs or "auto"}


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder)


def corpus_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder / "letters"):
        for name in files:
            total += os.stat(os.path.join(root, name)).st_size
    return total


# --------------------------------------------------------------------------- throughput
def measure_extract(folder: Path, stdout_to: str = os.devnull) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, stdout_to, str(folder / "letters")],
                          capture_output=True, text=True, env=env, cwd=str(ROOT))
    try:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise SystemExit(f"bench_extract: could not run sitegen extract:\n{proc.stderr.strip()}") from None
    res["stderr_tail"] = proc.stderr.strip().splitlines()[-3:]
    return res


def throughput(folder: Path, count: int) -> dict[str, Any]:
    size = corpus_bytes(folder)
    r = measure_extract(folder)
    cpu = r["user"] + r["sys"]
    return {
        "letters": count, "corpus_mb": round(size / 1e6, 1), "exit_code": r["rc"],
        "wall_s": round(r["wall"], 2), "cpu_s": round(cpu, 2),
        "letters_per_s_wall": round(count / r["wall"], 1), "letters_per_s_cpu": round(count / cpu, 1) if cpu else None,
        "mb_per_s_wall": round(size / 1e6 / r["wall"], 2), "mb_per_s_cpu": round(size / 1e6 / cpu, 2) if cpu else None,
        "peak_rss_mb": round(r["maxrss_kb"] / 1024, 1), "stderr": r["stderr_tail"],
    }


# --------------------------------------------------------------------------- accuracy
def _collapse(text: str | None) -> str:
    return " ".join((text or "").replace("\u00a0", " ").split())


@dataclass
class Metric:
    name: str
    right: int = 0
    total: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, ok: bool, example: Callable[[], str], keep: int) -> None:
        self.total += 1
        if ok:
            self.right += 1
        elif len(self.examples) < keep:
            self.examples.append(example())

    @property
    def pct(self) -> float:
        return 100.0 * self.right / self.total if self.total else 0.0


def _align(truth_items: list[dict[str, Any]], got_items: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """For each truth item, the extracted item with the same request (first unused), else by position."""
    used: set[int] = set()
    out: list[dict[str, Any] | None] = []
    for n, t in enumerate(truth_items):
        hit = next((k for k, g in enumerate(got_items) if k not in used and _collapse(g.get("request")) == t["request"]), None)
        if hit is None and len(got_items) == len(truth_items) and n not in used:
            hit = n
        if hit is not None:
            used.add(hit)
        out.append(got_items[hit] if hit is not None else None)
    return out


_ITEM_FIELDS = ("body_region", "laterality", "drug", "strength", "quantity", "visits")


def _cite_key(c: dict[str, Any]) -> tuple[Any, ...]:
    if c.get("source") in ("other", "none"):
        return (c.get("source"),)
    return tuple(c.get(k) for k in ("source", "document", "chapter", "topic", "pages"))


def compare(truth: Iterable[dict[str, Any]], records: dict[str, dict[str, Any]], keep: int = 3) -> list[Metric]:
    names = ["letter found", "format", "items exact (count and request text)", "case number", "age", "sex",
             "date of injury", "reviewer specialties", "reviewer licensed in", "item decision",
             "item reviewer citation sources", "item procedure slug", "item category"] + [f"item {f}" for f in _ITEM_FIELDS] \
        + ["item associated", "item reviewer citations in full"]
    m = {n: Metric(n) for n in names}
    for t in truth:
        lid = t["id"]
        rec = records.get(lid)
        m["letter found"].add(rec is not None, lambda: f"{lid}: no record", keep)
        if rec is None:
            continue

        def check(name: str, want: Any, got: Any) -> None:
            m[name].add(want == got, lambda: f"{lid}: want {want!r}, got {got!r}", keep)

        check("format", t["format"], rec.get("format"))
        check("case number", t["case_number"], rec.get("case_number"))
        patient = rec.get("patient") or {}
        check("age", t["patient"]["age"], patient.get("age"))
        check("sex", t["patient"]["sex"], patient.get("sex"))
        check("date of injury", t["date_of_injury"], rec.get("date_of_injury"))
        reviewer = rec.get("reviewer") or {}
        check("reviewer specialties", t["reviewer"]["specialties"], reviewer.get("specialties"))
        check("reviewer licensed in", t["reviewer"]["licensed_in"], reviewer.get("licensed_in"))
        got_items = rec.get("items") or []
        want_req = [i["request"] for i in t["items"]]
        got_req = [_collapse(i.get("request")) for i in got_items]
        check("items exact (count and request text)", want_req, got_req)
        for ti, gi in zip(t["items"], _align(t["items"], got_items)):
            where = f"{lid} [{ti['request']}]"
            if gi is None:
                for name in names[9:]:
                    m[name].add(False, lambda: f"{where}: item not found", keep)
                continue
            for f in _ITEM_FIELDS:
                m[f"item {f}"].add(ti[f] == gi.get(f), lambda: f"{where}: {f} want {ti[f]!r}, got {gi.get(f)!r}", keep)
            got_assoc = gi.get("associated_with") is not None
            m["item associated"].add(ti["associated"] == got_assoc,
                                     lambda: f"{where}: want associated={ti['associated']}, got {got_assoc}", keep)
            want_c = [_cite_key(c) for c in ti["reviewer_citations"]]
            got_c = [_cite_key(c) for c in ((gi.get("guidelines") or {}).get("reviewer") or [])]
            m["item reviewer citations in full"].add(want_c == got_c, lambda: f"{where}: want {want_c}, got {got_c}", keep)
            m["item decision"].add(ti["decision"] == gi.get("decision"),
                                   lambda: f"{where}: want {ti['decision']!r}, got {gi.get('decision')!r}", keep)
            want_src = sorted(c["source"] for c in ti["reviewer_citations"])
            got_src = sorted(c.get("source") for c in ((gi.get("guidelines") or {}).get("reviewer") or []))
            m["item reviewer citation sources"].add(want_src == got_src,
                                                    lambda: f"{where}: want {want_src}, got {got_src}", keep)
            m["item procedure slug"].add(ti["procedure"] == gi.get("procedure"),
                                         lambda: f"{where}: want {ti['procedure']!r}, got {gi.get('procedure')!r}", keep)
            m["item category"].add(ti["category"] == gi.get("category"),
                                   lambda: f"{where}: want {ti['category']!r}, got {gi.get('category')!r}", keep)
    return list(m.values())


def accuracy(folder: Path, keep: int) -> tuple[list[Metric], dict[str, Any]]:
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    out_file = OUT / f"extract-{folder.name}.jsonl"
    run = measure_extract(folder, str(out_file))
    records: dict[str, dict[str, Any]] = {}
    warned = Counter()
    with open(out_file, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            records[rec["id"]] = rec
            for w in rec.get("warnings") or []:
                warned[w.split(":")[0][:60]] += 1
    info = {"letters": len(truth), "records": len(records), "exit_code": run["rc"],
            "letters_with_warnings": sum(bool(r.get("warnings")) for r in records.values()),
            "top_warnings": warned.most_common(5)}
    return compare(truth, records, keep), info


def accuracy_by_format(folder: Path) -> dict[str, dict[str, float]]:
    """Per-layout breakdown of the two headline metrics (reads the records accuracy() wrote)."""
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    recs = {}
    with open(OUT / f"extract-{folder.name}.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            recs[r["id"]] = r
    out: dict[str, dict[str, float]] = {}
    for fmt in sorted({t["format"] for t in truth}):
        sub = [t for t in truth if t["format"] == fmt]
        ms = {m.name: m for m in compare(sub, recs, 0)}
        out[fmt] = {"letters": len(sub), "format": round(ms["format"].pct, 1),
                    "items exact": round(ms["items exact (count and request text)"].pct, 1),
                    "item decision": round(ms["item decision"].pct, 1),
                    "item procedure slug": round(ms["item procedure slug"].pct, 1)}
    return out


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=100_000, help="letters for the throughput run (default: 100000)")
    p.add_argument("--accuracy-count", type=int, default=2000, help="letters for the accuracy run (default: 2000)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default: 0)")
    p.add_argument("--artefacts", type=float, default=0.25, help="share of letters with PDF artefacts (default: 0.25)")
    p.add_argument("--jobs", type=int, default=None, help="generator processes (default: generator's choice)")
    p.add_argument("--examples", type=int, default=3, help="mismatch examples per metric (default: 3)")
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--skip-accuracy", action="store_true")
    p.add_argument("--json", type=Path, default=None, help="also write all results to this JSON file")
    args = p.parse_args(argv)
    if args.count <= 0 or args.accuracy_count <= 0:
        p.error("counts must be positive")
    if not 0.0 <= args.artefacts <= 1.0:
        p.error("--artefacts must be between 0 and 1")
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "seed": args.seed, "artefacts": args.artefacts}
    print("machine:", json.dumps(results["machine"]))

    if not args.skip_throughput:
        folder, gen = ensure_corpus(args.count, args.seed, args.artefacts, args.jobs)
        if gen:
            results["generator"] = gen
            print(f"generated {gen['letters']} letters in {gen['wall_s']} s wall, {gen['cpu_s']} s CPU "
                  f"({gen['letters_per_s_wall']} letters/s wall)")
        else:
            print(f"reusing corpus {folder.relative_to(ROOT)}")
        t = throughput(folder, args.count)
        results["throughput"] = t
        print(f"extract {t['letters']} letters ({t['corpus_mb']} MB): {t['wall_s']} s wall, {t['cpu_s']} s CPU; "
              f"{t['letters_per_s_wall']} letters/s ({t['letters_per_s_cpu']} per CPU-s), "
              f"{t['mb_per_s_wall']} MB/s ({t['mb_per_s_cpu']} per CPU-s); peak RSS {t['peak_rss_mb']} MB; "
              f"exit {t['exit_code']}")
        for line in t["stderr"]:
            print("  extract stderr:", line)

    if not args.skip_accuracy:
        folder, gen = ensure_corpus(args.accuracy_count, args.seed, args.artefacts, args.jobs)
        metrics, info = accuracy(folder, args.examples)
        results["accuracy"] = {"info": info, "metrics": {m.name: {"pct": round(m.pct, 2), "right": m.right,
                                                                   "total": m.total, "examples": m.examples}
                                                          for m in metrics}}
        results["accuracy_by_format"] = accuracy_by_format(folder)
        print(f"\naccuracy on {info['letters']} letters ({info['records']} records, "
              f"{info['letters_with_warnings']} with warnings, exit {info['exit_code']}):")
        for m in metrics:
            print(f"  {m.name:<40} {m.pct:6.2f}%  ({m.right}/{m.total})")
            for ex in m.examples:
                print(f"      e.g. {ex[:220]}")
        print("  by format:")
        for fmt, row in results["accuracy_by_format"].items():
            print(f"    {fmt:<20} " + ", ".join(f"{k} {v}" for k, v in row.items()))
        if info["top_warnings"]:
            print("  most common warnings:", "; ".join(f"{w} ({n})" for w, n in info["top_warnings"]))

    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
