"""The serve path's edit build: work proportional to the letters that changed.

``sitegen serve`` keeps a :class:`Live` state in its :class:`~sitegen.build.Session` after
every successful build: the discovered sources, the archive with the per-letter group
contributions (:class:`~sitegen.collect.Collected`), the letters' slim records, the page
plan (one :class:`~sitegen.plan.Task` per page or group of pages) and the renderer.  When
the watcher's batch names only letter files (``content/letters/**/*.txt``), :func:`delta_build`

- stats and hashes only those files (no walk, no stat of the others);
- parses the ones whose bytes changed and updates the archive's groups for them
  (:func:`~sitegen.collect.update_archive`);
- re-keys only the pages whose inputs may have changed: the changed letters' case pages
  and their previous/next neighbours, the groups they were or are in (unless nothing a
  listing shows of the letter changed), and the pages that summarise the whole archive;
- renders the pages whose key changed, replaces them in the output folder and deletes
  the pages that are gone.

The large open-data files (``data/cases.jsonl``, ``data/items.csv``), the search indexes,
the input fingerprint and the manifest on disk follow in :meth:`Session.finish
<sitegen.build.Session.finish>`: with ``Session.defer`` (serve), after the reload signal,
before the next build.  Anything else in the batch (a folder, a PDF, a template, the
config, the taxonomy, a note or page) and any failure make the next build a full one.
The result equals a clean build byte for byte (tests/test_incremental.py drives its
random edit sequences through this path).
"""

from __future__ import annotations

import os
import shutil
import time
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from sitegen import exports, urls
from sitegen.cache import BuildCache, LetterIndex, Manifest, Slim, digest, letter_digest, \
    render_code_hash, sha256_file
from sitegen.collect import Collected, _touches, update_archive
from sitegen.config import SiteConfig
from sitegen.discover import LETTER_SUFFIXES, Sources
from sitegen.markdown import Page
from sitegen.plan import (PlanContext, Task, archive_groups, case_task, group_task, letter_copies,
                          original_url, summary_tasks)
from sitegen.render import Renderer
from sitegen.write import SiteWriter, commit_in_place

SUMMARY_KINDS = ("index", "cases", "page", "home", "search", "404")
"""Kinds of the tasks :func:`~sitegen.plan.summary_tasks` makes."""
MAX_SHARE = 50
"""A batch of more than max(50, letters / MAX_SHARE) letters takes the full path."""


def task_id(task: Task) -> tuple[str, Any]:
    return (task.kind, task.arg[0] if task.kind == "case" else task.arg)


@dataclass
class Live:
    """What the last successful build of a session leaves for the next edit build."""

    cfg_repr: str
    identity: tuple[int, int] | None
    sources: Sources
    col: Collected
    slims: dict[str, Slim]
    """Letter id -> slim record."""
    ctx: PlanContext
    tasks: dict[tuple[str, Any], Task]
    renderer: Renderer
    pages: list[Page]
    warnings: dict[str, tuple[str, ...]]
    mapped: int
    search: bool
    copies: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    """Letter id -> (source file, site path, key) of the files copied for it."""
    html_pages: int = 0
    """HTML pages in the manifest (kept up to date by each edit build)."""
    summary_ids: set[tuple[str, Any]] | None = None
    """Ids of the summary tasks in ``tasks`` (None: not collected yet)."""


def letter_batch(cfg: SiteConfig, changed: Iterable[Path], letters: int) -> dict[str, str] | None:
    """source -> absolute path of each changed letter file, or None when the batch holds
    anything else (or too much) and the build must take the full path."""
    root = os.path.abspath(cfg.content_dir / "letters") + os.sep
    out: dict[str, str] = {}
    for p in changed:
        path = os.path.abspath(p)
        if not path.startswith(root) or os.path.isdir(path):
            return None
        name = os.path.basename(path)
        stem, dot, suffix = name.rpartition(".")
        if not dot or not stem or "." + suffix.lower() not in LETTER_SUFFIXES:
            return None
        if name.startswith("."):
            continue  # hidden files are not letters (discover skips them)
        out["letters/" + path[len(root):].replace(os.sep, "/")] = path
    if len(out) > max(50, letters // MAX_SHARE):
        return None
    return out


def _source_key(source: str) -> list[str]:
    return source.split("/")


def delta_build(cfg: SiteConfig, session: Any, live: Live, changed: Iterable[Path], report: Any, tmp: Path,
                strict: bool, jobs: int, cache: BuildCache, search: bool, cpu0: float) -> bool:
    """Build the edit; False (with nothing changed) when the batch needs the full path."""
    from sitegen import build as b

    t = time.perf_counter()
    index: LetterIndex | None = session.index
    old: Manifest | None = session.manifest
    if index is None or old is None or repr(cfg) != live.cfg_repr or live.search != search \
            or b.folder_identity(cfg.out_dir) != live.identity or old.identity != live.identity:
        return False
    batch = letter_batch(cfg, changed, len(live.slims))
    if batch is None:
        return False
    # 1. stat and hash the changed files; parse the new ones (nothing is modified yet)
    now = time.time_ns()
    files: dict[str, tuple[int, int, str, bool, str] | None] = {}
    new_slims: dict[str, Slim | None] = {}
    for source, path in sorted(batch.items()):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            files[source] = None
            new_slims[source] = None
            continue
        sha = sha256_file(Path(path))
        dg = letter_digest(index.key, source, sha)
        files[source] = (st.st_size, st.st_mtime_ns, sha, now - st.st_mtime_ns > b.RACY_NS, dg)
        got = index.slims.get(dg)
        if got is None:
            letter = cache.records.get(dg)
            if letter is None:
                letter = b.parse_letter(path, source, str(cfg.taxonomy_file) if cfg.taxonomy_file else None)
                cache.records.put(dg, letter)
                report.parsed += 1
            got = b.make_slim(dg, letter, path)
        new_slims[source] = got
    old_slims: dict[str, Slim] = {}
    for source in batch:
        known = index.files.get(source)
        if known is not None and known[4] in index.slims:
            old_slims[source] = index.slims[known[4]]
        elif known is not None:
            return False  # the index and the slim records disagree: let the full path sort it out
    removed = [s.letter.id for src, s in old_slims.items()
               if new_slims[src] is None or new_slims[src].digest != s.digest]  # type: ignore[union-attr]
    added = [s for src, s in new_slims.items() if s is not None and
             (src not in old_slims or old_slims[src].digest != s.digest)]
    gone = set(removed)
    taken = {s.letter.id for s in added}
    if len(taken) != len(added) or any(lid in live.slims and lid not in gone for lid in taken):
        return False  # two letters with one id: the full build reports it
    # 2. from here on the session's state changes; a failure leaves session.live unset
    for source, entry in files.items():
        if entry is None:
            index.files.pop(source, None)
        else:
            index.files[source] = entry
    index.dirty = True
    srcs = list(live.sources.letter_sources)
    for source in batch:
        present = files[source] is not None
        i = bisect_left(srcs, _source_key(source), key=_source_key)
        there = i < len(srcs) and srcs[i] == source
        if present and not there:
            srcs.insert(i, source)
        elif there and not present:
            del srcs[i]
    live.sources = replace(live.sources, letter_sources=tuple(srcs))
    if not removed and not added:
        b._unchanged(report, old.summary or {}, strict, report.stages, t, cpu0)
        session.live = live
        return True
    col, ctx, slims = live.col, live.ctx, live.slims
    old_view = {lid: (ctx.dg[lid], ctx.vd[lid]) for lid in removed}
    old_touch = {lid: {k: [r.index for r in refs] for k, refs in _touches(col.cons[lid]).items()} for lid in removed}
    for lid in removed:
        s = slims.pop(lid)
        index.slims.pop(s.digest, None)
        ctx.drop_letter(lid)
        if s.letter.warnings:
            live.warnings.pop(s.letter.source, None)
        live.mapped -= sum(1 for it in s.letter.items if it.procedure)
        session.collect_memo.pop(id(s.letter), None)
    cache.records.drop([s.digest for s in old_slims.values()
                        if s.digest not in {x.digest for x in added}])
    for s in added:
        lid = s.letter.id
        slims[lid] = s
        index.slims[s.digest] = s
        ctx.set_letter(lid, s.digest, s.view or s.digest)
        if s.letter.warnings:
            live.warnings[s.letter.source] = s.letter.warnings
        live.mapped += sum(1 for it in s.letter.items if it.procedure)
    report.stages["parse"] = time.perf_counter() - t
    # 3. collect
    t = time.perf_counter()
    affected = update_archive(col, removed, [s.letter for s in added])
    archive = col.archive
    for s in added:
        session.collect_memo[id(s.letter)] = (s.letter, col.cons[s.letter.id])
    report.letters, report.items, report.mapped = len(slims), archive.item_count, live.mapped
    report.warnings = dict(sorted(live.warnings.items(), key=lambda kv: kv[0]))
    report.stages["collect"] = time.perf_counter() - t
    if strict:
        report.check_strict()
    # 4. plan: re-key what may have changed
    t = time.perf_counter()
    ctx.titles = {slug: g.title for slug, g in archive.procedures.items()}
    for lid in removed:
        ctx.originals.pop(lid, None)
    for s in added:
        url = original_url(cfg, live.sources, index.files, s.letter)
        if url is not None:
            ctx.originals[s.letter.id] = url
    ids = col.ids
    rekey: set[int] = set()
    for lid in taken | gone:
        i = bisect_left(ids, lid)
        rekey.update(range(max(0, i - 1), min(len(ids), i + 2)))
    fresh: list[Task] = [case_task(ctx, archive.letters, i) for i in sorted(rekey)]
    drop: list[tuple[str, Any]] = [("case", lid) for lid in gone - taken]
    new_touch = {lid: {k: [r.index for r in refs] for k, refs in _touches(col.cons[lid]).items()}
                 for lid in gone & taken}
    all_touch = {lid: new_touch.get(lid) or {k: [] for k in _touches(col.cons[lid])} for lid in taken}
    for kind, key in sorted(affected):
        group = archive_groups(archive, kind).get(key)
        if group is None:
            drop.append((kind, key))
            continue
        keys = ctx.keys(f"{kind}.html")
        touching = [lid for lid in gone | taken if (kind, key) in old_touch.get(lid, {})
                    or (kind, key) in all_touch.get(lid, {})]
        quiet = (kind, key) in live.tasks and all(
            lid in new_touch and old_view[lid][0 if keys is ctx.dg else 1] == keys[lid]
            and old_touch[lid].get((kind, key)) == new_touch[lid].get((kind, key)) for lid in touching)
        if not quiet:
            fresh.append(group_task(ctx, kind, key, group))
    summary = summary_tasks(ctx, archive, live.pages)
    summary_ids = {task_id(x) for x in summary}
    if live.summary_ids is None:
        live.summary_ids = {k for k in live.tasks if k[0] in SUMMARY_KINDS}
    drop += [k for k in live.summary_ids if k not in summary_ids]
    live.summary_ids = summary_ids
    fresh += summary
    # the manifest: the old one with the changed tasks' paths
    new = Manifest(identity=old.identity, pages=dict(old.pages), search_key=old.search_key,
                   search_letters=dict(old.search_letters))
    stale: set[str] = set()
    for k in drop:
        task = live.tasks.pop(k, None)
        if task is not None:
            stale.update(task.paths)
    writer = SiteWriter(tmp)
    todo: list[Task] = []
    appeared: set[str] = set()
    """Paths that were not in the old manifest."""
    for task in fresh:
        prior = live.tasks.get(task_id(task))
        if prior is not None:
            stale.update(prior.paths)
        live.tasks[task_id(task)] = task
        stale.difference_update(task.paths)
        for p in task.paths:
            new.pages[p] = task.key
            if p not in old.pages:
                appeared.add(p)
        if not all(old.pages.get(p) == task.key for p in task.paths):
            for p in task.paths:
                writer.claim(p, task.origin or p)
            todo.append(task)
    for lid in gone:
        for _, path, _ in live.copies.pop(lid, ()):
            stale.add(path)
    copies = []
    for s in added:
        entry = index.files.get(s.letter.source)
        got = letter_copies(cfg, live.sources, s.letter, entry[2] if entry else None)
        live.copies[s.letter.id] = got
        for src, path, key in got:
            stale.discard(path)
            new.pages[path] = key
            if old.pages.get(path) != key:
                copies.append((src, path))
    for p in stale:
        if new.pages.pop(p, None) is not None and p.endswith(".html") and p not in appeared:
            live.html_pages -= 1
    live.html_pages += sum(1 for p in appeared if p.endswith(".html") and p in new.pages)
    report.rendered = len(todo)
    report.linked = len(live.tasks) - len(todo)
    report.stages["plan"] = time.perf_counter() - t
    # 5. render
    t = time.perf_counter()
    b._STATE.update(renderer=live.renderer, archive=archive, titles=ctx.titles, slims=slims, memory=None, cfg=cfg,
                    records=cache.records, taxonomy=str(cfg.taxonomy_file) if cfg.taxonomy_file else None,
                    notes=ctx.notes, pages={p.slug: p for p in live.pages}, root=writer.root)
    if any(x.kind == "specialty" for x in todo):
        b._STATE["letters_by_id"] = {l.id: l for l in archive.letters}
    cases = [x for x in todo if x.kind == "case"]
    rest = [x for x in todo if x.kind != "case"]
    chunks = [[x] for x in rest] + [list(c) for c in b._chunks(cases, b.CHUNK)]
    n = jobs if len(cases) + 20 * len(rest) >= b.PARALLEL_MIN else 1
    for got in b._map(b._render_chunk, chunks, n):
        writer.bytes_written += got
    for src, path in copies:
        writer.copy_file(src, path)
    html_changed = any(p.endswith(".html") for p in stale) or any(p.endswith(".html") for p in appeared)
    if html_changed:
        writer.write_text(*exports.sitemap(cfg, [p for p in new.pages if p.endswith(".html") and p != urls.NOT_FOUND]))
    writer.write_text(*exports.atom_feed(cfg, archive))
    report.stages["render"] = time.perf_counter() - t
    # 6. into the output folder: replace the changed files, delete the gone ones
    t = time.perf_counter()
    cache.forget_manifest()
    session.manifest = None
    commit_in_place(tmp, cfg.out_dir, writer, sorted(stale - writer.written.keys()))
    report.pages = live.html_pages
    report.files = len(new.pages) + 3
    report.bytes = writer.bytes_written
    report.stages["commit"] = time.perf_counter() - t
    session.manifest = new
    session.pending = lambda: _finish(cfg, session, live, new, cache, search, report)
    return True


def _finish(cfg: SiteConfig, session: Any, live: Live, new: Manifest, cache: BuildCache, search: bool,
            report: Any) -> None:
    """The rest of an edit build: the large exports, the search indexes, the fingerprint and
    the manifest on disk.  The session's live state is restored only when this succeeds."""
    from sitegen import build as b

    t = time.perf_counter()
    archive = live.col.archive
    slims = live.slims
    tmp = cfg.out_dir.parent / f".{cfg.out_dir.name}.build-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        everything = live.ctx.all_key(True)
        writer = SiteWriter(tmp)
        done = []
        for path in (exports.CASES_JSONL, exports.ITEMS_CSV):
            key = digest(render_code_hash(), path, everything)
            if new.pages.get(path) != key:
                done.append((path, key))
        if done:
            b.write_big_exports(cfg, writer, [slims[l.id] for l in archive.letters], [p for p, _ in done], cache)
        for path, key in done:
            os.replace(tmp / path, cfg.out_dir / path)
            new.pages[path] = key
        report.stages["exports"] = time.perf_counter() - t
        t = time.perf_counter()
        if search:
            old = Manifest(search_key=new.search_key, search_letters=new.search_letters)
            report.search = b._run_search(cfg, archive.letters, slims, None, cache, old, new, tmp, session.index.key, True)
        report.stages["search"] = time.perf_counter() - t
        index = session.index
        wanted = [(str(cfg.content_dir) + "/" + s, s, index.files[s][4]) for s in live.sources.letter_sources]
        new.fingerprint = b.input_fingerprint(cfg, live.sources, index.key, wanted, search)
        new.summary = report.summary_record()
        cache.save_manifest(new)
        if index.dirty:
            session.save_index(cache, index)
        session.live = live
    except BaseException:
        new.search_key, new.fingerprint = None, None  # the next build rebuilds the search indexes
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
