#!/usr/bin/env python3
"""Do two search clients give the same results on a built site?

    python benchmarks/compare_clients.py SITE OLD.js NEW.js

SITE is a site folder with ``search.html`` and ``search/`` (``WORK/site`` of ``bench_search.py``);
OLD.js and NEW.js are versions of ``static/search.js`` (e.g. ``git show REV:static/search.js``).
Each query below runs through ``benchRun`` in both clients, with and without facet counts, and
the totals, the first 30 result URLs and the facet counts must be equal.  Prints one line per
query and exits 1 on any difference.  The site's ``search/client.js`` is restored to the current
client at the end.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import static_server  # benchmarks/: the script's own folder is on sys.path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES: list[tuple[str, dict[str, str]]] = [
    ("lumbar radiculopathy", {}), ("tramadol", {"decision": "overturned"}), ("tramadol", {"decision": "upheld"}),
    ("patient pain", {}), ("patient", {"decision": "overturned"}), ("mri lumbar spine", {}), ("radic* lumbar", {}),
    ('"medically necessary" tramadol', {}), ("physical therapy", {"decision": "upheld"}), ("opioid tapering", {}),
    ("injection", {"year": "2014"}), ("cervical epidural", {"decision": "overturned"}), ("knee", {"body_region": "knee"}),
    ("vertebroplasty lumbar", {}), ("gabapentin neuropathic pain", {}), ("acupuncture", {"decision": "overturned", "year": "2015"}),
]


def main() -> int:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    from playwright.sync_api import sync_playwright

    from sitegen.search.client import write_client

    site, clients = Path(sys.argv[1]), [Path(sys.argv[2]), Path(sys.argv[3])]
    srv, port = static_server.start(site)
    got: dict[tuple[str, str, bool], list[object]] = {}
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=["--headless", "--no-sandbox"])
            for client in clients:
                write_client(site, client)
                pg = b.new_page()
                pg.goto(f"http://127.0.0.1:{port}/search.html")
                pg.wait_for_function("typeof window.benchRun === 'function'")
                for term, filters in QUERIES:
                    for facets in (False, True):
                        r = pg.evaluate("o => window.benchRun(o)", {"term": term, "filters": filters, "n": 30, "facets": facets})
                        got.setdefault((term, json.dumps(filters), facets), []).append((r["results"], r["urls"], r["filters"]))
                pg.close()
            b.close()
    finally:
        srv.terminate()
        write_client(site)
    bad = 0
    for (term, filters, facets), (a, b2) in got.items():
        bad += a != b2
        print(f"{'same' if a == b2 else 'DIFFERENT':9s} {term!r} {filters} facets={facets}: {a[0]} letters")  # type: ignore[index]
    print(f"{bad} of {len(got)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
