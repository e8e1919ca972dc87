"""``sitegen build``: discover -> load letters -> collect -> plan -> render -> export -> swap.

Everything is written into a temporary folder beside the output that replaces the old
site in one rename at the end: a failed or interrupted build (an error, Ctrl-C,
SIGTERM) leaves the previous site as it was, and worker processes are terminated.

Builds are incremental (docs/site.md, "Incremental builds"): letters are parsed only
when their bytes changed (records cached in ``cache_dir``), collect re-runs over every
record, and pages whose render key did not change are hard-linked from the previous
output into the temporary folder instead of rendered.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import multiprocessing
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from sitegen import exports, urls
from sitegen.cache import (BuildCache, LazyLetters, LetterIndex, Manifest, Records, Slim, digest, digest_strings,
                           folder_identity, letter_digest, parse_key, render_code_hash, sha256_file)
from sitegen.collect import Archive, collect, collected, first_sentence
from sitegen.config import SiteConfig, load_config
from sitegen.discover import Sources, discover
from sitegen.errors import BuildError, SitegenError
from sitegen.forked import Forked, can_fork
from sitegen.markdown import load_note, load_page
from sitegen.model import Letter, copy_with
from sitegen.progress import Progress
from sitegen.spool import SpoolWriter, stream_exports
from sitegen.plan import (CASES_PER_INDEX, Task, case_index_paths, file_key, letter_copies, letters_key, original_url,
                          plan, plan_context, site_key)
from sitegen.render import DEFAULT_STATIC, Renderer, make_env, render_case, render_group_pages, template_hashes
from sitegen.write import SiteWriter, commit_in_place

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 64
"""Letters per task sent to a worker process."""
PARALLEL_MIN = 200
FINGERPRINT_VERSION = 1
RACY_NS = 2_000_000_000
"""A letter modified less than this long before it was hashed is hashed again next time."""
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
    parsed: int = 0
    """Letters parsed (not found in the cache)."""
    rendered: int = 0
    """Page tasks rendered (a procedure task is all its pages)."""
    linked: int = 0
    """Page tasks whose files were linked unchanged from the previous output."""
    unchanged: bool = False
    """No input changed since the last build: nothing was read, rendered or written."""
    mapped: int = 0
    """Items mapped to a specific procedure by the taxonomy."""
    delta: bool = False
    """Built by the edit path (sitegen.delta): only the changed letters were looked at."""

    @property
    def warning_count(self) -> int:
        return sum(len(w) for w in self.warnings.values())

    def summary_record(self) -> dict[str, Any]:
        """What the output manifest keeps of this build, for the next build's up-to-date report."""
        return {"letters": self.letters, "items": self.items, "mapped": self.mapped, "pages": self.pages,
                "files": self.files, "tasks": self.rendered + self.linked, "warnings": dict(self.warnings)}

    def check_strict(self) -> None:
        """``--strict``: fail the build when any letter has warnings (the first ten are listed)."""
        if self.warnings:
            first = "\n".join(f"  {s}: {w[0]}" for s, w in sorted(self.warnings.items())[:10])
            raise BuildError(f"--strict: {self.warning_count} warnings in {len(self.warnings)} letters:\n{first}")

    def coverage_line(self) -> str:
        """The taxonomy's coverage, so a curator sees when requests go unmapped (``sitegen report`` lists them)."""
        share = self.mapped / self.items if self.items else 1.0
        unmapped = self.items - self.mapped
        hint = "; `sitegen report` lists them" if unmapped else ""
        return f"taxonomy: {share:.1%} of {self.items:,} items mapped to a procedure ({unmapped:,} unmapped{hint})"

    def summary(self) -> str:
        lines = []
        for source, ws in sorted(self.warnings.items()):
            for w in ws:
                lines.append(f"warning: {source}: {w}")
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in self.stages.items())
        if self.unchanged:
            lines.append(f"{self.out_dir} is up to date: {self.letters} letters, {self.items} items, "
                         f"{self.pages} pages; nothing changed since the last build "
                         f"({self.warning_count} warnings in {len(self.warnings)} files); {stages}")
            lines.append(self.coverage_line())
            return "\n".join(lines)
        lines.append(
            f"built {self.out_dir}: {self.letters} letters, {self.items} items, {self.pages} pages, "
            f"{self.files} files ({self.bytes / 1e6:.1f} MB), {self.warning_count} warnings "
            f"in {len(self.warnings)} files; parsed {self.parsed}, rendered {self.rendered} page tasks, "
            f"reused {self.linked}; {stages}; total {sum(self.stages.values()):.2f}s"
        )
        lines.append(self.coverage_line())
        return "\n".join(lines)


# -- worker processes -----------------------------------------------------------
#
# Workers are forked after the main process has set ``_STATE``, so they share the
# renderer, the archive and the slim records without pickling them.  Each worker
# writes the pages it renders straight into the temporary site and returns only
# their sizes; parse workers return slim records, never a letter's text.

_TAXONOMY: Any = None
_TAXONOMY_FILE: object = object()
_STATE: dict[str, Any] = {}
SKIP_SEARCH_ENV = "SITEGEN_SKIP_SEARCH"


def _normalizer() -> tuple[Callable[..., Letter], Callable[..., Any]] | None:
    try:
        mod = importlib.import_module("sitegen.normalize")
    except ImportError:
        return None
    fn, load = getattr(mod, "normalize_letter", None), getattr(mod, "load_taxonomy", None)
    return (fn, load) if fn and load else None


def warm_parser(taxonomy_file: str | None) -> tuple[Callable[..., Letter], Callable[..., Any]] | None:
    """Import the parser and load the taxonomy (once per process); returns the normaliser.
    A serve session calls it after its first build, so the first edit does not pay for it."""
    global _TAXONOMY, _TAXONOMY_FILE
    importlib.import_module("sitegen.parse")
    norm = _normalizer()
    if norm is not None and _TAXONOMY_FILE != taxonomy_file:
        _TAXONOMY = norm[1](Path(taxonomy_file) if taxonomy_file else None)
        _TAXONOMY_FILE = taxonomy_file
    return norm


def parse_letter(path: str, source: str, taxonomy_file: str | None) -> Letter:
    """Parse and normalise one letter (the taxonomy is loaded once per process)."""
    from sitegen.parse import parse_path

    norm = warm_parser(taxonomy_file)
    letter = parse_path(Path(path), source)
    return norm[0](letter, _TAXONOMY) if norm is not None else letter


def make_slim(dg: str, letter: Letter, path: str, spool: SpoolWriter | None = None) -> Slim:
    """The slim record of a letter; with ``spool`` its export lines go to the spool file."""
    rec = letter.to_record()
    jsonl = exports.jsonl_line(letter, rec)
    for item in rec["items"]:
        item["rationale"] = first_sentence(item["rationale"])
    csv = exports.csv_rows(letter)
    ref = None
    if spool is not None:
        ref = spool.add(jsonl, csv)
        jsonl = csv = ""
    return Slim(dg, copy_with(letter, text=""), jsonl, csv, path, digest(rec), ref)


_STORES: dict[str, Records] = {}


def _records(root: str) -> Records:
    """This process's record store for ``root`` (it remembers which sub-folders exist)."""
    got = _STORES.get(root)
    if got is None:
        got = _STORES[root] = Records(Path(root))
    return got


def _parse_chunk(chunk: Sequence[tuple[str, str, str]], taxonomy_file: str | None, records: str | None,
                 spool_dir: str | None = None) -> list[Slim]:
    """Parse a chunk of (path, source, digest); store each full record and its export lines
    (in one spool file); return slim ones."""
    store = _records(records) if records else None
    spool = SpoolWriter(Path(spool_dir)) if spool_dir else None
    out = []
    try:
        for path, source, dg in chunk:
            letter = parse_letter(path, source, taxonomy_file)
            if store is not None:
                store.put(dg, letter)
            out.append(make_slim(dg, letter, path, spool))
    finally:
        if spool is not None:
            spool.close()
    return out


def write_big_exports(cfg: SiteConfig, writer: SiteWriter, ordered: Sequence[Slim], paths: Sequence[str],
                      cache: BuildCache | None, memory: dict[str, Letter] | None = None) -> None:
    """Write data/cases.jsonl and/or data/items.csv (``paths``) by streaming each letter's
    export lines (from the spool files, or the slim record) in ``ordered`` order."""
    def rebuild(i: int) -> tuple[str, str]:
        slim = ordered[i]
        if memory is not None:
            letter = memory[slim.digest]
        else:
            got = cache.records.get(slim.digest) if cache is not None else None
            letter = got if got is not None else parse_letter(
                slim.path, slim.letter.source, str(cfg.taxonomy_file) if cfg.taxonomy_file else None)
        return exports.jsonl_line(letter), exports.csv_rows(letter)

    outputs = {}
    try:
        for path in paths:
            fh = writer.write_stream(path)
            if path == exports.ITEMS_CSV:
                fh.write(exports.csv_header().encode("utf-8"))
            outputs[0 if path == exports.CASES_JSONL else 1] = fh
        stream_exports(outputs, ((s.spool, s.jsonl, s.csv) for s in ordered),
                       cache.spool_dir if cache is not None else None, rebuild)
    finally:
        for fh in outputs.values():
            fh.close()
    for path in paths:
        writer.count(path)


CaseJob = tuple[Task, str, str, str]
"""A case page task with its letter's (digest, file, source): a worker rendering it touches
none of the slim records it shares with the main process (reference counting would copy
their memory pages into the worker)."""


def case_job(task: Task, slims: dict[str, Slim]) -> CaseJob:
    s = slims[task.arg[0]]
    return (task, s.digest, s.path, s.letter.source)


def _full_letter(letter_id: str) -> Letter:
    """The letter with its text: from memory (tests), the record store, or parsed again."""
    slim: Slim = _STATE["slims"][letter_id]
    return _load_full(slim.digest, slim.path, slim.letter.source)


def _load_full(dg: str, path: str, source: str) -> Letter:
    st = _STATE
    memory = st.get("memory")
    if memory is not None:
        return memory[dg]
    got = st["records"].get(dg)
    if got is None:  # record file pruned or lost: the source is still there
        got = parse_letter(path, source, st["taxonomy"])
        st["records"].put(dg, got)
    return got


def _render_task(job: Task | CaseJob) -> list[tuple[str, str]]:
    """Render one planned task -> [(path, html)]."""
    st = _STATE
    r: Renderer = st["renderer"]
    titles: dict[str, str] = st["titles"]
    if isinstance(job, tuple):
        task, dg, path, source = job
        lid, prev, nxt, orig = task.arg
        return [render_case(r, _load_full(dg, path, source), prev, nxt, titles, orig)]
    task = job
    archive: Archive = st["archive"]
    kind, arg = task.kind, task.arg
    if kind == "case":
        lid, prev, nxt, orig = arg
        return [render_case(r, _full_letter(lid), prev, nxt, titles, orig)]
    if kind in ("procedure", "guideline"):
        groups = archive.procedures if kind == "procedure" else archive.guidelines
        note = st["notes"].get((kind, arg))
        return list(render_group_pages(r, groups[arg], kind, note, st["cfg"].page_size, archive))
    if kind == "specialty":
        group = archive.specialties[arg]
        ids = sorted({x.letter_id for x in group.refs})
        by_id = st["letters_by_id"]
        return [r.render("specialty.html", urls.specialty_url(arg), "specialties", group=group, letter_ids=ids,
                         letters_by_id={i: by_id[i] for i in ids},
                         description=f"IMR decisions by {group.title} reviewers")]
    if kind == "region":
        group = archive.regions[arg]
        return [r.render("region.html", urls.region_url(arg), "regions", group=group, titles=titles,
                         description=f"IMR decisions for the {group.title}")]
    if kind == "decision":
        group = archive.decisions[arg]
        return [r.render("decision.html", urls.decision_url(arg), "decisions", group=group, titles=titles,
                         description=f"{group.title} IMR decisions")]
    common = {"archive": archive}
    if kind == "index":
        return [r.render(arg, task.paths[0], arg.split("_")[0], **common)]
    if kind == "cases":
        path = task.paths[0]
        paths = case_index_paths(len(archive.letters))
        chunk = archive.letters[(arg - 1) * CASES_PER_INDEX:arg * CASES_PER_INDEX]
        return [r.render("cases_index.html", path, "cases", letters=chunk, page=arg,
                         pages=[urls.relative(path, p) for p in paths], **common)]
    if kind == "page":
        page = st["pages"][arg]
        return [r.render("page.html", urls.page_url(page.slug), "page-" + page.slug, page=page,
                         description=page.title)]
    if kind == "home":
        return [r.render("index.html", urls.INDEX, "home", latest=archive.latest[: st["cfg"].latest_count], **common)]
    if kind == "search":
        return [r.render(arg, urls.SEARCH, "search", **common)]
    if kind == "404":
        return [r.render("404.html", urls.NOT_FOUND, "", **common)]
    raise BuildError(f"unknown page kind {kind!r}")


def _render_chunk(tasks: Sequence[Task | CaseJob]) -> int:
    """Render tasks and write their pages into the temporary site; returns bytes written."""
    root: Path = _STATE["root"]
    n = 0
    for task in tasks:
        for path, html in _render_task(task):
            data = html.encode("utf-8")
            (root / path).write_bytes(data)
            n += len(data)
    return n


def _chunks(seq: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _worker_init() -> None:
    # The main process decides about interrupts: it terminates the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # forked while the main process had paused it (see _collector_paused)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the main process makes millions of objects that
    all live until the end of the build (slim records, the archive): each of its full collections
    would walk every one of them.  At 100,000 letters, unpickling the slim records takes 2.2 s
    instead of 6.3 s and collect 4 s instead of 10 s.  Used for the parse stage's records, collect
    and plan (paused for collect alone, the deferred collections landed in plan).  These stages
    make no reference cycles to speak of (frozen dataclasses, tuples, dicts); reference counting
    still frees what they drop."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _pool(jobs: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)


def _kill(pool: ProcessPoolExecutor) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.join(timeout=2)


def _map(fn: Callable[..., R], chunks: list[Any], jobs: int, *extra: Any) -> Iterator[R]:
    """fn over chunks: in this process, or in ``jobs`` forked workers (killed on any error or signal)."""
    if jobs <= 1 or len(chunks) < 2:
        for c in chunks:
            yield fn(c, *extra)
        return
    # Objects that exist before the fork are moved out of the collector's reach, so the
    # workers' garbage collections do not write to (and so copy) the pages they share.
    gc.freeze()
    pool = _pool(min(jobs, len(chunks)))
    try:
        for got in pool.map(fn, chunks, *[[e] * len(chunks) for e in extra]):
            yield got
    except BaseException:
        _kill(pool)
        raise
    finally:
        gc.unfreeze()
    pool.shutdown()


def _map_split(fn: Callable[[Any], R], first: list[Any], shared: list[Any], jobs: int) -> Iterator[R]:
    """fn over ``first`` then ``shared`` chunks in forked workers, where one worker takes every
    ``first`` chunk (then ``shared`` ones) and the others only ``shared`` chunks.

    Rendering a group page touches a large part of the archive, and each touch makes the
    worker's own copy of a memory page it shares with the main process; keeping the group
    pages in one worker keeps one such copy instead of one per worker."""
    if jobs <= 1 or not first or not shared:
        yield from _map(fn, first + shared, jobs)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    gc.freeze()
    pools = [_pool(1), _pool(jobs - 1)]
    width = [2, 2 * (jobs - 1)]
    queues = [list(reversed(first)), list(reversed(shared))]
    running: dict[Any, int] = {}

    def feed(k: int) -> None:
        while sum(1 for v in running.values() if v == k) < width[k]:
            q = queues[0] if k == 0 and queues[0] else queues[1]
            if not q:
                return
            running[pools[k].submit(fn, q.pop())] = k

    try:
        feed(0)
        feed(1)
        while running:
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                k = running.pop(fut)
                yield fut.result()
                feed(k)
    except BaseException:
        for pool in pools:
            _kill(pool)
        raise
    finally:
        gc.unfreeze()
    for pool in pools:
        pool.shutdown()


def _noop() -> None:
    return None


class EarlyPool:
    """Worker processes forked at the start of a full build, while the main process is still
    small.  They parse the letters, then render the case pages (which need nothing of the
    archive: :data:`CaseJob`) while the main process renders the group and summary pages
    itself.  The archive and the slim records are built after the fork, so no worker shares
    (and, by reference counting, copies) their memory pages."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = _pool(self.jobs)
            self.pool.submit(_noop).result()  # the fork start method starts every worker now
        return self.pool

    def map(self, fn: Callable[..., R], chunks: list[Any], *extra: Any) -> Iterator[R]:
        yield from self.start().map(fn, chunks, *[[e] * len(chunks) for e in extra])

    def kill(self) -> None:
        if self.pool is not None:
            _kill(self.pool)
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


_REMOTE: dict[str, Any] = {}


def _render_cases_remote(jobs: Sequence[CaseJob], ctx: tuple[Any, ...]) -> int:
    """Render case jobs in an :class:`EarlyPool` worker (its state comes with the call)."""
    token, cfg, page_files, root, records, taxonomy, titles = ctx
    if _REMOTE.get("token") != token:
        _REMOTE.clear()
        _REMOTE.update(token=token, renderer=Renderer(cfg, make_env(cfg), [load_page(p) for p in page_files]))
    _STATE.update(renderer=_REMOTE["renderer"], titles=titles, memory=None, root=root,
                  records=Records(Path(records)) if records else None, taxonomy=taxonomy)
    return _render_chunk(jobs)


def _render_with_early(early: EarlyPool, rest: list[Task], case_chunks: list[list[CaseJob]],
                       ctx: tuple[Any, ...]) -> Iterator[int]:
    """Case chunks in the early workers; the other tasks here; then case chunks the workers
    have not started yet here too (one at a time, from the end)."""
    pool = early.start()
    futures = [pool.submit(_render_cases_remote, c, ctx) for c in case_chunks]
    for task in rest:
        yield _render_chunk([task])
    i = len(futures) - 1
    while i >= 0:
        if futures[i].cancel():
            yield _render_chunk(case_chunks[i])
        i -= 1
    for fut in futures:
        if not fut.cancelled():
            yield fut.result()


def _jobs(jobs: int | None) -> int:
    return max(1, jobs if jobs else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


# -- stages -----------------------------------------------------------------------


def letter_sources(cfg: SiteConfig, sources: Sources | None = None) -> list[tuple[str, str]]:
    """(path, source) of every letter; source is the path relative to the content folder."""
    src = sources or discover(cfg.content_dir)
    base = str(cfg.content_dir) + "/"
    return [(base + s, s) for s in src.letter_sources]


@dataclass
class Session:
    """What a long-running process (``sitegen serve``) keeps between builds: the letter
    index and the output manifest stay in memory instead of being re-read."""

    index: LetterIndex | None = None
    manifest: Manifest | None = None
    saved_at: float = 0.0
    save_every: float = 300.0
    """Seconds between writes of the letter index to disk (it is only a cache, and writing
    the slim records of a large archive costs about a second); :meth:`flush` writes it."""
    unsaved: tuple[BuildCache, LetterIndex] | None = None

    def save_index(self, cache: BuildCache, index: LetterIndex) -> None:
        """Write the changed letter index now if the last write is ``save_every`` seconds old,
        else remember it for a later build or :meth:`flush`."""
        if time.monotonic() - self.saved_at > self.save_every:
            cache.save_index(index)
            self.saved_at, self.unsaved = time.monotonic(), None
        else:
            self.unsaved = (cache, index)

    def flush(self) -> None:
        """Finish any deferred work, then write the letter index if a build changed it (call
        when the process ends)."""
        self.finish()
        if self.unsaved is not None:
            cache, index = self.unsaved
            self.unsaved = None
            if index.dirty:
                cache.save_index(index)
    collect_memo: dict[int, Any] = field(default_factory=dict)
    """Per-letter group contributions (collect.Contribution) of the letters in the index."""
    plan_memo: dict[Any, str] = field(default_factory=dict)
    """Case page key inputs -> render key."""
    in_place: bool = True
    """Update the output folder in place (each file replaced atomically, removed pages
    deleted) instead of linking a whole new folder and swapping it in; see docs/site.md."""
    defer: bool = False
    """Leave the end of an edit build (the large exports, the search indexes, the manifest
    on disk) to :meth:`finish`, which serve calls after the reload signal (sitegen.delta)."""
    pending: Callable[[], None] | None = None
    live: Any = None
    """The state an edit build starts from (:class:`sitegen.delta.Live`), or None."""
    last_plan: Any = None

    def finish(self) -> None:
        """Run the deferred end of the last edit build, if any (errors propagate)."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending()


def scan_letters(cfg: SiteConfig, sources: Sources, index: LetterIndex) -> list[tuple[str, str, str]]:
    """(path, source, digest) of every letter; a file is hashed only if its size or mtime changed."""
    todo_src = letter_sources(cfg, sources)
    files = index.files
    seen: dict[str, tuple[int, int, str, bool, str]] = {}
    wanted: list[tuple[str, str, str]] = []
    now = time.time_ns()
    for path, source in todo_src:
        st = os.stat(path)
        old = files.get(source)
        # (size, mtime) is trusted only if the file was already RACY_NS old when it was hashed:
        # a second save within the file system's timestamp granularity keeps the mtime.
        if old is not None and old[3] and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            sha, dg = old[2], old[4]
        else:
            sha = sha256_file(path)
            dg = letter_digest(index.key, source, sha)
            index.dirty = True
        seen[source] = (st.st_size, st.st_mtime_ns, sha, now - st.st_mtime_ns > RACY_NS, dg)
        wanted.append((path, source, dg))
    if set(files) != set(seen):
        index.dirty = True
    index.files = seen
    return wanted


def load_slims(cfg: SiteConfig, wanted: list[tuple[str, str, str]], cache: BuildCache | None, index: LetterIndex,
               jobs: int, progress: bool, stats: dict[str, int], reuse: bool = True,
               early: EarlyPool | None = None) -> list[Slim]:
    """Slim records of every letter, parsing only letters whose bytes are new."""
    tax = str(cfg.taxonomy_file) if cfg.taxonomy_file else None
    if cache is not None:
        cache.load_slims(index)
    missing = [w for w in wanted if w[2] not in index.slims]
    # Records already on disk (another output folder, or a lost index) are cheaper than a parse.
    parse: list[tuple[str, str, str]] = []
    if cache is not None and reuse:
        spool = SpoolWriter(cache.spool_dir)
        try:
            for w in missing:
                got = cache.records.get(w[2])
                if got is not None:
                    index.slims[w[2]] = make_slim(w[2], got, w[0], spool)
                else:
                    parse.append(w)
        finally:
            spool.close()
    else:
        parse = missing
    stats["parsed"] = len(parse)
    if parse:
        index.dirty = True
        bar = Progress("letters", len(parse), progress)
        records = str(cache.records.root) if cache is not None else None
        spool_dir = str(cache.spool_dir) if cache is not None else None
        n = jobs if len(parse) >= PARALLEL_MIN else 1
        size = max(8, min(CHUNK * 4, len(parse) // (n * 8) or 1))
        chunks = list(_chunks(parse, size))
        mapped = early.map(_parse_chunk, chunks, tax, records, spool_dir) if early is not None and n > 1 \
            else _map(_parse_chunk, chunks, n, tax, records, spool_dir)
        for got in mapped:
            for s in got:
                index.slims[s.digest] = s
            bar.advance(len(got))
        bar.close()
    live = {w[2] for w in wanted}
    gone = [d for d in index.slims if d not in live]
    if gone:
        index.dirty = True
        for d in gone:
            del index.slims[d]
        if cache is not None:
            cache.records.drop(gone)
    return [index.slims[w[2]] for w in wanted]


def load_letters(cfg: SiteConfig, jobs: int | None, progress: Progress | None = None) -> list[Letter]:
    """Parse and normalise every letter under CONTENT/letters (full records, with text)."""
    tax = str(cfg.taxonomy_file) if cfg.taxonomy_file else None
    out = [parse_letter(path, source, tax) for path, source in letter_sources(cfg)]
    if progress:
        progress.advance(len(out))
    return out


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


def _copy_plan(cfg: SiteConfig, sources: Sources, archive: Archive, index: LetterIndex | None,
               slims: dict[str, Slim]) -> list[tuple[Path | str, str, str]]:
    """(source file, site path, key) of every file copied into the site."""
    out: list[tuple[Path | str, str, str]] = []
    user_static = cfg.static_dir or (cfg.content_dir / "static")
    taken: set[str] = set()
    for root in (user_static, DEFAULT_STATIC):
        if not root.is_dir():
            continue
        for file in sorted(root.rglob("*")):
            rel = file.relative_to(root).as_posix()
            if not file.is_file() or any(part.startswith(".") for part in rel.split("/")):
                continue
            site_path = f"static/{rel}"
            if site_path in taken:
                continue
            taken.add(site_path)
            out.append((file, site_path, file_key(file)))
    files = index.files if index is not None else {}
    for letter in archive.letters:
        known = files.get(letter.source)
        out += letter_copies(cfg, sources, letter, known[2] if known is not None else None)
    return out


def _search(letters: Sequence[Letter], site: Path, cfg: SiteConfig) -> dict[str, Any] | None:
    try:
        mod = importlib.import_module("sitegen.search")
    except ImportError:
        return None
    fn = getattr(mod, "build_indexes", None)
    if fn is None:
        return None
    return dict(fn(letters, site, cfg.search_index_dir, titles=_taxonomy_titles(cfg)))


def _update_search(changed: Sequence[Letter], removed: Sequence[str], site: Path, cfg: SiteConfig) -> dict[str, Any] | None:
    mod = importlib.import_module("sitegen.search")
    return dict(mod.update_indexes(changed, removed, site, cfg.search_index_dir, titles=_taxonomy_titles(cfg)))


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


def _search_enabled(search: bool | None) -> bool:
    if search is not None:
        return search
    return os.environ.get(SKIP_SEARCH_ENV, "") in ("", "0")


def build_site(cfg: SiteConfig, *, strict: bool = False, jobs: int | None = None,
               progress: bool = False, letters: Sequence[Letter] | None = None,
               incremental: bool = True, search: bool | None = None,
               session: Session | None = None, changed: Iterable[Path] | None = None) -> BuildReport:
    """Build the site into a temporary folder, then swap it in atomically.

    With ``incremental`` (the default) letters are parsed only when their bytes changed
    (records cached in ``cfg.cache_dir``), and pages whose inputs did not change are
    hard-linked from the previous output instead of rendered.  ``letters`` (for tests and
    tools) skips loading and caching: those records are rendered instead.  ``search``:
    build the search indexes (default: yes, unless SITEGEN_SKIP_SEARCH=1).  ``session``
    keeps the cache in memory between builds of one process (serve); with ``changed`` (the
    paths that changed since its last build) a batch of letter edits takes the edit path of
    :mod:`sitegen.delta`."""
    cpu0 = time.process_time()
    live = None
    if session is not None:
        session.finish()
        live, session.live, session.last_plan = session.live, None, None
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
    # A clean build (incremental=False) still fills the cache; it only ignores what is there.
    cache = BuildCache(cfg.cache_dir, cfg.content_dir, cfg.out_dir) if letters is None else None
    early: EarlyPool | None = None
    early_search: Forked | None = None
    try:
        tmp.mkdir()
        stages = report.stages
        if live is not None and changed is not None and letters is None and incremental and cache is not None:
            from sitegen.delta import delta_build

            if delta_build(cfg, session, live, changed, report, tmp, strict, n, cache, _search_enabled(search), cpu0):
                report.delta = True
                if session is not None and not session.defer:
                    session.finish()
                report.cpu_seconds = time.process_time() - cpu0
                return report
            live = None
        t = time.perf_counter()
        sources = discover(cfg.content_dir)
        pkey = parse_key(cfg.taxonomy_file)
        memory: dict[str, Letter] | None = None
        fingerprint = None
        if letters is None:
            if not incremental:
                index = LetterIndex(pkey)
            elif session is not None and session.index is not None and session.index.key == pkey:
                index = session.index
            else:
                index = cache.load_index(pkey) if cache is not None else LetterIndex(pkey)
            known = {v[4] for v in index.files.values()} if index.token is not None else set()
            wanted = scan_letters(cfg, sources, index)
            if session is not None:
                session.index = index
            fingerprint = input_fingerprint(cfg, sources, pkey, wanted, _search_enabled(search))
            if incremental and cache is not None:
                prior = session.manifest if session is not None and session.manifest is not None \
                    and session.manifest.identity == folder_identity(cfg.out_dir) else cache.load_manifest(cfg.out_dir)
                if prior.fingerprint == fingerprint and prior.summary is not None and \
                        (session is None or live is not None):
                    # Nothing the output depends on changed: the output is already this build's output.
                    if index.dirty and session is None:
                        cache.save_index(index, slims=False)
                    if session is not None:
                        session.manifest, session.live = prior, live
                    return _unchanged(report, prior.summary, strict, stages, t, cpu0)
            stats: dict[str, int] = {}
            if n > 1 and len(wanted) >= PARALLEL_MIN and (
                    not incremental or sum(1 for w in wanted if w[2] not in known) >= PARALLEL_MIN):
                early = EarlyPool(n)  # many letters to parse: a full build ahead
                early.start()
            with _collector_paused():
                slim_list = load_slims(cfg, wanted, cache, index, n, progress, stats, reuse=incremental, early=early)
            report.parsed = stats.get("parsed", 0)
            if cache is not None and index.dirty:
                if session is None:
                    cache.save_index(index)
                else:
                    session.save_index(cache, index)
        else:
            index = None
            memory = {}
            slim_list = []
            for i, l in enumerate(letters):
                dg = f"mem-{i}"
                memory[dg] = l
                slim_list.append(make_slim(dg, l, str(cfg.content_dir / l.source)))
            report.parsed = len(letters)
        stages["parse"] = time.perf_counter() - t
        t = time.perf_counter()
        slims = {s.letter.id: s for s in slim_list}
        if not incremental or cache is None:
            old = Manifest()
        elif session is not None and session.manifest is not None and \
                session.manifest.identity == folder_identity(cfg.out_dir):
            old = session.manifest
        else:
            old = cache.load_manifest(cfg.out_dir)
        if _search_enabled(search) and session is None:  # (serve's threads: no fork beside them)
            # in collect's order (by id): the search indexes build while the archive is collected
            by_id = sorted((s.letter for s in slim_list), key=lambda l: l.id)
            early_search = _start_search(cfg, by_id, slims, memory, cache, old, tmp, pkey)
        tax_titles = _taxonomy_titles(cfg)
        with _collector_paused():
            archive = collect([s.letter for s in slim_list], tax_titles,
                              memo=session.collect_memo if session is not None else None)
        stages["collect"] = time.perf_counter() - t
        report.letters, report.items = len(slim_list), archive.item_count
        report.mapped = sum(1 for letter in archive.letters for item in letter.items if item.procedure)
        report.warnings = {l.source: l.warnings for l in archive.letters if l.warnings}
        if strict:
            report.check_strict()
        writer = SiteWriter(tmp)
        new = Manifest()
        in_place = (session is not None and session.in_place and cache is not None and incremental
                    and old.identity is not None)
        if in_place:
            reuse: Callable[[str, str], bool] = writer.keep
        else:
            reuse = lambda path, origin="": writer.link(cfg.out_dir, path, origin)  # noqa: E731
        report.pages = _render(cfg, archive, sources, slims, memory, pkey, writer, n, progress, stages,
                               cache, old, new, report, index.files if index is not None else None, reuse,
                               session, early)
        if early is not None:
            early.close()
        t = time.perf_counter()
        html_paths = [p for p in writer.written if p.endswith(".html")]
        everything = letters_key((l.id, slims[l.id].digest) for l in archive.letters)
        big = []
        for path in (exports.CASES_JSONL, exports.ITEMS_CSV):
            key = digest(render_code_hash(), path, everything)
            new.pages[path] = key
            if not (old.pages.get(path) == key and reuse(path, path)):
                big.append(path)
        if big:
            write_big_exports(cfg, writer, [slims[l.id] for l in archive.letters], big, cache, memory)
        for item in (exports.sitemap(cfg, [p for p in html_paths if p != urls.NOT_FOUND]),
                     exports.robots(cfg), exports.atom_feed(cfg, archive)):
            writer.write_text(*item)
        for src, path, key in _copy_plan(cfg, sources, archive, index, slims):
            new.pages[path] = key
            if not (old.pages.get(path) == key and reuse(path, str(src))):
                writer.copy_file(src, path)
        stages["exports"] = time.perf_counter() - t
        if cache is not None:
            cache.forget_manifest()  # the output is about to change: no manifest until it is recorded
        if in_place:
            assert session is not None
            session.manifest = None
            commit_in_place(tmp, cfg.out_dir, writer,
                            [p for p in old.pages if p not in new.pages and p not in writer.written])
        t = time.perf_counter()
        if _search_enabled(search):
            report.search = _run_search(cfg, archive.letters, slims, memory, cache, old, new, tmp, pkey, in_place,
                                        early_search)
            early_search = None
        elif in_place and old.search_key is not None:
            shutil.rmtree(cfg.out_dir / "search", ignore_errors=True)  # as a build without search has none
        stages["search"] = time.perf_counter() - t
        report.files = len(writer.written) + int((report.search or {}).get("files", 0) or 0)
        report.bytes = writer.bytes_written
        if not in_place:
            _swap(tmp, cfg.out_dir)
        new.identity = folder_identity(cfg.out_dir)
        new.fingerprint = fingerprint
        new.summary = report.summary_record()
        if cache is not None:
            cache.save_manifest(new)
        if session is not None:
            session.manifest = new
            if session.last_plan is not None and index is not None:
                session.live = _live_state(cfg, sources, archive, tax_titles, slims, index, report, session,
                                           new, _search_enabled(search))
    except BaseException as err:
        if early is not None:
            early.kill()
        if early_search is not None:
            early_search.kill()
        if isinstance(err, OSError):
            raise BuildError(f"{getattr(err, 'filename', None) or cfg.out_dir}: {err.strerror or err}") from None
        raise
    finally:
        if early is not None:
            early.close()
        _STATE.clear()
        shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    report.cpu_seconds = time.process_time() - cpu0
    return report


def _render(cfg: SiteConfig, archive: Archive, sources: Sources, slims: dict[str, Slim],
            memory: dict[str, Letter] | None, pkey: str, writer: SiteWriter, jobs: int, progress: bool,
            stages: dict[str, float], cache: BuildCache | None, old: Manifest, new: Manifest,
            report: BuildReport, index_files: dict[str, Any] | None, reuse: Callable[[str, str], bool],
            session: Session | None = None, early: EarlyPool | None = None) -> int:
    """Plan every page; link the unchanged ones from the previous output, render the rest."""
    t = time.perf_counter()
    env = make_env(cfg)
    pages = [load_page(p) for p in sources.pages]
    r = Renderer(cfg, env, pages)
    titles = {slug: g.title for slug, g in archive.procedures.items()}
    originals: dict[str, str] = {}
    known = index_files or {}
    for letter in archive.letters:
        url = original_url(cfg, sources, known, letter)
        if url is not None:
            originals[letter.id] = url
    notes: dict[tuple[str, str], str] = {}
    for kind, found in (("procedure", sources.procedure_notes), ("guideline", sources.guideline_notes)):
        groups = archive.procedures if kind == "procedure" else archive.guidelines
        for key, path in found.items():
            if key in groups:
                notes[(kind, key)] = load_note(path)
    search_template = "search.html"
    try:
        env.get_template(search_template)
    except Exception:  # noqa: BLE001 - the search page is optional until the search module ships it
        search_template = "search-fallback.html"
    tmpl, user_templates = template_hashes(env, cfg.templates_dir)
    skey = site_key(cfg, pages, pkey)
    ctx = plan_context(cfg, slims, notes, originals, titles, tmpl, skey, search_template, user_templates) \
        if session is not None else None
    with _collector_paused():
        tasks = plan(cfg, archive, slims, pages, notes, originals, titles, tmpl, skey, search_template, user_templates,
                     memo=session.plan_memo if session is not None else None, ctx=ctx)
    if session is not None:
        session.last_plan = (ctx, tasks, r, pages)
    todo: list[Task] = []
    linked = 0
    for task in tasks:
        for path in task.paths:
            new.pages[path] = task.key
        if all(old.pages.get(p) == task.key for p in task.paths):
            done = []
            for p in task.paths:
                if reuse(p, task.origin or p):
                    done.append(p)
                else:
                    break
            if len(done) == len(task.paths):
                linked += 1
                continue
            for p in done:
                writer.release(p)
                (writer.root / p).unlink(missing_ok=True)
        for p in task.paths:
            writer.claim(p, task.origin or p)
        todo.append(task)
    report.rendered = len(todo)
    report.linked = linked
    stages["plan"] = time.perf_counter() - t
    t = time.perf_counter()
    _STATE.update(renderer=r, archive=archive, titles=titles, slims=slims, memory=memory, cfg=cfg,
                  records=cache.records if cache is not None else None,
                  taxonomy=str(cfg.taxonomy_file) if cfg.taxonomy_file else None,
                  notes=notes, pages={p.slug: p for p in pages}, root=writer.root,
                  letters_by_id={l.id: l for l in archive.letters})
    cases = [case_job(x, slims) for x in todo if x.kind == "case"]
    rest = [x for x in todo if x.kind != "case"]
    bar = Progress("pages", len(todo), progress)
    n = jobs if len(cases) + 20 * len(rest) >= PARALLEL_MIN else 1
    case_chunks = [list(c) for c in _chunks(cases, CHUNK)]
    if early is not None and n > 1 and memory is None and case_chunks:
        ctx = (os.urandom(8).hex(), cfg, list(sources.pages), writer.root,
               str(cache.records.root) if cache is not None else None, _STATE["taxonomy"], titles)
        done: Iterator[int] = _render_with_early(early, rest, case_chunks, ctx)
    else:
        # Group pages (the largest tasks) in one worker, case pages in chunks in every worker.
        done = _map_split(_render_chunk, [[x] for x in rest], case_chunks, n)
    for got in done:
        writer.bytes_written += got
        bar.advance(1)
    bar.close()
    stages["render"] = time.perf_counter() - t
    return sum(1 for p in writer.written if p.endswith(".html"))


def _live_state(cfg: SiteConfig, sources: Sources, archive: Archive, tax_titles: dict[str, str],
                slims: dict[str, Slim], index: LetterIndex, report: BuildReport, session: Session, new: Manifest,
                search: bool) -> Any:
    """What the next edit build of this session starts from (sitegen.delta)."""
    from sitegen.delta import Live, task_id

    ctx, tasks, r, pages = session.last_plan
    session.last_plan = None
    try:
        warm_parser(str(cfg.taxonomy_file) if cfg.taxonomy_file else None)
    except Exception:  # noqa: BLE001 - only a warm-up: the edit that parses reports any error
        pass
    copies = {}
    for letter in archive.letters:
        known = index.files.get(letter.source)
        copies[letter.id] = letter_copies(cfg, sources, letter, known[2] if known is not None else None)
    return Live(repr(cfg), new.identity, sources, collected(archive, tax_titles, session.collect_memo), dict(slims),
                ctx, {task_id(t): t for t in tasks}, r, list(pages), dict(report.warnings), report.mapped, search,
                copies, sum(1 for p in new.pages if p.endswith(".html")))


def _stat_list(paths: Iterable[Path | str]) -> list[tuple[str, int, int]]:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        out.append((str(p), st.st_size, st.st_mtime_ns))
    return out


def _files_under(root: Path | None) -> list[str]:
    if root is None or not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found += [os.path.join(folder, f) for f in sorted(files)]
    return found


def input_fingerprint(cfg: SiteConfig, sources: Sources, pkey: str, wanted: Sequence[tuple[str, str, str]],
                      search: bool) -> str:
    """Hash of everything a build reads: the letters' digests, the code, the config, the
    authored pages and notes, the original PDFs, the static files and the templates (by path,
    size and mtime).  Equal to the previous build's: the output is already up to date."""
    from sitegen.render import DEFAULT_TEMPLATES

    others = [*sources.pages, *sources.procedure_notes.values(), *sources.guideline_notes.values(),
              *sources.originals.values(), cfg.taxonomy_file or "", cfg.config_file or ""]
    for root in (cfg.static_dir or cfg.content_dir / "static", DEFAULT_STATIC, cfg.templates_dir, DEFAULT_TEMPLATES):
        others += _files_under(root)
    return digest(FINGERPRINT_VERSION, render_code_hash(), pkey, repr(cfg), search,
                  digest_strings(f"{w[1]}\t{w[2]}" for w in wanted), sorted(sources.originals),
                  sorted(sources.procedure_notes), sorted(sources.guideline_notes), _stat_list(others))


def _unchanged(report: BuildReport, summary: dict[str, Any], strict: bool, stages: dict[str, float],
               t: float, cpu0: float) -> BuildReport:
    report.letters, report.items = summary["letters"], summary["items"]
    report.mapped = summary.get("mapped", 0)
    report.pages, report.files = summary["pages"], summary["files"]
    report.linked = summary.get("tasks", 0)
    report.warnings = dict(summary["warnings"])
    report.unchanged = True
    if strict:
        report.check_strict()
    stages["scan"] = time.perf_counter() - t
    report.cpu_seconds = time.process_time() - cpu0
    return report


def _letter_loader(cfg: SiteConfig, memory: dict[str, Letter] | None,
                   cache: BuildCache | None) -> Callable[[Slim], Letter]:
    """Slim record -> the full letter (with its text): from memory, the cache, or parsed again."""
    def full(slim: Slim) -> Letter:
        if memory is not None:
            return memory[slim.digest]
        got = cache.records.get(slim.digest) if cache is not None else None
        return got if got is not None else parse_letter(slim.path, slim.letter.source,
                                                        str(cfg.taxonomy_file) if cfg.taxonomy_file else None)
    return full


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link (the search writers replace a file, never rewrite it), else copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _search_plan(cfg: SiteConfig, letters: Sequence[Letter], slims: dict[str, Slim], cache: BuildCache | None,
                 old: Manifest, new: Manifest, pkey: str) -> tuple[list[Slim], list[str]] | None:
    """Record the search key and ``letters`` (the archive's, in its order) in ``new``; (changed,
    removed) when the previous indexes can be updated, None when they are to be built from scratch."""
    now = {l.id: slims[l.id].digest for l in letters}
    skey = digest(render_code_hash(), pkey)
    new.search_key = skey
    new.search_letters = now
    if cache is not None and old.search_key == skey and (cfg.out_dir / "search").is_dir() and cfg.search_index_dir.is_dir():
        changed = [slims[i] for i, d in now.items() if old.search_letters.get(i) != d]
        removed = sorted(i for i in old.search_letters if i not in now)
        if len(changed) + len(removed) <= max(50, len(now) // 4):
            return changed, removed
    return None


#: From this many letters a full build's search stage starts in a forked process as soon as the
#: letters are parsed, and runs beside collect, plan and the page rendering (see :func:`_start_search`).
EARLY_SEARCH_MIN = 2000


def _start_search(cfg: SiteConfig, letters: Sequence[Letter], slims: dict[str, Slim], memory: dict[str, Letter] | None,
                  cache: BuildCache | None, old: Manifest, tmp: Path, pkey: str) -> Forked | None:
    """Start building the search indexes from scratch into ``tmp/search`` in a forked child, when
    that is what the search stage would do: the indexes then build while the archive is collected
    and the pages render, and the build's idle moments (collect, plan and exports use one core;
    making the search documents too) are filled.  ``letters``: the slim letters in the archive's
    order (by id), before collect.  The child inherits them; nothing but the stats come back."""
    if len(letters) < EARLY_SEARCH_MIN or not can_fork():
        return None
    if _search_plan(cfg, letters, slims, cache, old, Manifest(), pkey) is not None:
        return None  # an update of the previous indexes: small, done at the end
    ordered = [slims[l.id] for l in letters]
    return Forked(_search, LazyLetters(ordered, _letter_loader(cfg, memory, cache)), tmp, cfg,
                  what="the search index build")


def _run_search(cfg: SiteConfig, letters: Sequence[Letter], slims: dict[str, Slim], memory: dict[str, Letter] | None,
                cache: BuildCache | None, old: Manifest, new: Manifest, tmp: Path, pkey: str,
                in_place: bool, started: Forked | None = None) -> dict[str, Any] | None:
    """Update the search indexes for the letters that changed, or build them from scratch.

    The static index goes to ``tmp/search`` (copied from the previous output first when it is
    updated), or, ``in_place``, is updated inside the output folder.  ``started``: the full
    build :func:`_start_search` began (its result is awaited)."""
    full = _letter_loader(cfg, memory, cache)
    plan = _search_plan(cfg, letters, slims, cache, old, new, pkey)
    if started is not None:
        return started.result()
    old_search = cfg.out_dir / "search"
    if plan is not None:
        changed, removed = plan
        if in_place:
            if not changed and not removed:
                return {"files": 0, "updated": 0}
            try:
                return _update_search([full(s) for s in changed], removed, cfg.out_dir, cfg)
            except SitegenError:
                pass
        else:
            shutil.copytree(old_search, tmp / "search", copy_function=_link_or_copy)
            try:
                return _update_search([full(s) for s in changed], removed, tmp, cfg)
            except SitegenError:
                shutil.rmtree(tmp / "search", ignore_errors=True)
    stats = _search(LazyLetters([slims[l.id] for l in letters], full), tmp, cfg)
    if in_place and (tmp / "search").is_dir():
        if old_search.exists():
            os.replace(old_search, tmp / "search.old")
        os.replace(tmp / "search", old_search)
    return stats


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
                            progress=show, incremental=not getattr(args, "clean", False),
                            search=False if getattr(args, "no_search", False) else None)
    except SitegenError:
        print(f"sitegen: build failed; the previous site in {cfg.out_dir} was left as it was", file=sys.stderr)
        raise
    print(report.summary(), file=sys.stderr)
    return 0
