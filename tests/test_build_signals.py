"""SIGTERM and Ctrl-C (SIGINT) stop a running build, its worker processes included, and
leave the previous site exactly as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "content" / "letters").glob("*.txt"))


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def sitegen(cwd: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SITEGEN_SKIP_SEARCH="1", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--quiet", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_build_and_workers_and_keeps_previous_site(tmp_path: Path, signum: int) -> None:
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    for p in LETTERS:
        (content / "letters" / p.name).write_bytes(p.read_bytes())
    first = sitegen(tmp_path, "--jobs", "1")
    assert first.wait(120) == 0, first.stderr.read() if first.stderr else ""
    before = tree(tmp_path / "_site")
    assert "index.html" in before
    # Enough letters that the second build is still parsing in its workers when the signal lands.
    bulk = content / "letters" / "bulk"
    bulk.mkdir()
    for i in range(2000):
        (bulk / f"copy{i:04d}.txt").write_bytes(LETTERS[i % len(LETTERS)].read_bytes())
    proc = sitegen(tmp_path, "--jobs", "2")
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        workers = children(proc.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    assert workers, "the build never started its worker processes"
    time.sleep(0.2)
    workers |= children(proc.pid)
    t0 = time.monotonic()
    proc.send_signal(signum)
    code = proc.wait(30)
    stopped_in = time.monotonic() - t0
    assert code != 0
    assert stopped_in < 10, f"the build took {stopped_in:.1f}s to stop"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "worker processes outlived the interrupted build"
    assert tree(tmp_path / "_site") == before, "the previous site was changed"
    assert not list(tmp_path.glob("._site.build-*")), "the temporary build folder was left behind"
