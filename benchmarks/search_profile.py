#!/usr/bin/env python3
"""Where a cold search query's time goes in headless Chromium: main-thread CPU and a V8 profile.

    python benchmarks/search_profile.py SITE [--client A.js,B.js] [--query 'lumbar radiculopathy']
        [--filter decision=overturned] [--repeat 7] [--profile]

SITE is a site folder with ``search.html`` and ``search/`` (e.g. ``WORK/site`` of
``bench_search.py``).  For each client (default: the current ``static/search.js``; several are
run interleaved, for an A/B) and each repeat, a fresh browser context loads ``search.html`` from
``benchmarks/static_server.py`` and runs one cold ``benchRun`` while Chromium traces it.  Prints
per client: the median and minimum **main-thread CPU** of the renderer during the query (thread
time of its tasks, which other load on the machine changes far less than wall time) and the
median ``total_ms``.  ``--profile`` also samples V8 (every 50 us) and prints the functions with
the most self time per query (``appendChild`` is the script elements' insertion, ``(program)``
native work outside JavaScript).  The site's ``search/client.js`` is rewritten for each client
and restored to the current one at the end.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import static_server  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


def _main_thread_cpu_ms(trace: Path) -> float:
    events = json.loads(trace.read_text())["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    mains = {k for k, v in names.items() if v == "CrRendererMain"}
    return sum(e.get("tdur", 0) for e in events
               if (e.get("pid"), e.get("tid")) in mains and e.get("name") == "RunTask" and e.get("ph") == "X") / 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--client", default=str(ROOT / "static" / "search.js"), help="comma-separated search.js files")
    ap.add_argument("--query", default="lumbar radiculopathy")
    ap.add_argument("--filter", action="append", default=[], metavar="FACET=VALUE")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="also sample V8 and print the top functions")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from sitegen.search.client import write_client

    clients = [Path(c) for c in a.client.split(",")]
    filters = dict(f.split("=", 1) for f in a.filter)
    srv, port = static_server.start(a.site)
    runs: dict[Path, list[tuple[float, float]]] = collections.defaultdict(list)
    phases: dict[Path, list[dict[str, float]]] = collections.defaultdict(list)
    self_ms: dict[Path, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    trace = Path(tempfile.mkdtemp()) / "trace.json"
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=ARGS)
            for _ in range(a.repeat):
                for client in clients:
                    write_client(a.site, client)
                    ctx = b.new_context()
                    pg = ctx.new_page()
                    pg.goto(f"http://127.0.0.1:{port}/search.html")
                    pg.wait_for_function("typeof window.benchRun === 'function' && document.readyState === 'complete'")
                    pg.wait_for_load_state("networkidle")
                    cdp = ctx.new_cdp_session(pg) if a.profile else None
                    if cdp is not None:
                        cdp.send("Profiler.enable")
                        cdp.send("Profiler.setSamplingInterval", {"interval": 50})
                        cdp.send("Profiler.start")
                    b.start_tracing(page=pg, path=str(trace), categories=["devtools.timeline", "disabled-by-default-devtools.timeline"])
                    res: Any = pg.evaluate("o => window.benchRun(o)", {"term": a.query, "filters": filters, "n": 10, "facets": False})
                    b.stop_tracing()
                    if cdp is not None:
                        prof = cdp.send("Profiler.stop")["profile"]
                        nodes = {n["id"]: n["callFrame"] for n in prof["nodes"]}
                        for sid, dt in zip(prof["samples"], prof["timeDeltas"][1:] + [0]):
                            cf = nodes[sid]
                            self_ms[client][f'{cf["functionName"] or "(anonymous)"} {cf["url"].rsplit("/", 1)[-1]}:{cf["lineNumber"]}'.strip()] += dt / 1000 / a.repeat
                    ctx.close()
                    runs[client].append((_main_thread_cpu_ms(trace), res["total_ms"]))
                    phases[client].append(res.get("phases") or {})
            b.close()
    finally:
        srv.terminate()
        write_client(a.site)
    for client in clients:
        got = runs[client]
        print(f"{client.name}: {a.query!r} {filters or ''} main-thread CPU median {statistics.median(c for c, _ in got):.1f} ms "
              f"(min {min(c for c, _ in got):.1f}), total_ms median {statistics.median(t for _, t in got):.1f} over {len(got)} cold runs")
        marks = [k for k in phases[client][0] if k != "t0"]
        print("    phase marks (median ms since the query started): " +
              ", ".join(f"{k} {statistics.median(p[k] for p in phases[client]):.1f}" for k in marks))
        for name, ms in self_ms[client].most_common(15):
            print(f"    {ms:7.2f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
