"""Watcher: temp-file filter, debounce (fake clock), and real watchdog events.

Real-filesystem tests poll for a condition with generous deadlines; they never
assert on a fixed sleep, so a loaded machine makes them slower, not flaky.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from sitegen.serve.watch import Debouncer, PathFilter, Watcher, is_ignored_name

DEADLINE = 20.0


@pytest.mark.parametrize(
    "name", [".case.txt.swp", ".case.txt.swx", "case.txt~", ".#case.txt", "#case.txt#", "4913", "x.tmp",
             ".goutputstream-AB12", ".~lock.x.ods#", ".DS_Store"],
)
def test_editor_temp_files_are_ignored(name: str) -> None:
    assert is_ignored_name(name)


@pytest.mark.parametrize("name", ["case.txt", "base.html", "taxonomy.toml", "sitegen.toml", "4913.txt", "a#b.txt"])
def test_real_files_count(name: str) -> None:
    assert not is_ignored_name(name)


def test_path_filter(tmp_path: Path) -> None:
    out, cache = tmp_path / "_site", tmp_path / "cache"
    cfg = tmp_path / "sitegen.toml"
    f = PathFilter(ignore_under=(out, cache), only_files=frozenset({cfg}), only_in=(tmp_path,),
                   ignore_prefixes=("._site.",))
    assert f(tmp_path / "content" / "letters" / "a.txt")
    assert f(cfg)
    assert not f(out / "index.html")
    assert not f(out)
    assert not f(cache / "whoosh" / "x.seg")
    assert not f(tmp_path / "._site.build-123" / "index.html")
    assert not f(tmp_path / "README.md")  # beside the config file, not watched itself
    assert not f(tmp_path / "content" / ".git" / "index")
    assert not f(tmp_path / "content" / "letters" / ".a.txt.swp")


def test_debouncer_waits_for_quiet_and_caps_the_delay() -> None:
    d = Debouncer(quiet=0.1, max_delay=1.0)
    assert d.deadline() is None and d.take(0.0) is None
    d.add([Path("a")], 0.0)
    d.add([Path("b")], 0.05)
    assert d.take(0.1) is None  # only 0.05 s quiet
    assert d.take(0.16) == {Path("a"), Path("b")}
    assert d.take(0.3) is None
    # A steady stream of events still produces a batch after max_delay.
    t = 1.0
    d.add([Path("c")], t)
    while t < 1.95:
        t += 0.05
        d.add([Path("c")], t)
        assert d.take(t) is None or t >= 2.0
    assert d.take(2.0) == {Path("c")}
    d.add([], 3.0)
    assert d.deadline() is None


class Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.cond = threading.Condition()

    def __call__(self, batch: frozenset[Path]) -> None:
        with self.cond:
            self.batches.append(batch)
            self.cond.notify_all()

    def wait(self, pred, timeout: float = DEADLINE) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: pred(self.batches), timeout), self.batches

    def seen(self) -> set[Path]:
        with self.cond:
            return set().union(*self.batches) if self.batches else set()


def test_injected_burst_is_one_batch(tmp_path: Path) -> None:
    rec = Recorder()
    w = Watcher([tmp_path], rec, quiet=0.5).start()
    try:
        w.notify(tmp_path / f"{i}.txt" for i in range(3))
        for i in range(100):
            w.notify([tmp_path / f"b{i}.txt"])
        rec.wait(lambda b: len(b) >= 1)
        assert len(rec.batches[0]) == 103
    finally:
        w.stop()


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "content" / "letters").mkdir(parents=True)
    (tmp_path / "content" / "letters" / "a.txt").write_text("one")
    (tmp_path / "_site").mkdir()
    return tmp_path


def test_real_edits_atomic_saves_and_temp_files(tree: Path) -> None:
    letters = tree / "content" / "letters"
    rec = Recorder()
    w = Watcher([tree / "content", tree / "sitegen.toml"], rec, ignore_under=[tree / "_site"], quiet=0.3)
    w.start()
    try:
        # Temp/swap files and output writes alone never trigger a build.
        (letters / ".a.txt.swp").write_text("swap")
        (letters / "4913").write_text("")
        (letters / "4913").unlink()
        (tree / "_site" / "index.html").write_text("out")
        # An atomic save: write a temp file, rename it over the letter.
        tmp = letters / "a.txt.tmp"
        tmp.write_text("two")
        os.replace(tmp, letters / "a.txt")
        rec.wait(lambda b: (letters / "a.txt") in set().union(*b) if b else False)
        names = {p.name for p in rec.seen()}
        assert not names & {".a.txt.swp", "4913", "index.html", "a.txt.tmp"}, names
        # The config file is watched on its own; its neighbours are not.
        (tree / "notes.md").write_text("x")
        (tree / "sitegen.toml").write_text("[site]\n")
        rec.wait(lambda b: (tree / "sitegen.toml") in set().union(*b))
        assert (tree / "notes.md") not in rec.seen()
    finally:
        w.stop()


def test_folder_copied_in_is_one_batch(tree: Path) -> None:
    src = tree / "incoming"
    src.mkdir()
    for i in range(40):
        (src / f"l{i:03}.txt").write_text(f"letter {i}")
    rec = Recorder()
    w = Watcher([tree / "content"], rec, quiet=1.0).start()
    try:
        shutil.copytree(src, tree / "content" / "letters" / "batch")
        target = {tree / "content" / "letters" / "batch" / f"l{i:03}.txt" for i in range(40)}
        rec.wait(lambda b: target <= (set().union(*b) if b else set()))
        # Allow a moment for any straggler batch, then check there was exactly one.
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and len(rec.batches) == 1:
            time.sleep(0.1)
        assert len(rec.batches) == 1, [len(b) for b in rec.batches]
    finally:
        w.stop()


def test_deleted_and_renamed_letters_are_reported(tree: Path) -> None:
    letters = tree / "content" / "letters"
    (letters / "b.txt").write_text("b")
    rec = Recorder()
    w = Watcher([tree / "content"], rec, quiet=0.3).start()
    try:
        os.rename(letters / "a.txt", letters / "renamed.txt")
        (letters / "b.txt").unlink()
        want = {letters / "a.txt", letters / "renamed.txt", letters / "b.txt"}
        rec.wait(lambda b: want <= (set().union(*b) if b else set()))
    finally:
        w.stop()


def test_polling_observer_also_works(tree: Path) -> None:
    rec = Recorder()
    w = Watcher([tree / "content"], rec, quiet=0.2, polling=True).start()
    try:
        time.sleep(0.1)  # not an assertion: lets the poller take its first snapshot
        (tree / "content" / "letters" / "new.txt").write_text("new")
        rec.wait(lambda b: (tree / "content" / "letters" / "new.txt") in (set().union(*b) if b else set()))
    finally:
        w.stop()
