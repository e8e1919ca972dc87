"""The build pauses Python's cyclic garbage collector while the main process makes its
long-lived records (sitegen.build._collector_paused); it must come back on, and the processes
forked meanwhile must run with it on."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from sitegen import build
from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.forked import Forked, can_fork

ROOT = Path(__file__).resolve().parent.parent


def test_collector_back_on_after_a_build_and_after_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cfg = load_config(None, content, tmp_path / "_site")
    seen = []
    collect = build.collect

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return collect(*args, **kwargs)

    monkeypatch.setattr(build, "collect", spy)
    assert gc.isenabled()
    build_site(cfg, search=False, incremental=False)
    assert seen == [False] and gc.isenabled()

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("collect failed")

    monkeypatch.setattr(build, "collect", boom)
    with pytest.raises(RuntimeError):
        build_site(cfg, search=False, incremental=False)
    assert gc.isenabled()


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_forked_children_run_with_the_collector_on() -> None:
    with build._collector_paused():
        assert not gc.isenabled()
        child = Forked(gc.isenabled, what="a test child")
    assert child.result() is True and gc.isenabled()
