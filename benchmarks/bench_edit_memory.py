"""Memory of a long-running ``sitegen serve`` build session across many edits (issue #6).

Runs the serve path without the server and the browser: one ``Session(defer=True)``, a first
build, then EDITS edit builds, each an atomic save of one of five letters (cycled) followed by
the deferred end of the build (exports), as ``sitegen serve`` does.  Prints the process's RSS
every 100 edits; the edited letters are restored at the end.

    python benchmarks/bench_edit_memory.py CONTENT OUT [--edits 1000] [--search]

CONTENT is a content folder (with letters/), e.g. benchmarks/out/build/10000/content;
OUT a scratch output folder (its build cache goes beside it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_serve import atomic_write  # noqa: E402

from sitegen.build import Session, build_site  # noqa: E402
from sitegen.config import load_config  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("content", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--edits", type=int, default=1000)
    p.add_argument("--search", action="store_true", help="also update the search indexes per edit")
    args = p.parse_args()
    cfg = load_config(None, args.content.resolve(), args.out)
    session = Session(defer=True)
    t0 = time.perf_counter()
    build_site(cfg, progress=False, session=session, search=args.search)
    print(f"first build {time.perf_counter() - t0:.1f} s, RSS {rss_mb():.1f} MB", flush=True)
    letters = sorted((args.content.resolve() / "letters").rglob("*.txt"))[:5]
    originals = [f.read_bytes() for f in letters]
    try:
        for i in range(args.edits):
            k = i % len(letters)
            atomic_write(letters[k], originals[k] + f"\nEdit {i}.\n".encode())
            build_site(cfg, progress=False, session=session, search=args.search, changed=frozenset({letters[k]}))
            session.finish()
            if i % 100 == 0 or i == args.edits - 1:
                print(f"edit {i}: RSS {rss_mb():.1f} MB, {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        for f, data in zip(letters, originals):
            atomic_write(f, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
