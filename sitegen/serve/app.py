"""Request handling without sockets: ``App.handle(method, target, headers) -> Response``.

The HTTP adapter (:mod:`sitegen.serve.handler`) only copies a :class:`Response`
to the wire, so everything here is unit-testable with plain calls.

Routes: ``/__sitegen/reload.js``, ``/__sitegen/overlay.css``,
``/__sitegen/events`` (Server-Sent Events), ``/__sitegen/status`` (JSON), and
files of the output folder. HTML files get the reload script (and, after a
failed build, the error overlay) injected here, at serve time only.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sitegen.serve.client import RELOAD_JS
from sitegen.serve.overlay import OVERLAY_CSS, error_page, overlay_html
from sitegen.serve.paths import Forbidden, resolve, url_path
from sitegen.serve.state import BuildState, Snapshot

PREFIX = "/__sitegen/"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".jsonl": "application/jsonl; charset=utf-8",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".zip": "application/zip",
}
HTML_TYPES = (".html", ".htm")
_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)

BASE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: BinaryIO | None = None
    """An open file to copy after the headers (large files are not read into memory)."""
    stream: Callable[[Callable[[bytes], None]], None] | None = None
    """For event streams: called with a ``write`` function; returns when done."""

    def text(self) -> str:
        return self.body.decode("utf-8")


def inject(html: bytes, snippet: str) -> bytes:
    """Insert ``snippet`` before the last ``</body>``, or append it when there is none."""
    data = snippet.encode("utf-8")
    last = None
    for last in _BODY_CLOSE.finditer(html):
        pass
    if last is None:
        return html + data
    return html[: last.start()] + data + html[last.start() :]


def client_snippet(snap: Snapshot) -> str:
    """What every served HTML page gets: the overlay (after a failed build) and the script."""
    overlay = overlay_html(snap.error) if snap.error else ""
    return f'{overlay}<script src="{PREFIX}reload.js" data-version="{snap.version}"></script>'


def _host_allowed(host_header: str | None) -> bool:
    if not host_header:
        return True  # HTTP/1.0 clients send none
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in LOOPBACK_NAMES


class App:
    """Serve ``root`` safely, plus the live-reload endpoints."""

    def __init__(
        self,
        root: Path,
        state: BuildState,
        *,
        loopback_only: bool = True,
        keepalive: float = 15.0,
        first_build_wait: float = 60.0,
        base_url: str | None = None,
    ) -> None:
        self.root = root
        self.base_url = base_url
        """The published site's URL (``sitegen.toml``): 404.html links to it, and the
        server points those links at itself instead."""
        self.state = state
        self.loopback_only = loopback_only
        """Refuse Host headers other than localhost/127.0.0.1/[::1] (DNS rebinding)."""
        self.keepalive = keepalive
        self.first_build_wait = first_build_wait
        self.clients = 0
        """Open event streams (reported by /__sitegen/status)."""
        self._lock = threading.Lock()

    # -- entry point -------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str] | None = None) -> Response:
        headers = headers or {}
        if self.loopback_only and not _host_allowed(_get(headers, "host")):
            return self._plain(421, "Misdirected request: this development server answers only to localhost.")
        if method not in ("GET", "HEAD"):
            resp = self._plain(405, "Method not allowed.")
            resp.headers["Allow"] = "GET, HEAD"
            return resp
        resp = self._route(target)
        if method == "HEAD":
            if resp.file is not None:
                resp.file.close()
                resp.file = None
            resp.body = b""
            resp.stream = None
        return resp

    def _route(self, target: str) -> Response:
        try:
            path = url_path(target)
        except (Forbidden, UnicodeDecodeError):
            return self._plain(403, "Forbidden.")
        if path.startswith(PREFIX):
            return self._internal(path[len(PREFIX) :])
        return self._static(target)

    # -- internal endpoints ------------------------------------------------
    def _internal(self, name: str) -> Response:
        if name == "reload.js":
            return self._bytes(200, RELOAD_JS.encode(), TYPES[".js"])
        if name == "overlay.css":
            return self._bytes(200, OVERLAY_CSS.encode(), TYPES[".css"])
        if name == "status":
            snap = self.state.snapshot()
            data = {**snap.to_json(), "clients": self.clients}
            return self._bytes(200, json.dumps(data).encode(), "application/json")
        if name == "events":
            resp = Response(200, {**BASE_HEADERS, "Content-Type": "text/event-stream; charset=utf-8"})
            resp.stream = self._events
            return resp
        return self._plain(404, "Not found.")

    def _events(self, write: Callable[[bytes], None]) -> None:
        with self._lock:
            self.clients += 1
        try:
            write(b"retry: 1000\n\n")
            snap = self.state.snapshot()
            write(_event(snap))
            while not snap.closed:
                new = self.state.wait_change(snap.generation, self.keepalive)
                if new.closed:
                    return
                if new.generation == snap.generation:
                    write(b": keep-alive\n\n")  # also notices closed connections
                    continue
                snap = new
                write(_event(snap))
        finally:
            with self._lock:
                self.clients -= 1

    # -- site files --------------------------------------------------------
    def _static(self, target: str) -> Response:
        snap = self.state.snapshot()
        if snap.building and not self.root.is_dir():
            # First build running, or the build is swapping folders: wait for it.
            snap = self.state.wait_idle(self.first_build_wait)
        try:
            found = resolve(self.root, target)
        except (Forbidden, UnicodeDecodeError):
            return self._plain(403, "Forbidden.")
        if found.kind == "redirect":
            resp = self._plain(301, f"Moved to {found.location}")
            resp.headers["Location"] = found.location
            return resp
        if found.kind == "missing" or found.path is None:
            return self._not_found(snap)
        path = found.path
        if path.suffix.lower() in HTML_TYPES:
            try:
                data = path.read_bytes()
            except OSError:
                return self._not_found(snap)
            return self._bytes(200, inject(data, client_snippet(snap)), content_type(path))
        try:
            fh = path.open("rb")
        except OSError:
            return self._not_found(snap)
        size = _size(fh)
        return Response(
            200,
            {**BASE_HEADERS, "Content-Type": content_type(path), "Content-Length": str(size)},
            file=fh,
        )

    def _not_found(self, snap: Snapshot) -> Response:
        if snap.error is not None and not self.root.is_dir():
            page = error_page(snap.error, title="sitegen: build failed")
            return self._html(500, page.encode(), snap)
        custom = self.root / "404.html"
        try:
            data = custom.read_bytes() if custom.resolve().is_relative_to(self.root.resolve()) else None
        except OSError:
            data = None
        if data is None:
            msg = "Not found." if self.root.is_dir() else "The site has not been built yet."
            data = error_page(None, title="404 Not found", body=msg).encode()
        else:
            data = self._local_links(data)
        return self._html(404, data, snap)

    def _local_links(self, data: bytes) -> bytes:
        """404.html's absolute links to the published site, pointed at this server's root."""
        if not self.base_url:
            return data
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        for form in {base, html.escape(base)}:
            data = data.replace(f'="{form}'.encode(), b'="/')
        return data

    def _html(self, status: int, data: bytes, snap: Snapshot) -> Response:
        return self._bytes(status, inject(data, client_snippet(snap)), TYPES[".html"])

    @staticmethod
    def _bytes(status: int, data: bytes, ctype: str) -> Response:
        return Response(status, {**BASE_HEADERS, "Content-Type": ctype, "Content-Length": str(len(data))}, data)

    def _plain(self, status: int, text: str) -> Response:
        return self._bytes(status, (text + "\n").encode(), TYPES[".txt"])


def _event(snap: Snapshot) -> bytes:
    return f"event: status\ndata: {json.dumps(snap.to_json())}\n\n".encode()


def _get(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        for k, v in headers.items():
            if k.lower() == name:
                return v
    return value


def _size(fh: BinaryIO) -> int:
    return os.fstat(fh.fileno()).st_size
