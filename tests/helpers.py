"""Shared helpers for tests (not fixtures)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTERS = ROOT / "content" / "letters"

#: Item and citation keys filled by normalisation, not by the parser.
NORMALISED_ITEM_KEYS = (
    "procedure",
    "category",
    "body_region",
    "laterality",
    "drug",
    "strength",
    "quantity",
    "visits",
    "associated_with",
)
NORMALISED_CITATION_KEYS = ("key", "title")


def parser_view(record: dict) -> dict:
    """A record with the normalisation fields removed (what the parser alone decides)."""
    out = dict(record)
    items = []
    for item in record["items"]:
        item = {k: v for k, v in item.items() if k not in NORMALISED_ITEM_KEYS}
        item["guidelines"] = {
            side: [{k: v for k, v in c.items() if k not in NORMALISED_CITATION_KEYS} for c in cites]
            for side, cites in item["guidelines"].items()
        }
        items.append(item)
    out["items"] = items
    return out


@contextlib.contextmanager
def serve_folder(folder: Path, probe: str = "") -> Iterator[str]:
    """``http://127.0.0.1:PORT/`` serving ``folder`` with the standard library's http.server,
    once ``PORT/probe`` answers (10 s deadline); the server is stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(url + probe, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("http.server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
