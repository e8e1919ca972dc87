#!/usr/bin/env python3
"""Benchmark and accuracy check for normalisation on the generated corpus.

    .venv/bin/python benchmarks/bench_normalize.py [--count 10000] [--seed 0]

Generates the letters in memory (benchmarks/generate_corpus.py), parses them with the
real parser and normalises them with the shipped taxonomy.  Reports:

* CPU and wall time of parsing alone, and of normalisation alone (letters/s, us/item);
* the share of items mapped to the procedure the generator used (target >= 97%), measured
  on the parser's items when it found the same number of items as the truth, else on the
  truth's request texts;
* any two generator procedures merged into one taxonomy procedure (target: none).

Exits 1 when a target is missed (accuracy, merges, or normalisation above 0.2 ms CPU per item;
the parser's own speed is reported but judged by its own benchmark).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import generate_corpus as gc  # noqa: E402

from sitegen.normalize import load_taxonomy, normalize_letter, normalize_request  # noqa: E402
from sitegen.parse import parse_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t0 = time.process_time()
    corpus = list(gc.iter_letters(args.count, seed=args.seed))
    print(f"generated {len(corpus):,} letters in {time.process_time() - t0:.1f} s CPU")

    c0, w0 = time.process_time(), time.perf_counter()
    tax = load_taxonomy()
    print(f"taxonomy: {len(tax)} procedures, compiled in {time.process_time() - c0:.2f} s CPU")

    c0, w0 = time.process_time(), time.perf_counter()
    parsed = [parse_text(text, rel, rel) for rel, text, _ in corpus]
    parse_cpu, parse_wall = time.process_time() - c0, time.perf_counter() - w0

    c0, w0 = time.process_time(), time.perf_counter()
    normalized = [normalize_letter(letter, tax) for letter in parsed]
    norm_cpu, norm_wall = time.process_time() - c0, time.perf_counter() - w0

    # the same again with the per-request cache cleared: the cost of a corpus of unique requests
    tax._cache.clear()
    c0 = time.process_time()
    for letter in parsed:
        tax._cache.clear()
        normalize_letter(letter, tax)
    cold_cpu = time.process_time() - c0

    items = sum(len(x.items) for x in parsed)
    n = len(parsed)
    print(f"items: {items:,} ({items / n:.2f} per letter)")
    print(f"parse only:      {parse_cpu:6.2f} s CPU ({n / parse_cpu:7,.0f} letters/s), {parse_wall:6.2f} s wall")
    print(f"normalise only:  {norm_cpu:6.2f} s CPU ({n / norm_cpu:7,.0f} letters/s, {norm_cpu / items * 1e6:5.1f} us/item), "
          f"{norm_wall:6.2f} s wall")
    print(f"normalise, no request cache: {cold_cpu:6.2f} s CPU ({cold_cpu / items * 1e6:5.1f} us/item)")
    both = parse_cpu + norm_cpu
    print(f"parse + normalise: {n / both:,.0f} letters/s per core (target >= 1,000)")

    total = right = via_truth = 0
    by_truth: dict[str, Counter[str | None]] = defaultdict(Counter)
    wrong: Counter[tuple[str, str | None, str]] = Counter()
    for letter, (_, _, truth) in zip(normalized, corpus):
        titems = truth["items"]
        if len(letter.items) == len(titems):
            got = [it.procedure for it in letter.items]
            reqs = [it.request for it in letter.items]
        else:
            via_truth += len(titems)
            got = [normalize_request(t["request"], tax).procedure for t in titems]
            reqs = [t["request"] for t in titems]
        for t, g, r in zip(titems, got, reqs):
            total += 1
            by_truth[t["procedure"]][g] += 1
            if g == t["procedure"]:
                right += 1
            else:
                wrong[(t["procedure"], g, r)] += 1
    share = right / total
    print(f"mapped to the generator's procedure: {right:,}/{total:,} = {share:.2%} "
          f"({via_truth:,} items via the truth's request text where the parser's item count differed)")
    for (want, got, req), k in wrong.most_common(10):
        print(f"  {k:>5}  {req!r}: {got} (generator: {want})")
    owners: dict[str | None, list[str]] = defaultdict(list)
    for slug, c in by_truth.items():
        owners[c.most_common(1)[0][0]].append(slug)
    merged = {page: slugs for page, slugs in owners.items() if len(slugs) > 1}
    print(f"generator procedures: {len(by_truth)}; merged into one taxonomy procedure: {merged or 'none'}")
    # Normalisation's own budget: < 0.2 ms CPU per item, so parse + normalise stays >= 1,000
    # letters/s per core whenever parsing alone manages ~1,600 letters/s or more.
    ok = share >= 0.97 and not merged and norm_cpu / items <= 200e-6
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
