#!/usr/bin/env python3
"""Benchmark sitegen's static search against Pagefind on the same generated letters.

    python benchmarks/bench_search.py CORPUS_DIR WORK_DIR [--skip-pagefind]

CORPUS_DIR comes from ``benchmarks/generate_corpus.py OUT --count N``.  The script parses
(and normalises, when available) the letters, writes one plain case page per letter,
builds sitegen's indexes (Whoosh + static) and Pagefind's index over the same pages,
serves WORK_DIR/site on localhost (``benchmarks/static_server.py``, HTTP/1.1 keep-alive;
``--server http.server`` for Python's) and runs each query cold (new browser context) and warm
in headless Chromium, counting transferred bytes and request rounds from Playwright's
request events.  Prints one JSON object.  Pagefind (``pip install 'pagefind[bin]'``) is a
benchmark-only dependency.

``--no-devtools N`` also times each sitegen query cold N times in a Chromium started *without*
a DevTools connection (one fresh browser and profile per run; the page runs ``benchRun`` itself
and reports to the server): Playwright drives Chromium over the DevTools protocol, whose network
events cost the browser and the driver CPU on every request, which a reader's browser does not
spend (``docs/benchmarks.md``, fifth session).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import static_server  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    ("common word", "patient", {}),
    ("rare word", "vertebroplasty", {}),
    ("two words", "lumbar radiculopathy", {}),
    ("phrase", '"medically necessary"', {}),
    ("prefix", "radic*", {}),
    ("word + decision", "tramadol", {"decision": "overturned"}),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def parse_all(corpus: Path) -> list[Any]:
    from sitegen.parse import parse_path

    try:
        from sitegen.normalize import load_taxonomy, normalize_letter

        tax = load_taxonomy(None)
        norm = lambda l: normalize_letter(l, tax)  # noqa: E731
    except Exception:  # noqa: BLE001 - normalisation not available: facets show "unmapped"
        norm = lambda l: l  # noqa: E731
    return [norm(parse_path(p)) for p in sorted((corpus / "letters").rglob("*.txt"))]


def write_pages(letters: list[Any], site: Path) -> None:
    (site / "cases").mkdir(parents=True, exist_ok=True)
    for l in letters:
        dec = sorted({i.decision for i in l.items if i.decision})
        filt = "".join(f'<span data-pagefind-filter="decision">{d}</span>' for d in dec)
        (site / "cases" / f"{l.id}.html").write_text(
            f"<!doctype html><html lang=en><title>{html.escape(l.id)}</title><main data-pagefind-body>"
            f"<h1>{html.escape(l.case_number or l.id)}</h1><p hidden>{filt}</p><pre>{html.escape(l.text)}</pre></main></html>",
            encoding="utf-8")
    (site / "pagefind.html").write_text("<!doctype html><html lang=en><title>pf</title><body>pagefind</body></html>")


def render_search(site: Path) -> None:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(ROOT / "templates")), autoescape=True)
    ctx = dict(root="", site=SimpleNamespace(title="IMR", description="bench"), nav=[], section="search", build_date=None, description="")
    (site / "search.html").write_text(env.get_template("search.html").render(**ctx), encoding="utf-8")
    shutil.copytree(ROOT / "static", site / "static", dirs_exist_ok=True)


def timed(fn: Any) -> tuple[Any, float, float]:
    t, c = time.perf_counter(), time.process_time()
    r = fn()
    return r, time.perf_counter() - t, time.process_time() - c


class RssPeak:
    """Samples this process's resident memory every 50 ms (``with RssPeak() as m: ...; m.peak_mb``)."""

    def __enter__(self) -> "RssPeak":
        import threading

        self.start_mb = self.peak_mb = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_mb = max(self.peak_mb, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _rss_mb())


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def dir_stats(d: Path) -> tuple[int, int]:
    files = [p for p in d.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def rounds(reqs: list[tuple[float, float]]) -> int:
    """Sequential rounds: a request starts a new round when it starts after every request of the current round ended."""
    n, end = 0, -1.0
    for start, stop in sorted(reqs):
        if start >= end - 1:  # ms
            n += 1
            end = stop
        else:
            end = max(end, stop)
    return n


def measure(page: Any, url: str, setup_js: str, query_js: str, args: dict[str, Any]) -> dict[str, Any]:
    log: list[Any] = []
    page.on("requestfinished", lambda r: log.append(r))
    page.goto(url)
    page.wait_for_function(setup_js)
    page.wait_for_load_state("networkidle")
    start_bytes = sum(_size(r) for r in log)
    own = sum(_size(r) for r in log if "/search/" in r.url or "search.css" in r.url or "/pagefind/" in r.url)
    mark = len(log)
    t0 = time.perf_counter()
    res = page.evaluate(query_js, args)
    wall = (time.perf_counter() - t0) * 1000
    q = log[mark:]
    spans = [(r.timing["startTime"] + max(0, r.timing["requestStart"]), r.timing["startTime"] + r.timing["responseEnd"]) for r in q]
    res2 = page.evaluate(query_js, args)
    return {"hits": res["results"], "ms": round(res["total_ms"], 1), "warm_ms": round(res2["total_ms"], 1), "wall_ms": round(wall, 1),
            "phases": _phases(res), "warm_phases": _phases(res2),
            "bytes": sum(_size(r) for r in q), "requests": len(q), "rounds_by_timing": rounds(spans),
            "rounds": res.get("rounds"), "startup_bytes": start_bytes, "startup_search_bytes": own}


def _phases(res: dict[str, Any]) -> dict[str, float] | None:
    """sitegen's in-page phase marks (ms since the query started), rounded."""
    ph = res.get("phases")
    return {k: round(v, 1) for k, v in ph.items() if k != "t0"} if ph else None


def _size(r: Any) -> int:
    try:
        s = r.sizes()
        return int(s["responseBodySize"] + s["responseHeadersSize"])
    except Exception:  # noqa: BLE001
        return 0


SG_SETUP = "typeof window.benchRun === 'function' && document.readyState === 'complete'"
SG_QUERY = "o => window.benchRun(o)"
PF_SETUP = "window.pf !== undefined"
PF_QUERY = """async o => { const t0 = performance.now();
  const s = await window.pf.search(o.term, o.filters.decision ? {filters: {decision: o.filters.decision}} : {});
  const d = await Promise.all(s.results.slice(0, o.n).map(r => r.data()));
  return {results: s.results.length, total_ms: performance.now() - t0, urls: d.map(x => x.url)}; }"""
PF_PAGE = """<!doctype html><html lang=en><title>pf</title><script type=module>
const pf = await import('./pagefind/pagefind.js'); await pf.init(); window.pf = pf;</script></html>"""


def build_all(a: argparse.Namespace, site: Path) -> dict[str, Any]:
    """Parse, write pages, build the indexes (and Pagefind's); returns the build figures."""
    shutil.rmtree(a.work, ignore_errors=True)
    site.mkdir(parents=True)
    if a.letters and a.letters.is_file():
        import pickle

        letters, t_parse, _ = timed(lambda: pickle.loads(a.letters.read_bytes()))
    else:
        letters, t_parse, _ = timed(lambda: parse_all(a.corpus))
        if a.letters:
            import pickle

            a.letters.write_bytes(pickle.dumps(letters, protocol=pickle.HIGHEST_PROTOCOL))
    write_pages(letters, site)
    render_search(site)
    from sitegen.search import static_index
    from sitegen.search.documents import documents

    docs = documents(letters)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from sitegen.search.client import write_client

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    with RssPeak() as mem:
        _, t_static, c_static = timed(lambda: (static_index.build(docs, site, a.work / "ix"), write_client(site)))
    kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the stem-pair process (forked from 2,000 letters on)
    c_pairs = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
    rss_static = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from sitegen.search import whoosh_index

    t_whoosh = c_whoosh = float("nan")
    if not a.skip_whoosh:
        _, t_whoosh, c_whoosh = timed(lambda: whoosh_index.build(docs, a.work / "whoosh"))
    out: dict[str, Any] = {"letters": len(letters), "parse_s": round(t_parse, 1), "cores": os.cpu_count(),
                           "sitegen": {"build_s": round(t_static, 1), "build_cpu_s": round(c_static, 1), "build_cpu_s_pair_process": round(c_pairs, 1), "max_rss_mb_process": round(rss_static), "rss_mb_before_build": round(rss_before),
                                       "build_rss_growth_mb": round(mem.peak_mb - mem.start_mb),
                                       "whoosh_build_s": round(t_whoosh, 1), "whoosh_cpu_s": round(c_whoosh, 1)}}
    out["sitegen"]["files"], out["sitegen"]["bytes"] = dir_stats(site / "search")
    out["sitegen"]["update"] = time_update(letters, site, a.work / "ix")
    if not a.skip_pagefind:
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind", "--glob", "cases/**/*.html"],
                           capture_output=True, text=True)
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        out["pagefind"] = {"build_s": round(time.perf_counter() - t, 1), "max_rss_mb": round(ru.ru_maxrss / 1024), "ok": r.returncode == 0}
        out["pagefind"]["files"], out["pagefind"]["bytes"] = dir_stats(site / "pagefind")
        (site / "pagefind.html").write_text(PF_PAGE)
    return out

def time_update(letters: list[Any], site: Path, ix: Path) -> dict[str, Any]:
    """Static index only: one changed and one added letter through the overlay, then the same
    again folded into the main index (the compaction an overlay of more than fold_limit() letters
    triggers).  The benchmark's index is left with the changes compacted."""
    from dataclasses import replace

    from sitegen.search import static_overlay
    from sitegen.search.documents import documents

    changed = documents([replace(letters[0], text=letters[0].text + " Zygapophyseal."),
                         replace(letters[1], id=letters[1].id + "-bench-new")])
    stats, wall, cpu = timed(lambda: static_overlay.update(changed, [], site, ix))
    res = {"overlay_s": round(wall, 3), "overlay_cpu_s": round(cpu, 3), "overlay_written": stats["written"]}
    stats, wall, cpu = timed(lambda: static_overlay.update(changed[:1], [], site, ix, fold=True))
    res.update(compact_s=round(wall, 1), compact_cpu_s=round(cpu, 1), compact_written=stats["written"])
    return res


def grow_overlay(letters_pickle: Path, count: int, site: Path, ix: Path) -> dict[str, Any]:
    """Change ``count`` letters (evenly spread, text appended) through the overlay without folding
    it in (a changed letter is two overlay entries: its old and new doc number)."""
    import pickle
    from dataclasses import replace

    from sitegen.search import static_overlay
    from sitegen.search.documents import documents

    if (site / "search" / "o").is_dir():  # start from an empty overlay (an earlier run's is folded in)
        static_overlay.update([], [], site, ix, fold=True)
    letters = pickle.loads(letters_pickle.read_bytes())
    picked = letters[:: max(1, len(letters) // count)][:count]
    changed = documents([replace(l, text=l.text + " Zygapophyseal.") for l in picked])
    stats, wall, cpu = timed(lambda: static_overlay.update(changed, [], site, ix, fold=False))
    one, wall1, cpu1 = timed(lambda: static_overlay.update(changed[:1], [], site, ix, fold=False))
    ox = site / "search" / "o" / "x.js"
    return {"letters": stats.get("overlay"), "seconds": round(wall, 2), "cpu_s": round(cpu, 2),
            "one_more_s": round(wall1, 3), "one_more_cpu_s": round(cpu1, 3), "o_x_bytes": ox.stat().st_size,
            "o_bytes": sum(p.stat().st_size for p in (site / "search" / "o").rglob("*.js"))}


def cpu_probe() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast this machine's cores are right
    now.  The shared 2-core machines here run the same code up to ~2x slower at some hours, and
    cold query times follow; the probe is printed beside them so runs can be compared."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - t)
    return round(best, 3)


BENCH_PAGE_SCRIPT = """<script>
addEventListener("load", () => setTimeout(() => {
  window.benchRun(JSON.parse(decodeURIComponent(location.hash.slice(1)))).then(r => {
    new Image().src = "/__result?" + encodeURIComponent(JSON.stringify({ms: r.total_ms, results: r.results, urls: r.urls, phases: r.phases}));
  });
}, SETTLE_MS));
</script>
</body>"""


def cold_without_devtools(site: Path, port: int, results: Any, queries: list[tuple[str, str, dict[str, str], bool]],
                          repeat: int, settle_ms: int = 1000) -> dict[str, Any]:
    """Each query ``repeat`` times cold in a Chromium with no DevTools client: a fresh browser and
    profile per run loads ``search-bench.html`` (``search.html`` plus a script that runs the query
    ``settle_ms`` after the load event and reports through ``static_server.py``'s ``/__result``).
    ``results``: the server's standard output.  Returns per query the median ms, range and phases."""
    import select
    import statistics
    import tempfile
    from urllib.parse import quote

    page = site / "search-bench.html"
    page.write_text((site / "search.html").read_text().replace("</body>", BENCH_PAGE_SCRIPT.replace("SETTLE_MS", str(settle_ms))))
    rows: dict[str, Any] = {}
    try:
        for label, term, filters, facets in queries:
            runs = []
            for _ in range(repeat):
                profile = tempfile.mkdtemp(prefix="sg-bench-chromium-")
                arg = quote(json.dumps({"term": term, "filters": filters, "n": 10, "facets": facets}))
                ch = subprocess.Popen([os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                                       f"http://127.0.0.1:{port}/{page.name}#{arg}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    ready, _, _ = select.select([results], [], [], 60)
                    if not ready:
                        raise SystemExit(f"no result from Chromium for {label!r} within 60 s")
                    runs.append(json.loads(results.readline()))
                finally:
                    ch.kill()
                    ch.wait()
                    shutil.rmtree(profile, ignore_errors=True)
            ms = sorted(r["ms"] for r in runs)
            rows[label] = {"hits": runs[0]["results"], "ms": round(statistics.median(ms), 1), "ms_range": [round(ms[0], 1), round(ms[-1], 1)],
                           "phases": {k: round(statistics.median(r["phases"][k] for r in runs), 1) for k in runs[0]["phases"] if k != "t0"},
                           "same_urls": all(r["urls"] == runs[0]["urls"] for r in runs)}
    finally:
        page.unlink(missing_ok=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--skip-pagefind", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="cold+warm runs per query (median and range reported)")
    ap.add_argument("--queries-only", action="store_true", help="reuse WORK_DIR/site from an earlier run; only run the queries")
    ap.add_argument("--skip-whoosh", action="store_true", help="time only the static index (Whoosh takes ~11 ms CPU per letter)")
    ap.add_argument("--letters", type=Path, help="pickle of parsed letters (written on the first run, reused after)")
    ap.add_argument("--client", type=Path, help="with --queries-only: another search.js to test (A/B, e.g. from git show REV:static/search.js)")
    ap.add_argument("--overlay", type=int, default=0, help="with --queries-only and --letters: first change this many letters "
                    "through the static index's overlay (not folded in), to measure queries against a big overlay")
    ap.add_argument("--server", choices=["keepalive", "http.server"], default="keepalive",
                    help="static server for the queries: benchmarks/static_server.py (HTTP/1.1 keep-alive, default) "
                         "or Python's http.server (HTTP/1.0, a connection per request; the earlier runs' server)")
    ap.add_argument("--only", action="append", default=[], metavar="LABEL",
                    help="run only this query (a label of QUERIES, e.g. 'two words'; repeatable)")
    ap.add_argument("--no-devtools", type=int, default=0, metavar="N",
                    help="also run each sitegen query N times cold in a Chromium started without DevTools (keep-alive server only)")
    ap.add_argument("--skip-playwright", action="store_true", help="with --no-devtools: only those runs (no bytes, rounds or warm times)")
    a = ap.parse_args()
    site = a.work / "site"
    out: dict[str, Any] = {}
    if not a.queries_only:
        out = build_all(a, site)
    else:  # the client under test is the current one (the index is reused)
        from sitegen.search.client import write_client

        render_search(site)
        write_client(site, *([a.client] if a.client else []))
        if a.overlay:
            out["overlay"] = grow_overlay(a.letters, a.overlay, site, a.work / "ix")
    out["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    out["cpu_probe_s"] = cpu_probe()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)

    out["server"] = a.server
    if a.no_devtools and a.server != "keepalive":
        ap.error("--no-devtools needs the keep-alive server (its /__result endpoint)")
    # HTTP/1.1 keep-alive by default, like any real static host (see static_server.py)
    srv, port = static_server.start(site, capture=bool(a.no_devtools), http_server=a.server == "http.server")
    try:
        if a.no_devtools:
            picked = [(l, t, f, False) for l, t, f in QUERIES if not a.only or l in a.only]
            picked[1:1] = [(l + " + all facets", t, f, True) for l, t, f, _ in picked[:1] if l == "common word"]
            out.setdefault("sitegen", {})["queries_no_devtools"] = cold_without_devtools(site, port, srv.stdout, picked, a.no_devtools)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS)
            engines = [("sitegen", "search.html", SG_SETUP, SG_QUERY)]
            if not a.skip_pagefind:
                engines.append(("pagefind", "pagefind.html", PF_SETUP, PF_QUERY))
            for name, page_url, setup, query in ([] if a.skip_playwright else engines):
                rows = {}
                for label, term, filters in QUERIES:
                    if a.only and label not in a.only:
                        continue
                    for facets in ([False, True] if name == "sitegen" and label == "common word" else [False]):
                        runs = []
                        for _ in range(a.repeat):
                            ctx = b.new_context()
                            pg = ctx.new_page()
                            runs.append(measure(pg, f"http://127.0.0.1:{port}/{page_url}", setup, query,
                                                {"term": term, "filters": filters, "n": 10, "facets": facets}))
                            ctx.close()
                        row = dict(runs[0])
                        for key in ("ms", "warm_ms", "wall_ms"):  # median over the repeats, and the range
                            vals = sorted(r[key] for r in runs)
                            row[key] = vals[len(vals) // 2]
                            row[key + "_range"] = [vals[0], vals[-1]]
                        for key in ("phases", "warm_phases"):  # sitegen's in-page marks: median per phase
                            if runs[0].get(key):
                                row[key] = {k: sorted(r[key].get(k, 0) for r in runs)[len(runs) // 2] for k in runs[0][key]}
                        rows[label + (" + all facets" if facets else "")] = row
                out.setdefault(name, {})["queries"] = rows
            b.close()
    finally:
        srv.terminate()
        srv.wait(5)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the http server and the browser (once they ended)
    out["queries_cpu_s_children"] = round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1)
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    out["cpu_probe_s_after"] = cpu_probe()
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
