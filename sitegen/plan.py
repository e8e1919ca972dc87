"""The page plan: every output page as a :class:`Task` with its paths and render key.

A task's key hashes everything its pages are rendered from: the letter digests of the
records it shows (a digest already covers the letter's bytes, its path, the parser and
the taxonomy), the hash of its template and of every template that one extends or
includes, the site-wide key (sitegen code, config, navigation) and any note.  Equal key,
equal bytes: an incremental build links the previous file instead of rendering it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from sitegen import urls
from sitegen.cache import Slim, digest, digest_strings, render_code_hash
from sitegen.collect import Archive, Group
from sitegen.config import SiteConfig
from sitegen.markdown import Page

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


def plan(cfg: SiteConfig, archive: Archive, slims: dict[str, Slim], pages: Sequence[Page],
         notes: dict[tuple[str, str], str], originals: dict[str, str], titles: dict[str, str],
         tmpl: dict[str, str], skey: str, search_template: str, user_templates: set[str] = frozenset(),
         memo: dict[Any, Any] | None = None) -> list[Task]:
    """Every page of the site, cases first.  ``slims``: letter id -> Slim.

    ``memo`` (kept by a long-running process) maps a case page's key inputs to its key.
    Listing pages are keyed by the letters' view digests (what the built-in listing
    templates show); a page whose template the site overrides is keyed by the full digests."""
    dg = {lid: s.digest for lid, s in slims.items()}
    vd = {lid: s.view or s.digest for lid, s in slims.items()}

    def keys(template: str) -> dict[str, str]:
        return dg if template in user_templates else vd

    tasks: list[Task] = []
    letters = archive.letters
    t_case = tmpl.get("case.html", "")
    label = lambda l: (l.id, l.case_number or l.id)  # noqa: E731
    fresh: dict[Any, Any] = {}
    old_memo = memo if memo is not None and memo.get("site key") == skey else {}
    fresh["site key"] = skey

    def group_info(group: Group, full: bool) -> tuple[str, tuple[str, ...]]:
        """(refs key, titles of the procedures cited) of a group, memoised on the identity of
        its ItemRef objects: a long-running process reuses them for unchanged letters, and an
        ItemRef belongs to exactly one Letter object, hence to one digest."""
        ident = ("group", full, tuple(map(id, group.refs)))
        got = old_memo.get(ident)
        if got is None:  # (a hit means the very same objects: the memo keeps the old ones alive)
            procs = tuple(sorted({titles.get(r.item.procedure or "unmapped", "") for r in group.refs}))
            got = (_refs_key(group, dg if full else vd), procs, group.refs)
        fresh[ident] = got
        return got[0], got[1]

    for i, letter in enumerate(letters):
        prev = label(letters[i - 1]) if i else None
        nxt = label(letters[i + 1]) if i + 1 < len(letters) else None
        procs = tuple(titles.get(it.procedure or "unmapped") for it in letter.items)
        orig = originals.get(letter.id)
        parts = (skey, t_case, dg[letter.id], prev, nxt, orig, procs)
        key = old_memo.get(parts)
        if key is None:
            key = digest(*parts)
        fresh[parts] = key
        tasks.append(Task("case", (letter.id, prev, nxt, orig), (urls.case_url(letter.id),), key, letter.source))
    size = cfg.page_size
    for kind, groups in (("procedure", archive.procedures), ("guideline", archive.guidelines)):
        t = tmpl.get(f"{kind}.html", "")
        for gkey, group in groups.items():
            note = notes.get((kind, gkey))
            paths = group_pages(gkey, len(group.refs), size, kind)
            refs_key, procs = group_info(group, f"{kind}.html" in user_templates)
            if kind != "guideline":
                procs = ()
            key = digest(skey, t, kind, gkey, group.title, group.category, group.source, group.document,
                         sorted(group.topics.items()), refs_key, note, size, procs)
            tasks.append(Task(kind, gkey, paths, key))
    for kind, groups, url_for in (("specialty", archive.specialties, urls.specialty_url),
                                  ("region", archive.regions, urls.region_url),
                                  ("decision", archive.decisions, urls.decision_url)):
        t = tmpl.get(f"{kind}.html", "")
        for gkey, group in groups.items():
            refs_key, procs = group_info(group, f"{kind}.html" in user_templates)
            key = digest(skey, t, kind, gkey, group.title, refs_key, procs)
            tasks.append(Task(kind, gkey, (url_for(gkey),), key))
    everything = digest_strings(f"{l.id}\t{dg[l.id]}" for l in letters)
    views = digest_strings(f"{l.id}\t{vd[l.id]}" for l in letters)

    def all_of(template: str) -> str:
        return everything if template in user_templates else views

    for name, path in (("procedures_index.html", urls.PROCEDURES_INDEX), ("guidelines_index.html", urls.GUIDELINES_INDEX),
                       ("specialties_index.html", urls.SPECIALTIES_INDEX), ("regions_index.html", urls.REGIONS_INDEX),
                       ("decisions_index.html", urls.DECISIONS_INDEX)):
        tasks.append(Task("index", name, (path,), digest(skey, tmpl.get(name, ""), all_of(name))))
    case_paths = case_index_paths(len(letters))
    t = tmpl.get("cases_index.html", "")
    for n, path in enumerate(case_paths, 1):
        chunk = letters[(n - 1) * CASES_PER_INDEX:n * CASES_PER_INDEX]
        d = keys("cases_index.html")
        key = digest(skey, t, n, case_paths, len(letters), digest_strings(f"{l.id}\t{d[l.id]}" for l in chunk))
        tasks.append(Task("cases", n, (path,), key))
    t = tmpl.get("page.html", "")
    for page in pages:
        key = digest(skey, t, page.slug, page.title, page.nav_order, page.html)
        tasks.append(Task("page", page.slug, (urls.page_url(page.slug),), key, page.source))
    tasks.append(Task("home", None, (urls.INDEX,), digest(skey, tmpl.get("index.html", ""), all_of("index.html"))))
    tasks.append(Task("search", search_template, (urls.SEARCH,),
                      digest(skey, tmpl.get(search_template, ""), search_template, everything)))
    tasks.append(Task("404", None, (urls.NOT_FOUND,), digest(skey, tmpl.get("404.html", ""), all_of("404.html"))))
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return tasks


def file_key(path: Path) -> str:
    """Key of a copied file: its path, size and modification time."""
    st = path.stat()
    return digest("file", str(path), st.st_size, st.st_mtime_ns)
