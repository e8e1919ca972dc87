#!/usr/bin/env python3
"""Save-to-reload latency of ``sitegen serve``, measured in a real browser.

    .venv/bin/python benchmarks/bench_serve.py [--sizes 10,100,1000] [--edits 5]
        [--memory-edits 0] [--jobs N] [--work DIR] [--no-search] [--json]

For each archive size: generate a synthetic corpus, start the server (the real
``build_site``, port 0), open the home page in headless Chromium, wait until
its event stream is connected, then repeatedly append a sentence to one letter
(an atomic save: temp file + rename) and time until the tab's ``load`` event of
the reloaded page. Reported per edit: save -> load (wall), the build's wall and
CPU time, and the rest (debounce + event + page load). ``--memory-edits N``
then makes N more edits without the browser and reports the server process's
RSS before and after (a leak shows as growth proportional to N).

Builds are incremental, as in ``sitegen serve``: one :class:`sitegen.build.Session` keeps
the letter records and the output manifest in memory across the edits.

The machine is shared: read CPU alongside wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_corpus import generate  # noqa: E402

from sitegen.build import Session, build_site  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.serve import Server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def atomic_append(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(path.read_bytes() + text.encode())
    os.replace(tmp, path)


def wait_clients(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server.url + "__sitegen/status", timeout=5) as r:
            if json.load(r)["clients"] >= 1:
                return
        time.sleep(0.02)
    raise RuntimeError("the page never connected to the event stream")


def bench_size(n: int, edits: int, memory_edits: int, jobs: int | None, work: Path,
               built: Path | None = None) -> dict:
    if built is not None:  # a folder built by bench_build.py: content/, _site/, .sitegen-cache/
        content, out = (built / "content").resolve(), built / "_site"  # the watcher reports resolved paths
    else:
        content = work / f"content-{n}"
        if not (content / "letters").is_dir():
            generate(content, n, seed=0, jobs=2 if n >= 5000 else 1)
        out = work / f"site-{n}"
    cfg_args = (None, content, out)

    session = Session(defer=True)  # as ``sitegen serve`` does (sitegen/serve/__init__.py: run)

    def build(changed: frozenset[Path] | None) -> object:
        build_site(load_config(*cfg_args), jobs=jobs, progress=False, session=session, changed=changed)
        return session.finish  # the deferred end (exports, search): after the reload, before the next build

    server = Server(build=build, out=out, watch=[content], ignore=[out.parent / ".sitegen-cache"], port=0,
                    log=lambda s: None)
    t = time.perf_counter()
    server.start()
    first_build = time.perf_counter() - t
    letter = sorted((content / "letters").rglob("*.txt"))[0]
    original = letter.read_bytes()
    try:
        return _edits(server, letter, n, edits, memory_edits, first_build)
    finally:
        server.stop()
        atomic_write(letter, original)  # the corpus may be shared: leave it as it was


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _edits(server: Server, letter: Path, n: int, edits: int, memory_edits: int, first_build: float) -> dict:
    rows = []
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server.url)
        for i in range(edits):
            wait_clients(server)
            before = server.builder.count
            with page.expect_event("load", timeout=300_000):
                t0 = time.perf_counter()
                atomic_append(letter, f"\nEdit number {i}.\n")
            total = time.perf_counter() - t0
            rec = server.builder.last
            assert rec is not None and server.builder.count > before and rec.ok, rec
            server.state.wait_idle(300)
            rows.append({"total": total, "build_wall": rec.wall, "build_cpu": rec.cpu,
                         "other": total - rec.wall, "after_wall": server.builder.finish_wall,
                         "after_cpu": server.builder.finish_cpu})
        browser.close()
    mem = {}
    if memory_edits:
        rss0 = rss_mb()
        for i in range(memory_edits):
            before = server.builder.count
            atomic_append(letter, f"\nMemory edit {i}.\n")
            deadline = time.monotonic() + 300
            while server.builder.count == before and time.monotonic() < deadline:
                time.sleep(0.01)
            server.state.wait_idle(300)
        mem = {"edits": memory_edits, "rss_before_mb": round(rss0, 1), "rss_after_mb": round(rss_mb(), 1)}

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows) * 1000, 1)

    return {
        "letters": n,
        "first_build_s": round(first_build, 2),
        "edits": len(rows),
        "median_ms": {k: med(k) for k in ("total", "build_wall", "build_cpu", "other", "after_wall", "after_cpu")},
        "max_total_ms": round(max(r["total"] for r in rows) * 1000, 1),
        "memory": mem,
    }


def _stub_chunk(tasks: list) -> int:
    """Stands in for ``_render_chunk`` in a --direct first build: every page written empty."""
    from sitegen import build as b

    root = b._STATE["root"]
    for job in tasks:
        task = job[0] if isinstance(job, tuple) else job
        for path in task.paths:
            (root / path).write_bytes(b"")
    return 0


def bench_direct(built: Path, edits: int, jobs: int | None) -> dict:
    """The serve build without the browser, on a folder built by bench_build.py: a session's
    first build into ``built/_site_direct`` (letters from the cache; plan, collect, manifest and
    the edit state real, but pages written empty, so a code change since the bench_build run
    costs no re-render), then ``edits`` edit builds of one letter (real: their pages are
    rendered) and their deferred end, timed separately."""
    from sitegen import build as b

    content, out = (built / "content").resolve(), built / "_site_direct"
    cfg = load_config(None, content, out)
    session = Session(defer=True)
    session.saved_at, session.save_every = time.monotonic(), 1e9  # leave the shared letter index alone
    real = b._render_chunk
    b._render_chunk = _stub_chunk
    t, c = time.perf_counter(), time.process_time()
    try:
        build_site(cfg, jobs=jobs, progress=False, session=session, search=False)
    finally:
        b._render_chunk = real
    first = (time.perf_counter() - t, time.process_time() - c)
    letter = sorted((content / "letters").rglob("*.txt"))[0]
    original = letter.read_bytes()
    rows = []
    try:
        for i in range(edits):
            atomic_append(letter, f"\nDirect edit {i}.\n")
            t, c = time.perf_counter(), time.process_time()
            r = build_site(cfg, jobs=jobs, progress=False, session=session, search=False, changed=frozenset({letter}))
            w1, c1 = time.perf_counter() - t, time.process_time() - c
            t, c = time.perf_counter(), time.process_time()
            session.finish()
            rows.append({"build_wall": w1, "build_cpu": c1, "after_wall": time.perf_counter() - t,
                         "after_cpu": time.process_time() - c, "delta": r.delta, "rendered": r.rendered,
                         "stages": {k: round(v * 1000, 1) for k, v in r.stages.items()}})
    finally:
        atomic_write(letter, original)
    med = {k: round(statistics.median(r[k] for r in rows) * 1000, 1)
           for k in ("build_wall", "build_cpu", "after_wall", "after_cpu")}
    return {"letters": len(session.live.slims) if session.live else None, "first_build_wall_s": round(first[0], 1),
            "first_build_cpu_s": round(first[1], 1), "median_ms": med, "edits": rows}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10,100,1000", help="comma-separated archive sizes")
    p.add_argument("--edits", type=int, default=5, help="timed edits per size")
    p.add_argument("--memory-edits", type=int, default=0, help="extra untimed edits for the RSS check (last size)")
    p.add_argument("--jobs", type=int, default=None, help="build worker processes (default: the build's default)")
    p.add_argument("--work", type=Path, default=None, help="folder for corpora (default: a temp folder)")
    p.add_argument("--no-search", action="store_true", help="leave the search stage out (SITEGEN_SKIP_SEARCH=1)")
    p.add_argument("--built", type=Path, default=None,
                   help="reuse a folder built by bench_build.py (WORK/COUNT with content/, _site/, .sitegen-cache/) "
                        "for the single size given")
    p.add_argument("--direct", action="store_true",
                   help="with --built: time the serve build without the browser (see bench_direct)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.no_search:
        os.environ["SITEGEN_SKIP_SEARCH"] = "1"
    if args.direct:
        if args.built is None:
            p.error("--direct needs --built")
        res = bench_direct(args.built.resolve(), args.edits, args.jobs)
        print(json.dumps({**res, "load_avg": os.getloadavg()}, indent=1))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    built = args.built.resolve() if args.built is not None else None  # (before the chdir)
    os.chdir(work)  # keeps the default cache folder and any sitegen.toml lookup inside the work folder
    results = []
    for k, n in enumerate(sizes):
        res = bench_size(n, args.edits, args.memory_edits if k == len(sizes) - 1 else 0, args.jobs, work,
                         built)
        results.append(res)
        if not args.json:
            m = res["median_ms"]
            print(f"{n:>7} letters: save->reload median {m['total']:.0f} ms (max {res['max_total_ms']:.0f}); "
                  f"build wall {m['build_wall']:.0f} ms, cpu {m['build_cpu']:.0f} ms; "
                  f"debounce+event+page {m['other']:.0f} ms; after the reload (exports, search) "
                  f"wall {m['after_wall']:.0f} ms, cpu {m['after_cpu']:.0f} ms; first build {res['first_build_s']} s"
                  + (f"; RSS {res['memory']['rss_before_mb']} -> {res['memory']['rss_after_mb']} MB over "
                     f"{res['memory']['edits']} edits" if res["memory"] else ""), flush=True)
    info = {"machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
            "load_avg": os.getloadavg(), "cpu_s": round(time.process_time(), 1), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "results": results}
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(f"machine: {info['machine']}; load average {info['load_avg'][0]:.2f}; "
              f"peak RSS {info['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
