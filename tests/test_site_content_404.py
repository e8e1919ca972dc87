"""404.html works at any depth: a static host serves it for /a/b/missing, so with a base_url
its links are absolute, and its stylesheet is inlined (nothing is fetched from the published
URL).  Tested against a server that answers every missing path with 404.html, as hosts do."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

from site_samples import letters
from sitegen.build import build_site
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; a missing path gets the folder's 404.html with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


@contextlib.contextmanager
def static_host() -> Iterator[tuple[str, callable]]:
    """(url, serve(folder)): the port is known before the site is built (its base_url needs
    it); ``serve(folder)`` starts answering.  Stopped on exit."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}/"
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(folder: Path) -> None:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_Handler, directory=str(folder)))
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    try:
        yield url, serve
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()


def build_with_base_url(tmp: Path, base_url: str | None) -> Path:
    content = tmp / "content"
    content.mkdir(parents=True, exist_ok=True)
    config = tmp / "sitegen.toml"
    config.write_text(f'[site]\nbase_url = "{base_url}"\n' if base_url else "[site]\n", encoding="utf-8")
    cfg = load_config(config, content, tmp / "out" / "_site")
    build_site(cfg, letters=letters(3), jobs=1)
    return cfg.out_dir


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.stylesheets: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "style":
            self.styles += 1
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href") or "")
        for name in ("href", "src", "action"):
            value = a.get(name)
            if value and not value.startswith(("#", "data:")):
                self.links.append(value)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_404_at_any_depth_links_to_real_pages(tmp_path: Path) -> None:
    with static_host() as (url, serve):
        site = build_with_base_url(tmp_path, url)
        serve(site)
        status, body = _get(url + "cases/no/such/letter.html")
        assert status == 404 and body == (site / "404.html").read_bytes()
        page = _Links()
        page.feed(body.decode("utf-8"))
        assert page.styles == 1 and page.stylesheets == []  # inlined: nothing from the published URL
        assert {"index.html", "search.html", "cases/index.html", "procedures/index.html"} <= \
            {link.removeprefix(url) for link in page.links}
        for link in page.links:
            assert link.startswith(url), link
            if link.endswith("search.html"):
                continue  # the search page's own folder (search/) belongs to the search module
            got, _ = _get(link)
            assert got == 200, f"{link}: {got}"


def test_404_without_base_url_links_from_the_root(tmp_path: Path) -> None:
    site = build_with_base_url(tmp_path, None)
    page = _Links()
    page.feed((site / "404.html").read_text(encoding="utf-8"))
    assert page.stylesheets == [] and page.styles == 1
    assert "index.html" in page.links and "cases/index.html" in page.links
    assert all(not link.startswith(("http:", "https:", "/")) for link in page.links)
    assert all((site / link).is_file() for link in page.links if link != "search.html")


def test_404_inlines_the_sites_own_stylesheet(tmp_path: Path) -> None:
    static = tmp_path / "content" / "static"
    static.mkdir(parents=True)
    (static / "site.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    site = build_with_base_url(tmp_path, None)
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "<style>\nbody { color: rebeccapurple; }\n</style>" in html
    assert (site / "static" / "site.css").read_text() == "body { color: rebeccapurple; }\n"
    # other pages still link the stylesheet
    assert '<link rel="stylesheet" href="static/site.css">' in (site / "index.html").read_text()
