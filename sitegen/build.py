"""``sitegen build``: discover -> load letters -> collect -> render -> export -> swap.

Everything is gathered before anything is written, and everything is written into a
temporary folder beside the output that replaces the old site in one rename at the
end: a failed or interrupted build leaves the previous site as it was.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import shutil
import signal
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from sitegen import exports, urls
from sitegen.collect import Archive, collect
from sitegen.config import SiteConfig, load_config
from sitegen.discover import Sources, discover
from sitegen.errors import BuildError, SitegenError
from sitegen.markdown import Page, load_note, load_page
from sitegen.model import Letter
from sitegen.progress import Progress
from sitegen.render import DEFAULT_STATIC, Renderer, make_env, render_case, render_group_pages
from sitegen.write import SiteWriter

T = TypeVar("T")
CHUNK = 64
"""Letters per task sent to a worker process."""
PARALLEL_MIN = 200
"""Below this many letters the build stays in one process (pool start-up costs more)."""


@dataclass
class BuildReport:
    out_dir: Path
    letters: int = 0
    items: int = 0
    pages: int = 0
    files: int = 0
    bytes: int = 0
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Letter source -> its warnings."""
    stages: dict[str, float] = field(default_factory=dict)
    """Stage name -> wall seconds."""
    cpu_seconds: float = 0.0
    search: dict[str, Any] | None = None

    @property
    def warning_count(self) -> int:
        return sum(len(w) for w in self.warnings.values())

    def summary(self) -> str:
        lines = []
        for source, ws in sorted(self.warnings.items()):
            for w in ws:
                lines.append(f"warning: {source}: {w}")
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in self.stages.items())
        lines.append(
            f"built {self.out_dir}: {self.letters} letters, {self.items} items, {self.pages} pages, "
            f"{self.files} files ({self.bytes / 1e6:.1f} MB), {self.warning_count} warnings "
            f"in {len(self.warnings)} files; {stages}; total {sum(self.stages.values()):.2f}s"
        )
        return "\n".join(lines)


# -- worker processes -----------------------------------------------------------

_TAXONOMY: Any = None
_TAXONOMY_FILE: object = object()
_RENDER_STATE: dict[str, Any] = {}


def _normalizer() -> tuple[Callable[..., Letter], Callable[..., Any]] | None:
    try:
        mod = importlib.import_module("sitegen.normalize")
    except ImportError:
        return None
    fn, load = getattr(mod, "normalize_letter", None), getattr(mod, "load_taxonomy", None)
    return (fn, load) if fn and load else None


def _parse_chunk(paths: Sequence[tuple[str, str]], taxonomy_file: str | None) -> list[Letter]:
    """Parse (and normalise) a chunk of letters; runs in a worker process."""
    global _TAXONOMY, _TAXONOMY_FILE
    from sitegen.parse import parse_path

    norm = _normalizer()
    if norm is not None and _TAXONOMY_FILE != taxonomy_file:
        _TAXONOMY = norm[1](Path(taxonomy_file) if taxonomy_file else None)
        _TAXONOMY_FILE = taxonomy_file
    out = []
    for path, source in paths:
        letter = parse_path(Path(path), source)
        if norm is not None:
            letter = norm[0](letter, _TAXONOMY)
        out.append(letter)
    return out


def _render_cases_chunk(chunk: Sequence[tuple[Letter, tuple[str, str] | None, tuple[str, str] | None]]
                        ) -> list[tuple[str, bytes]]:
    st = _RENDER_STATE
    out = []
    for letter, prev, nxt in chunk:
        path, html = render_case(st["renderer"], letter, prev, nxt, st["titles"], st["originals"].get(letter.id))
        out.append((path, html.encode("utf-8")))
    return out


def _chunks(seq: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _pool(jobs: int) -> Executor:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)


def _jobs(jobs: int | None) -> int:
    return max(1, jobs if jobs else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


# -- stages -----------------------------------------------------------------------


def letter_sources(cfg: SiteConfig, sources: Sources | None = None) -> list[tuple[str, str]]:
    """(path, source) of every letter; source is the path relative to the content folder."""
    src = sources or discover(cfg.content_dir)
    return [(str(p), p.relative_to(cfg.content_dir).as_posix()) for p in src.letters]


def load_letters(cfg: SiteConfig, jobs: int | None, progress: Progress | None = None) -> list[Letter]:
    """Parse and normalise every letter under CONTENT/letters, in parallel processes.

    The one place letters are loaded (a parse cache belongs here)."""
    todo = letter_sources(cfg)
    tax = str(cfg.taxonomy_file) if cfg.taxonomy_file else None
    n = _jobs(jobs)
    if n == 1 or len(todo) < PARALLEL_MIN:
        letters = []
        for chunk in _chunks(todo, CHUNK):
            letters.extend(_parse_chunk(chunk, tax))
            if progress:
                progress.advance(len(chunk))
        return letters
    size = max(8, min(CHUNK * 4, len(todo) // (n * 8) or 1))
    letters = []
    with _pool(n) as pool:
        for got in pool.map(_parse_chunk, list(_chunks(todo, size)), [tax] * ((len(todo) + size - 1) // size)):
            letters.extend(got)
            if progress:
                progress.advance(len(got))
    return letters


def _procedure_titles(archive: Archive) -> dict[str, str]:
    return {slug: g.title for slug, g in archive.procedures.items()}


def _taxonomy_titles(cfg: SiteConfig) -> dict[str, str]:
    """Procedure display names from the taxonomy, when normalisation is available."""
    norm = _normalizer()
    if norm is None:
        return {}
    try:
        tax = norm[1](cfg.taxonomy_file)
        return {slug: p.name for slug, p in getattr(tax, "procedures", {}).items()}
    except Exception:  # noqa: BLE001 - titles are cosmetic; the taxonomy's own errors surface when parsing
        return {}


def render_site(cfg: SiteConfig, archive: Archive, sources: Sources, writer: SiteWriter, jobs: int,
                progress: bool, stages: dict[str, float]) -> int:
    """Render every page into ``writer``; returns the number of HTML pages."""
    t = time.perf_counter()
    env = make_env(cfg)
    pages = [load_page(p) for p in sources.pages]
    r = Renderer(cfg, env, pages)
    titles = _procedure_titles(archive)
    originals: dict[str, str] = {}
    for letter in archive.letters:
        stem = Path(letter.source).stem
        if stem in sources.originals:
            originals[letter.id] = urls.letter_file_url(letter.id, ".pdf")
        elif (cfg.content_dir / letter.source).is_file():
            originals[letter.id] = urls.letter_file_url(letter.id, Path(letter.source).suffix or ".txt")
    html_paths: list[str] = []

    def put(item: tuple[str, str] | tuple[str, bytes], origin: str = "") -> None:
        path, body = item
        if isinstance(body, str):
            writer.write_text(path, body, origin)
        else:
            writer.write_bytes(path, body, origin)
        if path.endswith(".html"):
            html_paths.append(path)

    letters = archive.letters
    label = lambda l: (l.id, l.case_number or l.id)  # noqa: E731
    tasks = [(l, label(letters[i - 1]) if i else None, label(letters[i + 1]) if i + 1 < len(letters) else None)
             for i, l in enumerate(letters)]
    bar = Progress("pages", len(tasks), progress)
    _RENDER_STATE.update(renderer=r, titles=titles, originals=originals)
    if jobs > 1 and len(tasks) >= PARALLEL_MIN:
        with _pool(jobs) as pool:
            for got in pool.map(_render_cases_chunk, list(_chunks(tasks, CHUNK))):
                for path, body in got:
                    put((path, body), origin=path)
                bar.advance(len(got))
    else:
        for chunk in _chunks(tasks, CHUNK):
            for path, body in _render_cases_chunk(chunk):
                put((path, body))
            bar.advance(len(chunk))
    bar.close()
    _RENDER_STATE.clear()
    stages["render cases"] = time.perf_counter() - t
    t = time.perf_counter()

    size = cfg.page_size
    for slug, group in archive.procedures.items():
        note_path = sources.procedure_notes.get(slug)
        note = load_note(note_path) if note_path else None
        for item in render_group_pages(r, group, "procedure", note, size, archive):
            put(item)
    for key, group in archive.guidelines.items():
        note_path = sources.guideline_notes.get(key)
        note = load_note(note_path) if note_path else None
        for item in render_group_pages(r, group, "guideline", note, size, archive):
            put(item)
    for slug, group in archive.specialties.items():
        put(r.render("specialty.html", urls.specialty_url(slug), "specialties", group=group,
                     letter_ids=sorted({x.letter_id for x in group.refs}),
                     letters_by_id={l.id: l for l in archive.letters if l.id in {x.letter_id for x in group.refs}},
                     description=f"IMR decisions by {group.title} reviewers"))
    for slug, group in archive.regions.items():
        put(r.render("region.html", urls.region_url(slug), "regions", group=group, titles=titles,
                     description=f"IMR decisions for the {group.title}"))
    for key, group in archive.decisions.items():
        if True:  # every decision gets a page (the index links all three)
            put(r.render("decision.html", urls.decision_url(key), "decisions", group=group, titles=titles,
                         description=f"{group.title} IMR decisions"))
    common = {"archive": archive}
    put(r.render("procedures_index.html", urls.PROCEDURES_INDEX, "procedures", **common))
    put(r.render("guidelines_index.html", urls.GUIDELINES_INDEX, "guidelines", **common))
    put(r.render("specialties_index.html", urls.SPECIALTIES_INDEX, "specialties", **common))
    put(r.render("regions_index.html", urls.REGIONS_INDEX, "regions", **common))
    put(r.render("decisions_index.html", urls.DECISIONS_INDEX, "decisions", **common))
    # The letters list is paginated like everything else (no page over 1 MB).
    case_pages = [archive.letters[i:i + 500] for i in range(0, len(archive.letters), 500)] or [[]]
    case_paths = [urls.CASES_INDEX if n == 1 else f"cases/index-{n}.html" for n in range(1, len(case_pages) + 1)]
    for n, chunk in enumerate(case_pages, 1):
        path = case_paths[n - 1]
        put(r.render("cases_index.html", path, "cases", letters=chunk, page=n,
                     pages=[urls.relative(path, p) for p in case_paths], **common))
    for page in pages:
        put(r.render("page.html", urls.page_url(page.slug), "page-" + page.slug, page=page,
                     description=page.title), origin=page.source)
    put(r.render("index.html", urls.INDEX, "home", latest=archive.latest[: cfg.latest_count], **common))
    search_template = "search.html"
    try:
        env.get_template(search_template)
    except Exception:  # noqa: BLE001 - the search page is optional until the search module ships it
        search_template = "search-fallback.html"
    put(r.render(search_template, urls.SEARCH, "search", **common))
    put(r.render("404.html", urls.NOT_FOUND, "", **common))
    stages["render pages"] = time.perf_counter() - t
    _RENDER_STATE["html_paths"] = html_paths
    return len(html_paths)


def _copy_assets(cfg: SiteConfig, sources: Sources, archive: Archive, writer: SiteWriter) -> None:
    user_static = cfg.static_dir or (cfg.content_dir / "static")
    skip: set[str] = set()
    if user_static.is_dir():
        skip = set(writer.copy_tree(user_static, "static/"))
    if DEFAULT_STATIC.is_dir():
        writer.copy_tree(DEFAULT_STATIC, "static/", skip=skip)
    for letter in archive.letters:
        src = cfg.content_dir / letter.source
        if src.is_file():
            writer.copy_file(src, urls.letter_file_url(letter.id, src.suffix or ".txt"))
        pdf = sources.originals.get(Path(letter.source).stem)
        if pdf is not None:
            writer.copy_file(pdf, urls.letter_file_url(letter.id, ".pdf"))


def _search(letters: Sequence[Letter], site: Path, cfg: SiteConfig) -> dict[str, Any] | None:
    try:
        mod = importlib.import_module("sitegen.search")
    except ImportError:
        return None
    fn = getattr(mod, "build_indexes", None)
    if fn is None:
        return None
    return dict(fn(letters, site, cfg.search_index_dir))


def _remove_stale(out: Path) -> None:
    """Remove temp folders of earlier builds whose process is gone."""
    for p in out.parent.glob(f".{out.name}.build-*"):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(p, ignore_errors=True)
        except PermissionError:
            pass


def _swap(tmp: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"{out}: output path exists and is not a folder")
        os.replace(out, old)
    os.replace(tmp, out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_site(cfg: SiteConfig, *, strict: bool = False, jobs: int | None = None,
               progress: bool = False, letters: Sequence[Letter] | None = None) -> BuildReport:
    """Build the whole site into a temporary folder, then swap it in atomically.

    ``letters`` (for tests and tools) skips loading: those records are rendered instead."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    report = BuildReport(out_dir=cfg.out_dir)
    if not cfg.content_dir.is_dir():
        raise BuildError(f"{cfg.content_dir}: content folder not found")
    n = _jobs(jobs)
    cfg.out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(cfg.out_dir)
    tmp = cfg.out_dir.parent / f".{cfg.out_dir.name}.build-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    previous = signal.getsignal(signal.SIGTERM) if _main_thread() else None
    if previous is not None:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        tmp.mkdir()
        stages = report.stages
        t = time.perf_counter()
        sources = discover(cfg.content_dir)
        if letters is None:
            bar = Progress("letters", len(sources.letters), progress)
            letters = load_letters(cfg, n, bar)
            bar.close()
        stages["parse"] = time.perf_counter() - t
        t = time.perf_counter()
        archive = collect(letters, _taxonomy_titles(cfg))
        stages["collect"] = time.perf_counter() - t
        report.letters, report.items = len(letters), archive.item_count
        report.warnings = {l.source: l.warnings for l in archive.letters if l.warnings}
        if strict and report.warnings:
            first = "\n".join(f"  {s}: {w[0]}" for s, w in sorted(report.warnings.items())[:10])
            raise BuildError(f"--strict: {report.warning_count} warnings in {len(report.warnings)} letters:\n{first}")
        writer = SiteWriter(tmp)
        report.pages = render_site(cfg, archive, sources, writer, n, progress, stages)
        html_paths = _RENDER_STATE.pop("html_paths", [])
        t = time.perf_counter()
        for item in (exports.cases_jsonl(archive.letters), exports.items_csv(archive.letters),
                     exports.sitemap(cfg, [p for p in html_paths if p != urls.NOT_FOUND]),
                     exports.robots(cfg), exports.atom_feed(cfg, archive)):
            writer.write_text(*item)
        _copy_assets(cfg, sources, archive, writer)
        stages["exports"] = time.perf_counter() - t
        t = time.perf_counter()
        report.search = _search(archive.letters, tmp, cfg)
        stages["search"] = time.perf_counter() - t
        report.files = sum(1 for p in tmp.rglob("*") if p.is_file())
        report.bytes = writer.bytes_written
        _swap(tmp, cfg.out_dir)
    except OSError as err:
        raise BuildError(f"{getattr(err, 'filename', None) or cfg.out_dir}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    report.cpu_seconds = time.process_time() - cpu0
    report.stages.setdefault("total", time.perf_counter() - wall0)
    report.stages.pop("total")
    return report


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    cfg = load_config(Path(args.config) if args.config else None, Path(args.content), Path(args.out))
    show = not getattr(args, "quiet", False)
    try:
        report = build_site(cfg, strict=bool(getattr(args, "strict", False)), jobs=getattr(args, "jobs", None),
                            progress=show)
    except SitegenError:
        print(f"sitegen: build failed; the previous site in {cfg.out_dir} was left as it was", file=sys.stderr)
        raise
    print(report.summary(), file=sys.stderr)
    return 0
