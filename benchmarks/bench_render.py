"""Benchmark page rendering: milliseconds of CPU per page, by kind of page, on a built corpus.

    python benchmarks/bench_render.py [--site benchmarks/out/build/10000] [--cases 1000] [--group-pages 400]
        [--work benchmarks/out/render] [--profile KIND] [--save DIR | --compare DIR]

Reads the slim records (and, for the case pages rendered, the full records) that a build of
SITE (``bench_build.py --count N``) left in ``SITE/.sitegen-cache``, snapshots them into WORK
(so later builds of SITE do not change the input), collects the archive, plans the site and
renders, in this one process, exactly what a build's render workers render
(``sitegen.build._render_task``) for:

- ``case``: CASES case pages spread evenly over the archive;
- ``procedure`` / ``guideline``: whole groups (every page of a group is one task), smallest
  key first, until GROUP_PAGES pages; plus ``procedure-largest`` / ``guideline-largest``: all
  the pages of the largest group (a 100,000-letter archive has groups of 300 pages);
- ``specialty``, ``region``, ``decision``: every group (one page each);
- ``other``: the browse indexes, letter lists, home, search and 404 pages;
- with ``--big-group``: one guideline group holding every item of the archive (24,000 items and
  239 pages at 10,000 letters), the shape of the largest groups of a 100,000-letter archive.

For each it prints pages, CPU ms per page (``time.process_time``), wall ms per page and KB
per page.  ``--profile KIND`` prints the top of a cProfile of that kind's renders.
``--save DIR`` writes every rendered page under DIR; ``--compare DIR`` renders again and
reports every page that differs from DIR (to show a speed change kept the HTML identical).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import build  # noqa: E402
from sitegen.cache import Slim  # noqa: E402
from sitegen.collect import collect  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.model import Letter  # noqa: E402
from sitegen.plan import Task, plan  # noqa: E402
from sitegen.render import Renderer, make_env  # noqa: E402


def _snapshot(site: Path, work: Path, cases: int) -> tuple[list[Slim], dict[str, Letter]]:
    """(slims in letter order, digest -> full letter of the sampled case pages), cached in WORK."""
    snap = work / f"snapshot-{site.name}-{cases}.pickle"
    if snap.is_file():
        with snap.open("rb") as fh:
            got = pickle.load(fh)
        return got["slims"], got["full"]
    cache = site / ".sitegen-cache" / "build"
    files = sorted(cache.glob("slims-*.pickle"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise SystemExit(f"{cache}: no slim records; build the site first (benchmarks/bench_build.py)")
    with files[-1].open("rb") as fh:
        slims: list[Slim] = sorted(pickle.load(fh)["slims"].values(), key=lambda s: s.letter.id)
    step = max(1, len(slims) // max(1, cases))
    full: dict[str, Letter] = {}
    for s in slims[::step][:cases]:
        with (cache / "records" / s.digest[:2] / f"{s.digest}.pickle").open("rb") as fh:
            full[s.digest] = pickle.load(fh)
    work.mkdir(parents=True, exist_ok=True)
    with snap.open("wb") as fh:
        pickle.dump({"slims": slims, "full": full}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return slims, full


def _select(tasks: list[Task], full_ids: set[str], archive: Any, group_pages: int) -> dict[str, list[Task]]:
    out: dict[str, list[Task]] = {}
    out["case"] = [t for t in tasks if t.kind == "case" and t.arg[0] in full_ids]
    for kind in ("procedure", "guideline"):
        mine = sorted((t for t in tasks if t.kind == kind), key=lambda t: t.arg)
        chosen, n = [], 0
        for t in mine:
            if n >= group_pages:
                break
            chosen.append(t)
            n += len(t.paths)
        out[kind] = chosen
        out[kind + "-largest"] = [max(mine, key=lambda t: (len(t.paths), t.arg))]
    for kind in ("specialty", "region", "decision"):
        out[kind] = [t for t in tasks if t.kind == kind]
    out["other"] = [t for t in tasks if t.kind in ("index", "cases", "home", "search", "404")]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=str(ROOT / "benchmarks" / "out" / "build" / "10000"))
    ap.add_argument("--work", default=str(ROOT / "benchmarks" / "out" / "render"))
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--group-pages", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=1, help="render each selection this many times (best kept)")
    ap.add_argument("--profile", metavar="KIND", help="cProfile the renders of one kind (e.g. case, procedure)")
    ap.add_argument("--only", metavar="KIND", action="append", help="render only these kinds")
    ap.add_argument("--big-group", action="store_true",
                    help="also render one guideline group of every item (the quadratic case of large groups)")
    ap.add_argument("--save", metavar="DIR")
    ap.add_argument("--compare", metavar="DIR")
    args = ap.parse_args()
    site, work = Path(args.site), Path(args.work)
    t0 = time.perf_counter()
    slims, full = _snapshot(site, work, args.cases)
    cfg = load_config(None, site / "content", site / "_site")
    archive = collect([s.letter for s in slims], build._taxonomy_titles(cfg))
    by_id = {s.letter.id: s for s in slims}
    titles = {slug: g.title for slug, g in archive.procedures.items()}
    originals = {l.id: f"letters/{l.id}.txt" for l in archive.letters}
    tasks = plan(cfg, archive, by_id, [], {}, originals, titles, {}, "", "search.html")
    full_ids = {l.id for l in full.values()}
    selected = _select(tasks, full_ids, archive, args.group_pages)
    r = Renderer(cfg, make_env(cfg), [])
    build._STATE.clear()
    build._STATE.update(renderer=r, archive=archive, titles=titles, slims=by_id, memory=full, cfg=cfg,
                        records=None, taxonomy=None, notes={}, pages={}, root=work,
                        letters_by_id={l.id: l for l in archive.letters})
    print(f"{len(slims)} letters, {archive.item_count} items; loaded and collected in "
          f"{time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.2f}; pid {os.getpid()}")
    save = Path(args.save) if args.save else None
    compare = Path(args.compare) if args.compare else None
    differ: list[str] = []
    total_cpu = 0.0
    print(f"{'kind':<20}{'tasks':>7}{'pages':>7}{'CPU ms/page':>13}{'wall ms/page':>14}{'KB/page':>9}")
    if args.big_group:
        # One guideline group holding every item of the archive: the shape of the largest
        # groups at 100,000 letters (tens of thousands of items, hundreds of pages).
        from sitegen.collect import Group
        from sitegen.render import render_group_pages

        big = Group("all-items", "Every item", source="MTUS", document="Test")
        for g in archive.decisions.values():
            big.refs.extend(g.refs)
        c0, w0 = time.process_time(), time.perf_counter()
        pages = list(render_group_pages(r, big, "guideline", None, cfg.page_size, archive))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(f"{'one group, all items':<20}{1:>7}{len(pages):>7}{1000 * cpu / len(pages):>13.2f}"
              f"{1000 * wall / len(pages):>14.2f}{sum(len(h.encode()) for _, h in pages) / len(pages) / 1024:>9.1f}"
              f"   ({len(big.refs)} items, {cpu:.2f} s CPU)")
    for kind, chosen in selected.items():
        if args.only and kind not in args.only:
            continue
        best: tuple[float, float] | None = None
        prof = cProfile.Profile() if args.profile == kind else None
        for _ in range(args.repeat):
            pages: list[tuple[str, str]] = []
            c0, w0 = time.process_time(), time.perf_counter()
            if prof is not None:
                prof.enable()
            for task in chosen:
                pages += build._render_task(task)
            if prof is not None:
                prof.disable()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            if best is None or cpu < best[0]:
                best = (cpu, wall)
        assert best is not None
        total_cpu += best[0]
        n = max(1, len(pages))
        size = sum(len(h.encode()) for _, h in pages) / n / 1024
        print(f"{kind:<20}{len(chosen):>7}{len(pages):>7}{1000 * best[0] / n:>13.2f}{1000 * best[1] / n:>14.2f}{size:>9.1f}")
        for path, html in pages:
            if save is not None:
                out = save / path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(html, encoding="utf-8")
            if compare is not None:
                ref = compare / path
                if not ref.is_file() or ref.read_text(encoding="utf-8") != html:
                    differ.append(path)
        if prof is not None:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    print(f"total render CPU {total_cpu:.2f} s; load average {os.getloadavg()[0]:.2f}")
    if compare is not None:
        print(f"compared with {compare}: {len(differ)} pages differ" + (": " + ", ".join(differ[:10]) if differ else ""))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
