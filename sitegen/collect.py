"""list[Letter] -> Archive: group items by procedure, guideline, specialty, region and
decision, sort everything, count.  Pure: no file access, deterministic order."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

from sitegen.model import Citation, Item, Letter
from sitegen.urls import slugify

UNMAPPED = "unmapped"
UNDECIDED = "undecided"
DECISION_KEYS = ("overturned", "upheld", UNDECIDED)
DECISION_TITLES = {"overturned": "Overturned", "upheld": "Upheld", UNDECIDED: "Decision not stated"}
CATEGORY_TITLES = {
    "imaging": "Imaging",
    "surgery": "Surgery",
    "medication": "Medications",
    "injection": "Injections",
    "therapy": "Therapy",
    "dme": "Durable medical equipment",
    "diagnostic-test": "Diagnostic tests",
    "evaluation": "Evaluations",
    "program": "Programs",
    "lab": "Laboratory",
    "other": "Other",
    None: "Not yet classified",
}

_SENTENCE = re.compile(r"(.+?[.!?])(?:\s+(?=[A-Z(\"'])|\s*$)", re.S)


def first_sentence(text: str, limit: int = 240) -> str:
    """First sentence of ``text`` (whitespace collapsed, cut at ``limit`` chars)."""
    text = " ".join(text.split())
    m = _SENTENCE.match(text)
    s = m.group(1) if m else text
    if len(s) > limit:
        s = s[: limit - 1].rsplit(" ", 1)[0] + "…"
    return s


def guideline_key(c: Citation) -> str | None:
    """Canonical key of a citation: normalisation's key, else one derived from its parts."""
    if c.key:
        return c.key
    if c.source == "none":
        return None
    parts = [c.source, c.document if c.document and c.document != c.source else ""]
    if c.chapter:
        parts.append(("ch " + c.chapter) if c.chapter.isdigit() else c.chapter)
    if c.source == "other" and not c.document:
        parts.append(c.raw[:60])
    return slugify(" ".join(p for p in parts if p))


def guideline_title(c: Citation) -> str:
    if c.title:
        return c.title
    if c.source == "other" and not c.document:
        return c.raw[:80] or "Other guideline"
    bits = [c.source] if c.source not in ("other",) else []
    if c.document and c.document != c.source:
        bits.append(c.document)
    if c.chapter:
        bits.append(f"Ch. {c.chapter}" if c.chapter.isdigit() else c.chapter)
    return " ".join(bits) or "Guideline"


def procedure_title(slug: str | None, requests: Counter[str] | None = None) -> str:
    if slug is None or slug == UNMAPPED:
        return "Unmapped requests"
    return slug.replace("-", " ").capitalize()


@dataclass(frozen=True)
class ItemRef:
    """One item of one letter, with what the listings need."""

    letter_id: str
    case_number: str | None
    index: int
    item: Item
    date_of_injury: str | None
    year: int | None
    specialty: str | None
    guideline_keys: tuple[str, ...]
    guideline_titles: tuple[str, ...]

    @property
    def decision_key(self) -> str:
        return self.item.decision or UNDECIDED

    @property
    def anchor(self) -> str:
        return f"item-{self.index + 1}"

    @property
    def summary(self) -> str:
        return first_sentence(self.item.rationale)


@dataclass
class Group:
    """A set of item references (procedure, guideline, specialty, region, decision)."""

    key: str
    title: str
    refs: list[ItemRef] = field(default_factory=list)
    category: str | None = None
    source: str | None = None
    document: str | None = None
    topics: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)

    # Computed once, after collect has filled ``refs`` (every page of a paginated group shows
    # them: recomputing per page made large groups quadratic).
    @cached_property
    def counts(self) -> dict[str, int]:
        c = Counter(r.decision_key for r in self.refs)
        return {k: c.get(k, 0) for k in DECISION_KEYS}

    @cached_property
    def overturn_rate(self) -> float | None:
        c = self.counts
        decided = c["overturned"] + c["upheld"]
        return c["overturned"] / decided if decided else None

    @cached_property
    def letter_count(self) -> int:
        return len({r.letter_id for r in self.refs})

    def counter(self, attr: str) -> list[tuple[str, int]]:
        """(value, count) pairs for an ItemRef attribute, most common first."""
        c: Counter[str] = Counter()
        for r in self.refs:
            v = getattr(r, attr)
            if isinstance(v, tuple):
                c.update(v or ("none cited",))
            else:
                c[v or "not stated"] += 1
        return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class Archive:
    letters: list[Letter]
    """Sorted by id: the previous/next order of case pages."""
    latest: list[Letter]
    procedures: dict[str, Group]
    guidelines: dict[str, Group]
    specialties: dict[str, Group]
    regions: dict[str, Group]
    decisions: dict[str, Group]
    item_count: int
    years: tuple[int, int] | None

    @property
    def overturn_rate(self) -> float | None:
        over = len(self.decisions.get("overturned", Group("", "")).refs)
        up = len(self.decisions.get("upheld", Group("", "")).refs)
        return over / (over + up) if over + up else None

    def categories(self) -> list[tuple[str, list[Group]]]:
        """Procedures grouped by category (category order of model.CATEGORIES), A-Z inside."""
        by: dict[str | None, list[Group]] = {}
        for g in self.procedures.values():
            by.setdefault(g.category, []).append(g)
        order = list(CATEGORY_TITLES)
        out = []
        for cat in sorted(by, key=lambda c: order.index(c) if c in order else len(order)):
            out.append((CATEGORY_TITLES.get(cat, str(cat).title()), sorted(by[cat], key=lambda g: g.title.lower())))
        return out

    def guideline_tree(self) -> list[tuple[str, list[tuple[str, list[Group]]]]]:
        """source -> document -> guidelines (A-Z)."""
        tree: dict[str, dict[str, list[Group]]] = {}
        for g in self.guidelines.values():
            tree.setdefault(g.source or "other", {}).setdefault(g.document or "Other", []).append(g)
        order = ["MTUS", "ODG", "other"]
        return [
            (src, [(doc, sorted(gs, key=lambda g: _natural(g.title))) for doc, gs in sorted(docs.items())])
            for src, docs in sorted(tree.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)
        ]


def _natural(s: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def _sort_key(letter: Letter) -> tuple[int, str, str]:
    return (letter.year or 0, letter.case_number or "", letter.id)


@dataclass(frozen=True)
class Contribution:
    """What one letter adds to the archive's groups; a pure function of the letter, so a
    long-running process can keep it between builds (``collect(..., memo=)``)."""

    refs: tuple[ItemRef, ...]
    cites: tuple[tuple[tuple[str, Citation, str], ...], ...]
    """Per item: (guideline key, citation, guideline title) of every keyed reviewer citation."""
    regions: tuple[tuple[str, str] | None, ...]
    """Per item: (region slug, title) or None."""
    specialties: tuple[tuple[str, str, tuple[ItemRef, ...]], ...]
    """(slug, name, refs) per distinct reviewer specialty."""


def contribution(letter: Letter) -> Contribution:
    specialty = letter.reviewer.specialties[0] if letter.reviewer.specialties else None
    lid, case, doi, year = letter.id, letter.case_number, letter.date_of_injury, letter.year
    refs, cites_all, regions = [], [], []
    for i, item in enumerate(letter.items):
        cites = tuple((k, c, guideline_title(c)) for c in item.guidelines.reviewer if (k := guideline_key(c)))
        keys = tuple(dict.fromkeys(k for k, _, _ in cites))
        gtitles = tuple(dict.fromkeys(t for _, _, t in cites))
        refs.append(ItemRef(lid, case, i, item, doi, year, specialty, keys, gtitles))  # type: ignore[arg-type]
        cites_all.append(cites)
        regions.append((slugify(item.body_region), item.body_region.capitalize()) if item.body_region else None)
    specs = tuple((slugify(sp), sp, tuple(ItemRef(lid, case, i, it, doi, year, sp, (), ())
                                          for i, it in enumerate(letter.items)))
                  for sp in dict.fromkeys(letter.reviewer.specialties))
    return Contribution(tuple(refs), tuple(cites_all), tuple(regions), specs)


def collect(letters: Iterable[Letter], procedure_titles: dict[str, str] | None = None,
            memo: dict[int, tuple[Letter, Contribution]] | None = None) -> Archive:
    """Group and count.  ``memo`` (id(letter) -> (letter, contribution)) lets a caller that
    keeps the same Letter objects between builds skip the per-letter work; it is pruned to
    the letters given."""
    ordered = sorted(letters, key=lambda l: l.id)
    titles = procedure_titles or {}
    procedures: dict[str, Group] = {}
    guidelines: dict[str, Group] = {}
    specialties: dict[str, Group] = {}
    regions: dict[str, Group] = {}
    decisions: dict[str, Group] = {k: Group(k, DECISION_TITLES[k]) for k in DECISION_KEYS}
    items = 0
    years = [y for l in ordered if (y := l.year)]
    fresh: dict[int, tuple[Letter, Contribution]] = {}
    for letter in ordered:
        got = memo.get(id(letter)) if memo is not None else None
        if got is None or got[0] is not letter:
            got = (letter, contribution(letter))
        fresh[id(letter)] = got
        con = got[1]
        for ref, cites, region in zip(con.refs, con.cites, con.regions):
            items += 1
            item = ref.item
            slug = item.procedure or UNMAPPED
            g = procedures.get(slug)
            if g is None:
                g = procedures[slug] = Group(slug, titles.get(slug) or procedure_title(item.procedure),
                                             category=item.category if item.procedure else None)
            g.refs.append(ref)
            g.requests[item.request] += 1
            for key, c, gtitle in cites:
                gg = guidelines.get(key)
                if gg is None:
                    gg = guidelines[key] = Group(key, gtitle, source=c.source, document=c.document)
                if not gg.refs or gg.refs[-1] is not ref:
                    gg.refs.append(ref)
                if c.topic:
                    gg.topics[c.topic] += 1
            decisions[ref.decision_key].refs.append(ref)
            if region is not None:
                rg = regions.get(region[0])
                if rg is None:
                    rg = regions[region[0]] = Group(region[0], region[1])
                rg.refs.append(ref)
        for ss, sp, srefs in con.specialties:
            grp = specialties.get(ss)
            if grp is None:
                grp = specialties[ss] = Group(ss, sp)
            grp.refs.extend(srefs)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    by_title = lambda d: dict(sorted(d.items(), key=lambda kv: (kv[1].title.lower(), kv[0])))  # noqa: E731
    return Archive(
        letters=ordered,
        latest=sorted(ordered, key=_sort_key, reverse=True),
        procedures=by_title(procedures),
        guidelines=by_title(guidelines),
        specialties=by_title(specialties),
        regions=by_title(regions),
        decisions=decisions,
        item_count=items,
        years=(min(years), max(years)) if years else None,
    )


def specialty_letters(archive: Archive, slug: str) -> Sequence[str]:
    return sorted({r.letter_id for r in archive.specialties[slug].refs})


# -- updating an archive for a few letters (``sitegen serve``) ----------------------------


@dataclass
class Collected:
    """An :class:`Archive` plus what updating it for a few changed letters needs.  A
    long-running process keeps it between builds; :func:`update_archive` changes it in place
    so that it equals ``collect`` of the new letters (tests/test_incremental_collect.py)."""

    archive: Archive
    titles: dict[str, str]
    """The procedure titles it was collected with."""
    cons: dict[str, Contribution]
    """Letter id -> its contribution."""
    years: Counter[int]
    specialty_letters: dict[str, list[tuple[str, int, str]]]
    """Specialty slug -> sorted (letter id, position in the letter, name): a specialty group
    exists while one letter names it (even with no items), titled by the first."""
    ids: list[str] = field(default_factory=list)
    """The ids of ``archive.letters``, in order (kept in step by :func:`update_archive`)."""

    def __post_init__(self) -> None:
        if not self.ids:
            self.ids = [l.id for l in self.archive.letters]


def collected(archive: Archive, titles: dict[str, str],
              memo: dict[int, tuple[Letter, Contribution]] | None = None) -> Collected:
    """The update state of an archive made by :func:`collect` (with the memo it filled, if any)."""
    cons: dict[str, Contribution] = {}
    specs: dict[str, list[tuple[str, int, str]]] = {}
    for letter in archive.letters:
        got = memo.get(id(letter)) if memo is not None else None
        con = got[1] if got is not None and got[0] is letter else contribution(letter)
        cons[letter.id] = con
        for pos, (ss, sp, _) in enumerate(con.specialties):
            specs.setdefault(ss, []).append((letter.id, pos, sp))
    years = Counter(y for l in archive.letters if (y := l.year))
    return Collected(archive, dict(titles), cons, years, specs)


def _block(refs: list[ItemRef], lid: str) -> tuple[int, int]:
    """The slice of ``refs`` (sorted by letter id, then item) that belongs to letter ``lid``."""
    lo = bisect_left(refs, lid, key=_ref_letter)
    return lo, bisect_right(refs, lid, lo, key=_ref_letter)


def _ref_letter(r: ItemRef) -> str:
    return r.letter_id


def _touches(con: Contribution) -> dict[tuple[str, str], list[ItemRef]]:
    """(kind, group key) -> this letter's refs in that group, in item order."""
    out: dict[tuple[str, str], list[ItemRef]] = {}
    for ref, cites, region in zip(con.refs, con.cites, con.regions):
        out.setdefault(("procedure", ref.item.procedure or UNMAPPED), []).append(ref)
        for key in dict.fromkeys(k for k, _, _ in cites):
            out.setdefault(("guideline", key), []).append(ref)
        out.setdefault(("decision", ref.decision_key), []).append(ref)
        if region is not None:
            out.setdefault(("region", region[0]), []).append(ref)
    for ss, _, srefs in con.specialties:
        out.setdefault(("specialty", ss), []).extend(srefs)
    return out


def _latest_pos(latest: list[Letter], key: tuple[int, str, str]) -> int:
    """Where ``key`` goes in ``latest`` (sorted by :func:`_sort_key`, newest first)."""
    lo, hi = 0, len(latest)
    while lo < hi:
        mid = (lo + hi) // 2
        if _sort_key(latest[mid]) > key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def update_archive(col: Collected, removed: Iterable[str], added: Iterable[Letter]) -> set[tuple[str, str]]:
    """Take the letters with ids ``removed`` out of the archive and put ``added`` in (a
    changed letter is in both).  Returns the (kind, key) of every group whose refs or
    attributes may have changed, including groups that no longer exist."""
    a = col.archive
    ids = col.ids  # (a list of str: bisect on it is cheap)
    kinds = {"procedure": a.procedures, "guideline": a.guidelines, "specialty": a.specialties,
             "region": a.regions, "decision": a.decisions}
    affected: set[tuple[str, str]] = set()
    for lid in removed:
        con = col.cons.pop(lid, None)
        if con is None:
            continue
        i = bisect_left(ids, lid)
        letter = a.letters[i]
        del a.letters[i], ids[i]
        j = _latest_pos(a.latest, _sort_key(letter))
        assert a.latest[j] is letter
        del a.latest[j]
        a.item_count -= len(con.refs)
        if letter.year:
            col.years[letter.year] -= 1
            if not col.years[letter.year]:
                del col.years[letter.year]
        for kk in _touches(con):
            g = kinds[kk[0]].get(kk[1])
            if g is not None:
                lo, hi = _block(g.refs, lid)
                del g.refs[lo:hi]
            affected.add(kk)
        for ss in {x[0] for x in con.specialties}:
            entries = col.specialty_letters.get(ss)
            if entries:  # sorted by (letter id, position): this letter's entries are one block
                lo = bisect_left(entries, lid, key=_entry_letter)
                hi = bisect_right(entries, lid, lo=lo, key=_entry_letter)
                del entries[lo:hi]
    for letter in added:
        lid = letter.id
        con = contribution(letter)
        col.cons[lid] = con
        i = bisect_left(ids, lid)
        a.letters.insert(i, letter)
        ids.insert(i, lid)
        a.latest.insert(_latest_pos(a.latest, _sort_key(letter)), letter)
        a.item_count += len(con.refs)
        if letter.year:
            col.years[letter.year] += 1
        for kk, refs in _touches(con).items():
            groups = kinds[kk[0]]
            g = groups.get(kk[1])
            if g is None:
                g = groups[kk[1]] = Group(kk[1], "")
            lo = bisect_left(g.refs, lid, key=_ref_letter)
            g.refs[lo:lo] = refs
            affected.add(kk)
        for pos, (ss, sp, _) in enumerate(con.specialties):
            entries = col.specialty_letters.setdefault(ss, [])
            insort(entries, (lid, pos, sp))
    for kind, key in affected:
        _refresh(col, kind, key, kinds[kind])
    by_title = lambda d: dict(sorted(d.items(), key=lambda kv: (kv[1].title.lower(), kv[0])))  # noqa: E731
    a.procedures, a.guidelines = by_title(a.procedures), by_title(a.guidelines)
    a.specialties, a.regions = by_title(a.specialties), by_title(a.regions)
    a.years = (min(col.years), max(col.years)) if col.years else None
    return affected


def _entry_letter(e: tuple[str, int, str]) -> str:
    return e[0]


def _refresh(col: Collected, kind: str, key: str, groups: dict[str, Group]) -> None:
    """Recompute what a group takes from its first ref (title, category, source) and its
    counters (in first-seen order, as collect fills them), or drop it when it is empty."""
    g = groups.get(key)
    if g is None:
        return
    for attr in ("counts", "overturn_rate", "letter_count"):
        g.__dict__.pop(attr, None)
    if kind == "specialty":
        entries = col.specialty_letters.get(key)
        if not entries:
            del groups[key]
            col.specialty_letters.pop(key, None)
            return
        g.title = entries[0][2]
        return
    if not g.refs:
        if kind != "decision":
            del groups[key]
        return
    if kind == "decision":
        return
    first = g.refs[0]
    if kind == "procedure":
        g.title = col.titles.get(key) or procedure_title(first.item.procedure)
        g.category = first.item.category if first.item.procedure else None
        g.requests = Counter(r.item.request for r in g.refs)
    elif kind == "guideline":
        cons = col.cons
        _, c0, t0 = next(x for x in cons[first.letter_id].cites[first.index] if x[0] == key)
        g.title, g.source, g.document = t0, c0.source, c0.document
        topics: Counter[str] = Counter()
        for r in g.refs:
            for k, c, _ in cons[r.letter_id].cites[r.index]:
                if k == key and c.topic:
                    topics[c.topic] += 1
        g.topics = topics
    elif kind == "region":
        region = col.cons[first.letter_id].regions[first.index]
        assert region is not None
        g.title = region[1]
