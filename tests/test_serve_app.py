"""Request handling without sockets: injection, overlay, content types, events."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from sitegen.serve.app import App, inject
from sitegen.serve.state import BuildState, ErrorInfo

PAGE = "<!doctype html><html><head><title>t</title></head><body><p>hello</p></body></html>"
HOST = {"Host": "127.0.0.1:8000"}


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "cases").mkdir(parents=True)
    (root / "index.html").write_text(PAGE)
    (root / "cases" / "index.html").write_text(PAGE.replace("hello", "cases"))
    (root / "style.css").write_text("body{}")
    (root / "search.js").write_text("var x;")
    (root / "cases.jsonl").write_text('{"id": 1}\n')
    (root / "data.bin").write_bytes(b"\x00\x01")
    (root / "feed.xml").write_text("<feed/>")
    (tmp_path / "secret.txt").write_text("secret")
    return root


@pytest.fixture()
def state() -> BuildState:
    s = BuildState()
    s.build_started()
    s.build_succeeded()
    return s


def get(app: App, target: str, method: str = "GET", headers: dict[str, str] | None = None):
    resp = app.handle(method, target, HOST if headers is None else headers)
    body = resp.body
    if resp.file is not None:
        body = resp.file.read()
        resp.file.close()
    return resp, body


def test_html_gets_the_reload_script_before_body_end(site: Path, state: BuildState) -> None:
    resp, body = get(App(site, state), "/")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode()
    assert '<script src="/__sitegen/reload.js" data-version="1"></script></body>' in text
    assert int(resp.headers["Content-Length"]) == len(body)
    assert "sitegen-overlay" not in text
    # The file on disk (the build output) is untouched.
    assert (site / "index.html").read_text() == PAGE


def test_inject_uses_the_last_body_and_appends_without_one() -> None:
    html = b"<body><pre>&lt;/body&gt; </BODY ></pre></body >"
    assert inject(html, "X") == b"<body><pre>&lt;/body&gt; </BODY ></pre>X</body >"
    assert inject(b"<p>fragment", "X") == b"<p>fragmentX"


def test_non_html_is_served_as_is_with_its_type(site: Path, state: BuildState) -> None:
    app = App(site, state)
    for target, ctype, data in [
        ("/style.css", "text/css; charset=utf-8", b"body{}"),
        ("/search.js", "text/javascript; charset=utf-8", b"var x;"),
        ("/cases.jsonl", "application/jsonl; charset=utf-8", b'{"id": 1}\n'),
        ("/data.bin", "application/octet-stream", b"\x00\x01"),
        ("/feed.xml", "application/xml", b"<feed/>"),
    ]:
        resp, body = get(app, target)
        assert (resp.status, resp.headers["Content-Type"], body) == (200, ctype, data), target
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Length"] == str(len(data))


def test_traversal_and_methods(site: Path, state: BuildState) -> None:
    app = App(site, state)
    for target in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/%ff%fe"):
        resp, body = get(app, target)
        assert resp.status == 403, target
        assert b"secret" not in body
    resp, _ = get(app, "/", method="POST")
    assert (resp.status, resp.headers["Allow"]) == (405, "GET, HEAD")


def test_head_has_headers_but_no_body(site: Path, state: BuildState) -> None:
    resp, body = get(App(site, state), "/style.css", method="HEAD")
    assert resp.status == 200 and body == b"" and resp.headers["Content-Length"] == "6"


def test_folder_redirect_and_no_listing(site: Path, state: BuildState) -> None:
    app = App(site, state)
    resp, _ = get(app, "/cases")
    assert (resp.status, resp.headers["Location"]) == (301, "/cases/")
    (site / "bare").mkdir()
    (site / "bare" / "x.txt").write_text("x")
    resp, body = get(app, "/bare/")
    assert resp.status == 404 and b"x.txt" not in body


def test_not_found_uses_the_sites_404_page(site: Path, state: BuildState) -> None:
    app = App(site, state)
    resp, body = get(app, "/nope")
    assert resp.status == 404 and b"Not found" in body and b"reload.js" in body
    (site / "404.html").write_text("<html><body>custom 404</body></html>")
    resp, body = get(app, "/nope")
    assert resp.status == 404 and b"custom 404" in body and b"reload.js" in body


def test_foreign_host_header_is_refused(site: Path, state: BuildState) -> None:
    app = App(site, state)
    assert get(app, "/", headers={"Host": "evil.example:8000"})[0].status == 421
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert get(app, "/", headers={"Host": host})[0].status == 200, host
    assert get(App(site, state, loopback_only=False), "/", headers={"Host": "lan-name:8000"})[0].status == 200


def test_failed_build_shows_the_overlay_on_every_html_page(site: Path, state: BuildState) -> None:
    app = App(site, state)
    state.build_started()
    state.build_failed(ErrorInfo("Build failed", "unexpected '}' <script>", "templates/case.html", 12))
    for target in ("/", "/cases/", "/nope"):
        resp, body = get(app, target)
        text = body.decode()
        assert 'id="sitegen-overlay"' in text, target
        assert "templates/case.html:12" in text
        assert "&lt;script&gt;" in text and "<script>" not in text.replace('<script src="/__sitegen', "")
    # The last good site is still served underneath, with the same version.
    resp, body = get(app, "/")
    assert b"<p>hello</p>" in body and b'data-version="1"' in body
    # CSS is not touched.
    assert get(app, "/style.css")[1] == b"body{}"
    # The next good build clears it.
    state.build_started()
    state.build_succeeded()
    resp, body = get(app, "/")
    assert b"sitegen-overlay" not in body and b'data-version="2"' in body


def test_first_build_failed_gives_an_error_page(tmp_path: Path) -> None:
    state = BuildState()
    state.build_started()
    state.build_failed(ErrorInfo("Build failed", "bad TOML", "sitegen.toml", 3))
    resp, body = get(App(tmp_path / "never-built", state), "/")
    assert resp.status == 500 and b"sitegen.toml:3" in body and b"reload.js" in body


def test_internal_assets_and_status(site: Path, state: BuildState) -> None:
    app = App(site, state)
    resp, body = get(app, "/__sitegen/reload.js")
    assert resp.status == 200 and b"EventSource" in body and resp.headers["Content-Type"].startswith("text/javascript")
    resp, body = get(app, "/__sitegen/overlay.css")
    assert resp.status == 200 and b"#sitegen-overlay" in body
    resp, body = get(app, "/__sitegen/status")
    assert json.loads(body) == {"version": 1, "building": False, "finishing": False, "error": None, "clients": 0}
    assert get(app, "/__sitegen/nothing")[0].status == 404


def test_event_stream_reports_each_build(site: Path, state: BuildState) -> None:
    app = App(site, state, keepalive=0.05)
    resp = app.handle("GET", "/__sitegen/events", HOST)
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/event-stream")
    assert resp.stream is not None
    chunks: list[bytes] = []
    got = threading.Condition()

    def write(data: bytes) -> None:
        with got:
            chunks.append(data)
            got.notify_all()

    def events() -> list[dict]:
        out = []
        for c in chunks:
            for line in c.decode().splitlines():
                if line.startswith("data: "):
                    out.append(json.loads(line[6:]))
        return out

    t = threading.Thread(target=resp.stream, args=(write,), daemon=True)
    t.start()

    def wait_for(pred) -> None:
        with got:
            assert got.wait_for(lambda: pred(events()), timeout=10), events()

    wait_for(lambda ev: ev and ev[-1]["version"] == 1)
    state.build_started()
    wait_for(lambda ev: ev[-1]["building"] is True)
    state.build_failed(ErrorInfo("Build failed", "boom", "content/letters/x.txt", 4))
    wait_for(lambda ev: ev[-1]["error"] and ev[-1]["error"]["location"] == "content/letters/x.txt:4")
    state.build_started()
    state.build_succeeded()
    wait_for(lambda ev: ev[-1]["version"] == 2 and ev[-1]["error"] is None)
    with got:
        assert got.wait_for(lambda: any(c.startswith(b": keep-alive") for c in chunks), timeout=10)
    assert app.clients == 1
    state.close()
    t.join(10)
    assert not t.is_alive() and app.clients == 0


def test_not_found_page_links_point_at_the_server_not_the_published_site(site: Path, state: BuildState) -> None:
    # 404.html built with a base_url links to the published site; served locally it must link here.
    (site / "404.html").write_text('<html><body><a href="https://archive.example.org/index.html">Home</a>'
                                   '<link rel="icon" href="https://archive.example.org/static/x.svg">'
                                   '<a href="https://elsewhere.example/">out</a></body></html>')
    resp, body = get(App(site, state, base_url="https://archive.example.org/"), "/a/b/nope")
    assert resp.status == 404
    assert b'href="/index.html"' in body and b'href="/static/x.svg"' in body
    assert b"archive.example.org" not in body and b'href="https://elsewhere.example/"' in body
    resp, body = get(App(site, state), "/a/b/nope")
    assert b'href="https://archive.example.org/index.html"' in body
