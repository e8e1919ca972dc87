#!/usr/bin/env python3
"""CPU time per cold search query, by process, while Playwright (DevTools) drives Chromium.

    python benchmarks/query_cpu.py SITE [--query 'lumbar radiculopathy'] [--filter decision=overturned] [--repeat 9]

SITE is a site folder with ``search.html`` and ``search/`` (``WORK/site`` of ``bench_search.py``).
For each repeat a fresh browser context loads ``search.html`` from ``benchmarks/static_server.py``;
the CPU time (user + system, from ``/proc``) of every process on the machine is read just before
and just after one cold ``benchRun``, and the differences are summed by kind: the renderer's
threads by name, Chromium's browser and network processes, Playwright's driver (node), the Python
driver and the server.  On a 2-core machine the sum against the wall time shows whether a query is
waiting on the network or on CPU, and how much of the CPU the DevTools instrumentation costs.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import time
from pathlib import Path

import static_server  # benchmarks/: the script's own folder is on sys.path

HZ = os.sysconf("SC_CLK_TCK")


def _ms(stat: str) -> float:
    f = stat[stat.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / HZ * 1000


def snapshot(me: int) -> dict[str, tuple[str, float]]:
    """CPU ms of every process (a renderer's threads one by one), keyed by pid[/tid], with its kind."""
    out: dict[str, tuple[str, float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            continue
        if "type=renderer" in cmd:
            for tid in os.listdir(f"/proc/{pid}/task"):
                try:
                    t = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                except OSError:
                    continue
                out[f"{pid}/{tid}"] = ("renderer: " + t[t.index("(") + 1:t.rindex(")")], _ms(t))
            continue
        kind = ("network service" if "type=utility" in cmd and "network" in cmd.lower() else
                "chromium (other)" if "type=" in cmd and "chrom" in cmd else
                "browser process" if "chrom" in cmd else
                "static server" if "static_server" in cmd else
                "playwright driver (node)" if "node" in cmd and "playwright" in cmd else
                "this script" if int(pid) == me else "other")
        out[pid] = (kind, _ms(stat))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", default="lumbar radiculopathy")
    ap.add_argument("--filter", action="append", default=[], metavar="FACET=VALUE")
    ap.add_argument("--repeat", type=int, default=9)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    filters = dict(f.split("=", 1) for f in a.filter)
    srv, port = static_server.start(a.site)
    cpu: collections.Counter[str] = collections.Counter()
    times: list[tuple[float, float]] = []
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                   args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            for _ in range(a.repeat):
                ctx = b.new_context()
                pg = ctx.new_page()
                pg.goto(f"http://127.0.0.1:{port}/search.html")
                pg.wait_for_function("typeof window.benchRun === 'function' && document.readyState === 'complete'")
                pg.wait_for_load_state("networkidle")
                time.sleep(0.3)
                before, t0 = snapshot(os.getpid()), time.perf_counter()
                res = pg.evaluate("o => window.benchRun(o)", {"term": a.query, "filters": filters, "n": 10, "facets": False})
                wall = (time.perf_counter() - t0) * 1000
                for key, (kind, ms) in snapshot(os.getpid()).items():
                    cpu[kind] += (ms - before.get(key, (kind, 0.0))[1]) / a.repeat
                times.append((res["total_ms"], wall))
                ctx.close()
            b.close()
    finally:
        srv.terminate()
    print(f"{a.query!r} {filters or ''}: total_ms median {statistics.median(t for t, _ in times):.1f}, "
          f"wall (the driver's evaluate) {statistics.median(w for _, w in times):.1f} ms; CPU per query ({1000 // HZ} ms ticks), mean of {a.repeat}:")
    for kind, ms in cpu.most_common():
        if ms >= 0.5:
            print(f"  {ms:7.1f} ms  {kind}")
    print(f"  {sum(cpu.values()):7.1f} ms  in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
