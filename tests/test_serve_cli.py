"""`sitegen serve` end to end: the real build, a real process, then Ctrl+C."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sitegen.config import load_config
from sitegen.serve import watch_targets

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 60.0


def test_watch_targets_cover_the_inputs(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    (content / "taxonomy.toml").write_text("")
    (tmp_path / "theme").mkdir()
    config = tmp_path / "sitegen.toml"
    config.write_text('[site]\ntemplates_dir = "theme"\n')
    cfg = load_config(config, content, tmp_path / "_site")
    targets = watch_targets(cfg, content, config)
    for want in (content, tmp_path / "theme", content / "taxonomy.toml", config):
        assert want.resolve() in [t.resolve() for t in targets], want
    assert all((tmp_path / "_site").resolve() != t.resolve() for t in targets)


def test_serve_command_builds_serves_and_stops(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    letter = sorted((ROOT / "content" / "letters").glob("*.txt"))[0]
    shutil.copy(letter, content / "letters" / letter.name)
    out = tmp_path / "_site"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--content", str(content), "--out", str(out), "--port", "0"],
        cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert m, line
        url = m.group(1)
        deadline = time.monotonic() + DEADLINE
        status: dict = {}
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url + "__sitegen/status", timeout=10) as r:
                status = json.load(r)
            if status["version"] >= 1 or status["error"]:
                break
            time.sleep(0.1)
        assert status.get("version") == 1 and status.get("error") is None, status
        with urllib.request.urlopen(url, timeout=10) as r:
            served = r.read()
        assert b'src="/__sitegen/reload.js"' in served
        # The reload script is injected while serving only: never in the built files.
        built = list(out.rglob("*.html"))
        assert built and not any(b"__sitegen" in p.read_bytes() for p in built)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert rc == 0
