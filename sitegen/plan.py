"""The page plan: every output page as a :class:`Task` with its paths and render key.

A task's key hashes everything its pages are rendered from: the letter digests of the
records it shows (a digest already covers the letter's bytes, its path, the parser and
the taxonomy), the hash of its template and of every template that one extends or
includes, the site-wide key (sitegen code, config, navigation) and any note.  Equal key,
equal bytes: an incremental build links the previous file instead of rendering it.
"""

from __future__ import annotations

import hashlib
import math
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from sitegen import urls
from sitegen.cache import Slim, digest, digest_strings, render_code_hash
from sitegen.collect import Archive, Group
from sitegen.config import SiteConfig
from sitegen.discover import Sources
from sitegen.markdown import Page
from sitegen.model import Letter

CASES_PER_INDEX = 500
"""Letters per page of the letters list (no page over 1 MB)."""


@dataclass(frozen=True)
class Task:
    kind: str
    """case | procedure | guideline | specialty | region | decision | index | cases | page | home | search | 404"""
    arg: Any
    paths: tuple[str, ...]
    key: str
    origin: str = ""


def site_key(cfg: SiteConfig, pages: Sequence[Page], parse_key: str) -> str:
    """Everything every page depends on: code, config, navigation, taxonomy."""
    nav = [(p.slug, p.title, p.nav_order) for p in pages]
    return digest(render_code_hash(), parse_key, cfg.title, cfg.base_url, cfg.description, cfg.build_date,
                  cfg.latest_count, cfg.page_size, nav)


def _refs_key(group: Group, digests: dict[str, str]) -> str:
    return digest_strings(f"{r.letter_id}\t{digests[r.letter_id]}\t{r.index}" for r in group.refs)


def group_pages(key: str, refs: int, size: int, kind: str) -> tuple[str, ...]:
    url_for = urls.procedure_url if kind == "procedure" else urls.guideline_url
    return tuple(url_for(key, n) for n in range(1, max(1, math.ceil(refs / size)) + 1))


def case_index_paths(letters: int) -> list[str]:
    n = max(1, math.ceil(letters / CASES_PER_INDEX))
    return [urls.CASES_INDEX if i == 1 else f"cases/index-{i}.html" for i in range(1, n + 1)]


@dataclass
class PlanContext:
    """What page keys depend on besides the archive and the letters' digests."""

    skey: str
    tmpl: dict[str, str]
    user_templates: set[str] | frozenset[str]
    search_template: str
    notes: dict[tuple[str, str], str]
    originals: dict[str, str]
    titles: dict[str, str]
    size: int
    dg: dict[str, str]
    """Letter id -> digest of the whole record."""
    vd: dict[str, str]
    """Letter id -> view digest (what the built-in listings show)."""
    sums: list[int] = field(default_factory=lambda: [0, 0])
    """Sums of :func:`letter_hash` over (id, dg) and over (id, vd) of every letter: the
    archive-wide keys, updated per letter by an edit build instead of re-hashed."""
    chunk_memo: dict[tuple[int, bool], tuple[tuple[int, ...], tuple[Any, ...], str]] = field(default_factory=dict)
    """(letters list page, full digests?) -> (ids of its letter objects, the objects, digest)."""

    def __post_init__(self) -> None:
        if self.sums == [0, 0]:
            self.sums = [sum(letter_hash(i, d) for i, d in self.dg.items()),
                         sum(letter_hash(i, d) for i, d in self.vd.items())]

    def keys(self, template: str) -> dict[str, str]:
        return self.dg if template in self.user_templates else self.vd

    def set_letter(self, lid: str, dg: str, vd: str) -> None:
        if lid in self.dg:
            self.drop_letter(lid)
        self.dg[lid], self.vd[lid] = dg, vd
        self.sums[0] += letter_hash(lid, dg)
        self.sums[1] += letter_hash(lid, vd)

    def drop_letter(self, lid: str) -> None:
        self.sums[0] -= letter_hash(lid, self.dg.pop(lid))
        self.sums[1] -= letter_hash(lid, self.vd.pop(lid))

    def all_key(self, full: bool) -> str:
        """Key of every letter's (id, digest) (``full``) or (id, view digest)."""
        return sum_key(len(self.dg), self.sums[0 if full else 1])


def letter_hash(lid: str, dg: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{lid}\t{dg}".encode("utf-8", "surrogatepass")).digest()[:16], "big")


def sum_key(count: int, total: int) -> str:
    """A set of (id, digest) pairs as a key: their count and the sum of their hashes (mod 2**128)."""
    return f"{count}:{total % (1 << 128):032x}"


def letters_key(pairs: Iterable[tuple[str, str]]) -> str:
    """:func:`sum_key` of (letter id, digest) pairs (equal to :meth:`PlanContext.all_key`)."""
    n = total = 0
    for lid, dg in pairs:
        n += 1
        total += letter_hash(lid, dg)
    return sum_key(n, total)


def plan_context(cfg: SiteConfig, slims: dict[str, Slim], notes: dict[tuple[str, str], str],
                 originals: dict[str, str], titles: dict[str, str], tmpl: dict[str, str], skey: str,
                 search_template: str, user_templates: set[str] | frozenset[str] = frozenset()) -> PlanContext:
    return PlanContext(skey, tmpl, user_templates, search_template, notes, originals, titles, cfg.page_size,
                       {lid: s.digest for lid, s in slims.items()},
                       {lid: s.view or s.digest for lid, s in slims.items()})


def _label(letter: Any) -> tuple[str, str]:
    return (letter.id, letter.case_number or letter.id)


def case_task(ctx: PlanContext, letters: Sequence[Any], i: int, memo: dict[Any, Any] | None = None,
              fresh: dict[Any, Any] | None = None) -> Task:
    """The case page of ``letters[i]`` (its key covers the previous and next letter)."""
    letter = letters[i]
    prev = _label(letters[i - 1]) if i else None
    nxt = _label(letters[i + 1]) if i + 1 < len(letters) else None
    procs = tuple(ctx.titles.get(it.procedure or "unmapped") for it in letter.items)
    orig = ctx.originals.get(letter.id)
    parts = (ctx.skey, ctx.tmpl.get("case.html", ""), ctx.dg[letter.id], prev, nxt, orig, procs)
    key = memo.get(parts) if memo is not None else None
    if key is None:
        key = digest(*parts)
    if fresh is not None:
        fresh[parts] = key
    return Task("case", (letter.id, prev, nxt, orig), (urls.case_url(letter.id),), key, letter.source)


def group_info(ctx: PlanContext, group: Group, full: bool, memo: dict[Any, Any] | None = None,
               fresh: dict[Any, Any] | None = None) -> tuple[str, tuple[str, ...]]:
    """(refs key, titles of the procedures cited) of a group, memoised on the identity of
    its ItemRef objects: a long-running process reuses them for unchanged letters, and an
    ItemRef belongs to exactly one Letter object, hence to one digest."""
    ident = ("group", full, tuple(map(id, group.refs)))
    got = memo.get(ident) if memo is not None else None
    if got is None:  # (a hit means the very same objects: the memo keeps the old ones alive)
        procs = tuple(sorted({ctx.titles.get(r.item.procedure or "unmapped", "") for r in group.refs}))
        got = (_refs_key(group, ctx.dg if full else ctx.vd), procs, group.refs)
    if fresh is not None:
        fresh[ident] = got
    return got[0], got[1]


GROUP_KINDS = ("procedure", "guideline", "specialty", "region", "decision")
_GROUP_URLS = {"specialty": urls.specialty_url, "region": urls.region_url, "decision": urls.decision_url}


def group_task(ctx: PlanContext, kind: str, gkey: str, group: Group, memo: dict[Any, Any] | None = None,
               fresh: dict[Any, Any] | None = None) -> Task:
    """The page(s) of one group (procedure and guideline pages are paginated)."""
    t = ctx.tmpl.get(f"{kind}.html", "")
    refs_key, procs = group_info(ctx, group, f"{kind}.html" in ctx.user_templates, memo, fresh)
    if kind in ("procedure", "guideline"):
        note = ctx.notes.get((kind, gkey))
        paths = group_pages(gkey, len(group.refs), ctx.size, kind)
        if kind != "guideline":
            procs = ()
        key = digest(ctx.skey, t, kind, gkey, group.title, group.category, group.source, group.document,
                     sorted(group.topics.items()), refs_key, note, ctx.size, procs)
        return Task(kind, gkey, paths, key)
    key = digest(ctx.skey, t, kind, gkey, group.title, refs_key, procs)
    return Task(kind, gkey, (_GROUP_URLS[kind](gkey),), key)


def archive_groups(archive: Archive, kind: str) -> dict[str, Group]:
    return {"procedure": archive.procedures, "guideline": archive.guidelines, "specialty": archive.specialties,
            "region": archive.regions, "decision": archive.decisions}[kind]


def summary_tasks(ctx: PlanContext, archive: Archive, pages: Sequence[Page]) -> list[Task]:
    """Pages that show the whole archive: indexes, the letters list, home, search, 404; and
    the authored pages."""
    skey, tmpl, user_templates = ctx.skey, ctx.tmpl, ctx.user_templates
    letters = archive.letters
    tasks: list[Task] = []
    everything = ctx.all_key(True)
    views = ctx.all_key(False)

    def all_of(template: str) -> str:
        return everything if template in user_templates else views

    for name, path in (("procedures_index.html", urls.PROCEDURES_INDEX), ("guidelines_index.html", urls.GUIDELINES_INDEX),
                       ("specialties_index.html", urls.SPECIALTIES_INDEX), ("regions_index.html", urls.REGIONS_INDEX),
                       ("decisions_index.html", urls.DECISIONS_INDEX)):
        tasks.append(Task("index", name, (path,), digest(skey, tmpl.get(name, ""), all_of(name))))
    case_paths = case_index_paths(len(letters))
    t = tmpl.get("cases_index.html", "")
    d = ctx.keys("cases_index.html")
    full = d is ctx.dg
    for n, path in enumerate(case_paths, 1):
        chunk = letters[(n - 1) * CASES_PER_INDEX:n * CASES_PER_INDEX]
        # A letter object is replaced whenever its digests change: the same objects, the same digest.
        ident = tuple(map(id, chunk))
        got = ctx.chunk_memo.get((n, full))
        if got is None or got[0] != ident:
            got = (ident, tuple(chunk), digest_strings(f"{l.id}\t{d[l.id]}" for l in chunk))
            ctx.chunk_memo[(n, full)] = got
        key = digest(skey, t, n, case_paths, len(letters), got[2])
        tasks.append(Task("cases", n, (path,), key))
    t = tmpl.get("page.html", "")
    for page in pages:
        key = digest(skey, t, page.slug, page.title, page.nav_order, page.html)
        tasks.append(Task("page", page.slug, (urls.page_url(page.slug),), key, page.source))
    tasks.append(Task("home", None, (urls.INDEX,), digest(skey, tmpl.get("index.html", ""), all_of("index.html"))))
    tasks.append(Task("search", ctx.search_template, (urls.SEARCH,),
                      digest(skey, tmpl.get(ctx.search_template, ""), ctx.search_template, everything)))
    tasks.append(Task("404", None, (urls.NOT_FOUND,), digest(skey, tmpl.get("404.html", ""), all_of("404.html"))))
    return tasks


def plan(cfg: SiteConfig, archive: Archive, slims: dict[str, Slim], pages: Sequence[Page],
         notes: dict[tuple[str, str], str], originals: dict[str, str], titles: dict[str, str],
         tmpl: dict[str, str], skey: str, search_template: str, user_templates: set[str] = frozenset(),
         memo: dict[Any, Any] | None = None, ctx: PlanContext | None = None) -> list[Task]:
    """Every page of the site, cases first.  ``slims``: letter id -> Slim.

    ``memo`` (kept by a long-running process) maps a case page's key inputs to its key.
    Listing pages are keyed by the letters' view digests (what the built-in listing
    templates show); a page whose template the site overrides is keyed by the full digests."""
    if ctx is None:  # (a caller that keeps the context for edit builds passes it, memos filled)
        ctx = plan_context(cfg, slims, notes, originals, titles, tmpl, skey, search_template, user_templates)
    fresh: dict[Any, Any] = {"site key": skey}
    old_memo = memo if memo is not None and memo.get("site key") == skey else {}
    letters = archive.letters
    tasks = [case_task(ctx, letters, i, old_memo, fresh) for i in range(len(letters))]
    for kind in GROUP_KINDS:
        for gkey, group in archive_groups(archive, kind).items():
            tasks.append(group_task(ctx, kind, gkey, group, old_memo, fresh))
    tasks += summary_tasks(ctx, archive, pages)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return tasks


def letter_copies(cfg: SiteConfig, sources: Sources, letter: Letter, sha: str | None) -> tuple[tuple[str, str, str], ...]:
    """The files a build copies for one letter: its text (``sha``: its sha256 when known) and its original PDF."""
    src = str(cfg.content_dir) + "/" + letter.source
    stem, suffix = posixpath.splitext(posixpath.basename(letter.source))
    out = []
    if sha is not None:
        out.append((src, urls.letter_file_url(letter.id, suffix or ".txt"), "letter:" + sha))
    elif os.path.isfile(src):
        out.append((src, urls.letter_file_url(letter.id, suffix or ".txt"), file_key(Path(src))))
    pdf = sources.originals.get(stem)
    if pdf is not None:
        out.append((str(pdf), urls.letter_file_url(letter.id, ".pdf"), file_key(pdf)))
    return tuple(out)


def original_url(cfg: SiteConfig, sources: Sources, known: Mapping[str, Any], letter: Letter) -> str | None:
    """The site URL of the letter's original file (its PDF when there is one, else its text),
    or None when there is neither.  ``known``: the letter index's files (source -> entry)."""
    stem, suffix = os.path.splitext(posixpath.basename(letter.source))
    if stem in sources.originals:
        return urls.letter_file_url(letter.id, ".pdf")
    if letter.source in known or os.path.isfile(os.path.join(str(cfg.content_dir), letter.source)):
        return urls.letter_file_url(letter.id, suffix or ".txt")
    return None


def file_key(path: Path) -> str:
    """Key of a copied file: its path, size and modification time."""
    st = path.stat()
    return digest("file", str(path), st.st_size, st.st_mtime_ns)
