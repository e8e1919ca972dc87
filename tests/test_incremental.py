"""Incremental builds equal clean builds, byte for byte, after any sequence of edits.

Hypothesis applies random sequences of edits (add, modify, delete and rename letters;
flip a decision; edit a template override, a curator note, an authored page, the config)
to a small archive.  After every step the archive is built incrementally (through a
serve-style in-memory session or through the on-disk cache) and the tree is compared with
a clean build (``incremental=False``, its own cache) of the same input.  The search stage
is left out: its static index documents that an update is not byte-identical to a rebuild.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import BuildReport, Session, build_site
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
POOL = sorted((ROOT / "content" / "letters").glob("*.txt")) + sorted((ROOT / "tests" / "letters").glob("*.txt"))
TEXTS = [p.read_bytes() for p in POOL]
CONFIG = '[site]\ntitle = "{title}"\nbase_url = "https://example.org/imr/"\ntemplates_dir = "tpl"\npage_size = 2\n'


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(a: Path, b: Path) -> None:
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb), (sorted(set(ta) ^ set(tb)))[:10]
    differ = [p for p in ta if ta[p] != tb[p]]
    assert not differ, f"incremental output differs from a clean build: {differ[:10]}"


class Archive:
    """A throw-away site folder: content, config, template overrides."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        (self.content / "letters").mkdir(parents=True)
        (self.content / "procedures").mkdir()
        (self.content / "pages").mkdir()
        (root / "tpl").mkdir()
        self.title = "Archive"
        self.write_config()
        self.serial = 0
        for i in range(3):
            self.add(i)

    def write_config(self) -> None:
        (self.root / "sitegen.toml").write_text(CONFIG.format(title=self.title), encoding="utf-8")

    def letters(self) -> list[Path]:
        return sorted((self.content / "letters").rglob("*.txt"))

    def pick(self, n: int) -> Path | None:
        found = self.letters()
        return found[n % len(found)] if found else None

    def add(self, n: int) -> Path:
        self.serial += 1
        sub = self.content / "letters" / ("a" if n % 2 else "")
        sub.mkdir(exist_ok=True)
        path = sub / f"l{self.serial:03d}_{n}.txt"
        path.write_bytes(TEXTS[n % len(TEXTS)])
        return path

    def apply(self, op: str, n: int) -> set[Path]:
        """Make the edit; returns the paths it changed (as the serve watcher reports them)."""
        target = self.pick(n)
        if op == "add" or target is None:
            return {self.add(n)}
        changed = {target}
        if op == "modify":
            data = target.read_bytes()
            target.write_bytes(TEXTS[(n + 1) % len(TEXTS)] if data != TEXTS[(n + 1) % len(TEXTS)] else data + b"\nAddendum.\n")
        elif op == "append":
            target.write_bytes(target.read_bytes() + f"\nA further sentence {n}.\n".encode())
        elif op == "flip":  # a decision changes: every listing the letter is on changes
            data = target.read_bytes()
            if b"Upheld" in data:
                target.write_bytes(data.replace(b"Upheld", b"Overturned", 1))
            else:
                target.write_bytes(data.replace(b"Overturned", b"Upheld", 1))
        elif op == "delete":
            target.unlink()
        elif op == "rename":
            target.rename(target.with_name(f"r{n}_{target.name}"))
            changed.add(target.with_name(f"r{n}_{target.name}"))
        elif op == "template":
            t = self.root / "tpl" / "case.html"
            changed = {t}
            if t.exists():
                t.unlink()
            else:
                base = (ROOT / "templates" / "case.html").read_text(encoding="utf-8")
                t.write_text(base.replace("</nav>", f"</nav><!-- override {n} -->", 1), encoding="utf-8")
        elif op == "note":
            note = self.content / "procedures" / ("unmapped.md" if n % 3 else "mri-lumbar-spine.md")
            changed = {note}
            if note.exists() and n % 2:
                note.unlink()
            else:
                note.write_text(f"A curator's note, version {n}.\n", encoding="utf-8")
        elif op == "page":
            changed = {self.content / "pages" / "about.md"}
            (self.content / "pages" / "about.md").write_text(
                f"---\ntitle: About {n}\nnav_order: {n % 3}\n---\n\nAbout the archive ({n}).\n", encoding="utf-8")
        elif op == "config":
            self.title = f"Archive {n}"
            self.write_config()
            changed = {self.root / "sitegen.toml"}
        else:  # pragma: no cover - the strategy only draws the ops above
            raise AssertionError(op)
        return changed

    def build(self, out: str, **kw: object) -> BuildReport:
        cfg = load_config(self.root / "sitegen.toml", self.content, self.root / out / "_site")
        report = build_site(cfg, jobs=1, search=False, **kw)  # type: ignore[arg-type]
        session = kw.get("session")
        if isinstance(session, Session):
            session.finish()  # the deferred end of an edit build (serve runs it after the reload)
        return report


LETTER_OPS = ("add", "modify", "append", "flip", "delete", "rename")
OPS = st.sampled_from([*LETTER_OPS, "template", "note", "page", "config"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(OPS, st.integers(0, 50)), min_size=1, max_size=6), serve=st.booleans())
def test_incremental_equals_clean(tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]],
                                  serve: bool) -> None:
    """``serve``: one session, told what changed (as the watcher tells it), with the end of
    each edit build deferred; a letter-only edit must take the edit path (sitegen.delta)."""
    root = tmp_path_factory.mktemp("inc")
    archive = Archive(root)
    session = Session(defer=True) if serve else None
    archive.build("inc", session=session)
    for op, n in steps:
        changed = archive.apply(op, n)
        report = archive.build("inc", session=session, changed=frozenset(changed) if serve else None)
        if serve and op in LETTER_OPS:
            assert report.delta, (op, report.summary())
        shutil.rmtree(root / "clean", ignore_errors=True)
        clean = archive.build("clean", incremental=False)
        assert_same_tree(root / "inc" / "_site", root / "clean" / "_site")
        if not report.unchanged:
            assert (report.letters, report.items, report.pages) == (clean.letters, clean.items, clean.pages)


def test_unchanged_pages_are_reused_and_an_edit_renders_few(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    for i in range(3, 8):
        archive.add(i)
    cfg = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "out" / "_site")
    first = build_site(cfg, jobs=1, search=False)
    assert first.parsed == len(archive.letters()) and first.linked == 0
    again = build_site(cfg, jobs=1, search=False)
    assert again.unchanged and again.parsed == 0 and again.rendered == 0
    assert (again.letters, again.items, again.pages) == (first.letters, first.items, first.pages)
    touched = archive.letters()[1]
    touched.write_bytes(touched.read_bytes())  # a new mtime, the same bytes
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 5_000_000_000))
    after_touch = build_site(cfg, jobs=1, search=False)
    assert after_touch.unchanged and after_touch.parsed == 0
    note = archive.content / "procedures" / "unmapped.md"
    note.write_text("A new note.\n", encoding="utf-8")
    noted = build_site(cfg, jobs=1, search=False)
    assert not noted.unchanged and noted.parsed == 0 and noted.linked == first.rendered - noted.rendered
    target = archive.letters()[0]
    target.write_bytes(target.read_bytes() + b"\nOne more sentence at the end of the letter.\n")
    edit = build_site(cfg, jobs=1, search=False)
    assert not edit.unchanged and edit.parsed == 1
    assert 1 <= edit.rendered < first.rendered // 2, (edit.rendered, first.rendered)


def test_code_or_taxonomy_change_invalidates_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import cache

    archive = Archive(tmp_path)
    cfg = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "out" / "_site")
    build_site(cfg, jobs=1, search=False)
    monkeypatch.setattr(cache, "parse_code_hash", lambda: "a new sitegen version")
    report = build_site(cfg, jobs=1, search=False)
    assert report.parsed == len(archive.letters()) and report.linked == 0


def test_same_size_edit_within_the_timestamp_granularity_is_seen(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    cfg = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "out" / "_site")
    build_site(cfg, jobs=1, search=False)
    target = archive.letters()[0]
    st0 = target.stat()
    data = target.read_bytes()
    assert b"Upheld" in data or b"Overturned" in data
    swapped = data.replace(b"Upheld", b"Uphelx", 1) if b"Upheld" in data else data.replace(b"Overturned", b"Overturnex", 1)
    target.write_bytes(swapped)
    os.utime(target, ns=(st0.st_atime_ns, st0.st_mtime_ns))  # same size, same mtime
    report = build_site(cfg, jobs=1, search=False)
    assert report.parsed == 1
    clean = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "clean" / "_site")
    build_site(clean, jobs=1, search=False, incremental=False)
    assert filecmp.cmp(cfg.out_dir / "data" / "cases.jsonl", clean.out_dir / "data" / "cases.jsonl", shallow=False)


def test_up_to_date_build_still_reports_warnings_and_fails_strict(tmp_path: Path) -> None:
    from sitegen.errors import BuildError

    archive = Archive(tmp_path)
    (archive.content / "letters" / "broken.txt").write_text("Not an IMR letter at all.\n", encoding="utf-8")
    cfg = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "out" / "_site")
    first = build_site(cfg, jobs=1, search=False)
    assert "letters/broken.txt" in first.warnings
    again = build_site(cfg, jobs=1, search=False)
    assert again.unchanged and again.warnings == first.warnings
    assert "warning: letters/broken.txt" in again.summary()
    with pytest.raises(BuildError, match="--strict"):
        build_site(cfg, jobs=1, search=False, strict=True)


@pytest.mark.parametrize("serve", [False, True])
def test_search_indexes_are_updated_for_the_changed_letters_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  serve: bool) -> None:
    import sitegen.search
    from sitegen.parse import letter_id

    calls: list[tuple[list[str], list[str]]] = []
    real = sitegen.search.update_indexes

    def spy(changed, removed, site_dir, index_dir, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(([l.id for l in changed], list(removed)))
        assert all(l.text for l in changed), "the search update needs the letters' text"
        return real(changed, removed, site_dir, index_dir, **kwargs)

    monkeypatch.setattr(sitegen.search, "update_indexes", spy)
    archive = Archive(tmp_path)
    cfg = load_config(tmp_path / "sitegen.toml", archive.content, tmp_path / "out" / "_site")
    session = Session() if serve else None
    build_site(cfg, jobs=1, search=True, session=session)
    assert (cfg.out_dir / "search").is_dir() and not calls
    first, second = archive.letters()[:2]
    first.write_bytes(first.read_bytes() + b"\nA sentence about acupuncture.\n")
    gone_id = letter_id(second)
    second.unlink()
    report = build_site(cfg, jobs=1, search=True, session=session)
    assert report.search is not None
    assert calls == [([letter_id(first)], [gone_id])]
    assert (cfg.out_dir / "search").is_dir()
