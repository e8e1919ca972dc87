#!/usr/bin/env python3
"""A small static file server for the browser benchmarks: HTTP/1.1 keep-alive, TCP_NODELAY,
one write per response, no logging.

    python benchmarks/static_server.py PORT DIRECTORY

Python's ``http.server`` answers HTTP/1.0 only (a new TCP connection per request, and
Chromium opens at most six per host) and handles each request in a new thread under the GIL:
ten small requests at once take it tens of milliseconds, far more than any static host (nginx,
a CDN) needs.  This server is what the search benchmark measures against by default
(``bench_search.py --server http.server`` keeps the old one).  Files are served as they are (no
compression), so the byte counts do not depend on the server.

``GET /__result?<text>`` prints the decoded text as one line on standard output and answers 204:
a page in a browser started without DevTools (``bench_search.py --no-devtools``) reports its
measurement this way.
"""

from __future__ import annotations

import asyncio
import mimetypes
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".json": "application/json", ".svg": "image/svg+xml"}


def _resolve(root: Path, target: str) -> Path | None:
    path = unquote(urlsplit(target).path)
    p = (root / path.lstrip("/")).resolve()
    if p != root and root not in p.parents:
        return None
    if p.is_dir():
        p = p / "index.html"
    return p if p.is_file() else None


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, root: Path) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
            close = any(l.lower().startswith("connection:") and "close" in l.lower() for l in lines[1:])
            if target.startswith("/__result?"):
                print(unquote(target.split("?", 1)[1]), flush=True)
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
                await writer.drain()
                continue
            p = _resolve(root, target) if method in ("GET", "HEAD") else None
            if p is None:
                body, status, ctype = b"not found", "404 Not Found", "text/plain"
            else:
                body, status = p.read_bytes(), "200 OK"
                ctype = TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0] or "application/octet-stream"
            hdr = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                   f"Cache-Control: no-cache\r\nConnection: {'close' if close else 'keep-alive'}\r\n\r\n").encode()
            writer.write(hdr + (body if method == "GET" else b""))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(port: int, root: Path) -> None:
    server = await asyncio.start_server(lambda r, w: _handle(r, w, root), "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def start(directory: Path, capture: bool = False, http_server: bool = False) -> tuple[subprocess.Popen[str], int]:
    """Serve ``directory`` from this script in a child process on a free localhost port; returns
    the process and the port.  ``capture``: the child's standard output (the ``/__result``
    reports) is a pipe, else discarded.  ``http_server``: Python's ``http.server`` instead
    (HTTP/1.0, a connection per request; no ``/__result``)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = ([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(directory)] if http_server
           else [sys.executable, str(Path(__file__).resolve()), str(port), str(directory)])
    srv = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    time.sleep(1)
    return srv, port


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2]).resolve()))
