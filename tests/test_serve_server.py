"""The whole server over a real socket, with a small fake build injected."""

from __future__ import annotations

import html
import http.client
import json
import os
import queue
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from sitegen.errors import BuildError
from sitegen.serve import Server

DEADLINE = 20.0


def fake_build(content: Path, out: Path):
    """Like the real build: temp folder, swapped in; BuildError naming file:line."""

    def build(changed: frozenset[Path] | None) -> None:
        items = []
        for p in sorted(content.rglob("*.txt")):
            text = p.read_text()
            for n, line in enumerate(text.splitlines(), 1):
                if "BROKEN" in line:
                    raise BuildError(f"{p.relative_to(content.parent)}:{n}: cannot parse {line!r}")
            items.append(f"<li>{html.escape(text)}</li>")
        tmp = out.parent / f".{out.name}.build"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        (tmp / "index.html").write_text(f"<!doctype html><html><body><ul>{''.join(items)}</ul></body></html>")
        old = out.parent / f".{out.name}.old"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)

    return build


class Events:
    """Reads the SSE stream in a thread; ``wait(pred)`` polls for a matching event."""

    def __init__(self, port: int) -> None:
        self.q: queue.Queue[dict] = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
        self.conn.request("GET", "/__sitegen/events")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.resp:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    self.q.put(json.loads(line[6:]))
        except (OSError, ValueError):
            pass

    def wait(self, pred) -> dict:
        while True:
            ev = self.q.get(timeout=DEADLINE)
            if pred(ev):
                return ev

    def close(self) -> None:
        self.conn.close()


@pytest.fixture()
def served(tmp_path: Path):
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    (content / "letters" / "a.txt").write_text("first letter")
    (tmp_path / "secret.txt").write_text("secret")
    out = tmp_path / "_site"
    logs: list[str] = []
    server = Server(build=fake_build(content, out), out=out, watch=[content], port=0, quiet=0.2, log=logs.append)
    server.start()
    try:
        yield server, content, logs
    finally:
        server.stop()


def fetch(server: Server, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=DEADLINE) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_edit_rebuilds_and_notifies_the_tab(served) -> None:
    server, content, logs = served
    assert server.url.startswith("http://127.0.0.1:")
    status, body = fetch(server, "/")
    assert status == 200 and "first letter" in body and 'data-version="1"' in body
    events = Events(server.port)
    try:
        assert events.wait(lambda e: True)["version"] == 1
        (content / "letters" / "a.txt").write_text("edited letter")
        events.wait(lambda e: e["version"] == 2)
        status, body = fetch(server, "/")
        assert "edited letter" in body and 'data-version="2"' in body

        # A broken letter: the old site stays, every page and the stream show file and line.
        (content / "letters" / "b.txt").write_text("ok line\nBROKEN line\n")
        ev = events.wait(lambda e: e["error"] is not None)
        assert ev["error"]["location"] == "content/letters/b.txt:2" and ev["version"] == 2
        status, body = fetch(server, "/")
        assert status == 200 and "edited letter" in body and "content/letters/b.txt:2" in body
        assert 'id="sitegen-overlay"' in body

        # The next good save clears it.
        (content / "letters" / "b.txt").write_text("ok line\nfixed line\n")
        ev = events.wait(lambda e: e["version"] == 3)
        assert ev["error"] is None
        status, body = fetch(server, "/")
        assert "fixed line" in body and "sitegen-overlay" not in body
        assert any("build failed: content/letters/b.txt:2" in line for line in logs), logs
    finally:
        events.close()


def test_raw_traversal_over_the_wire(served) -> None:
    server, _, _ = served
    for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%5csecret.txt"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=DEADLINE)
        conn.putrequest("GET", raw, skip_host=True)
        conn.putheader("Host", f"127.0.0.1:{server.port}")
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        assert resp.status in (403, 404), raw
        assert b"secret" not in body.lower().replace(b"forbidden", b"")


def test_port_in_use_is_a_clear_error(served) -> None:
    server, content, _ = served
    from sitegen.errors import SitegenError

    with pytest.raises(SitegenError, match=r"cannot listen on 127\.0\.0\.1:\d+"):
        Server(build=lambda c: None, out=content, port=server.port)


def test_deferred_end_of_a_build_runs_after_the_reload_and_its_failure_shows() -> None:
    from sitegen.serve.rebuild import Builder
    from sitegen.serve.state import BuildState

    state = BuildState()
    seen: list[tuple[int, bool]] = []

    def later() -> None:
        seen.append((state.version, state.finishing))  # the reload (version) went out first

    builder = Builder(lambda changed: later, state)
    assert builder.run(None) and seen == [(1, True)] and not state.finishing

    def broken() -> None:
        raise ValueError("search index: disk full")

    builder = Builder(lambda changed: broken, state)
    assert not builder.run(frozenset())
    assert state.error is not None and "disk full" in state.error.message and not state.finishing
