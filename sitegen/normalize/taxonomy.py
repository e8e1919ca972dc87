"""The procedure taxonomy: loading, validating, merging and compiling it.

The taxonomy is data (``sitegen/data/taxonomy.toml``, see ``docs/taxonomy.md``):

* ``[terms]`` maps a *concept* ("mri", "lumbar", "hydrocodone") to the ways it is written
  ("MRI", "magnetic resonance imaging", "L-spine", "Norco" ...).  A phrase may belong to
  several concepts ("Norco" is hydrocodone *and* acetaminophen).
* ``[regions]`` names the concepts that are body regions, with their display names.
* ``[[procedure]]`` entries give a slug, display name, category, optional region and drug,
  and ``match`` rules: each rule is a space-separated list of concepts that must all be
  present (``!concept`` must be absent).  The rule with the most concepts wins; ``priority``
  breaks ties, then file order.

Everything is compiled once into one trie-shaped regular expression (one pass over the
request finds every concept) plus an index from concept to the rules that mention it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sitegen.errors import ConfigError
from sitegen.model import CATEGORIES

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONCEPT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Characters treated as spaces before matching: punctuation that never distinguishes procedures.
_PUNCT = str.maketrans({c: " " for c in "-_,;:()[]{}\"'!?*+=<>|\\\u2013\u2014\u2019\u2018\u201c\u201d\u00a0\t\n\r"})
_SPACES = re.compile(r" {2,}")


def norm_text(text: str) -> str:
    """Lower-case, punctuation to spaces, spaces collapsed: the form terms are matched in."""
    return _SPACES.sub(" ", text.lower().translate(_PUNCT)).strip()


@dataclass(frozen=True)
class Procedure:
    slug: str
    name: str
    category: str
    region: str | None = None
    """Region concept ("lumbar"); None when the region varies (taken from the request)."""
    drug: str | None = None
    priority: int = 0


@dataclass(frozen=True)
class Rule:
    procedure: Procedure
    required: frozenset[str]
    forbidden: frozenset[str]
    score: tuple[int, int, int]
    """(number of concepts, priority, -file order): the highest wins."""


@dataclass
class Taxonomy:
    """A compiled taxonomy: use :func:`load_taxonomy` to get one."""

    procedures: dict[str, Procedure]
    regions: dict[str, str]
    """Region concept -> display name ("lumbar" -> "lumbar spine")."""
    surfaces: dict[str, tuple[str, ...]]
    """Normalised phrase -> concepts it stands for."""
    rules_by_concept: dict[str, tuple[Rule, ...]]
    pattern: re.Pattern[str]
    sources: tuple[str, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def concepts(self, text: str) -> list[str]:
        """Concepts found in ``text``, in order of appearance (repeats removed)."""
        found: list[str] = []
        seen: set[str] = set()
        surfaces = self.surfaces
        for m in self.pattern.finditer(norm_text(text)):
            for concept in surfaces[m.group(0)]:
                if concept not in seen:
                    seen.add(concept)
                    found.append(concept)
        return found

    def best(self, concepts: list[str]) -> Procedure | None:
        """The procedure whose most specific rule is satisfied by ``concepts``."""
        present = set(concepts)
        best: Rule | None = None
        for concept in present:
            for rule in self.rules_by_concept.get(concept, ()):
                if best is not None and rule.score <= best.score:
                    continue
                if rule.required <= present and not (rule.forbidden & present):
                    best = rule
        return best.procedure if best else None

    def region_of(self, concepts: list[str]) -> str | None:
        for c in concepts:
            if c in self.regions:
                return self.regions[c]
        return None

    def __len__(self) -> int:
        return len(self.procedures)


# ---------------------------------------------------------------- loading


def _shipped_text() -> str:
    return resources.files("sitegen").joinpath("data", "taxonomy.toml").read_text(encoding="utf-8")


def _parse(text: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:  # message carries "(at line N, column M)"
        raise ConfigError(f"{name}: invalid TOML: {err}") from None


def _entry_where(text: str, name: str, slug: str | None, index: int) -> str:
    """'file, line N (procedure "slug")' for an entry, as precisely as the text allows."""
    if slug:
        m = re.search(r'^\s*slug\s*=\s*["\']' + re.escape(slug) + r'["\']', text, re.M)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            return f'{name}, line {line} (procedure "{slug}")'
        return f'{name} (procedure "{slug}")'
    return f"{name} (procedure #{index + 1})"


class _Where:
    """Where an entry was defined; the line is looked up only when an error is reported."""

    __slots__ = ("text", "name", "slug", "index")

    def __init__(self, text: str, name: str, slug: str | None, index: int) -> None:
        self.text, self.name, self.slug, self.index = text, name, slug, index

    def __str__(self) -> str:
        return _entry_where(self.text, self.name, self.slug, self.index)

    __format__ = lambda self, spec: format(str(self), spec)  # noqa: E731


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


class _Builder:
    """Collects terms, regions and procedures from the shipped file and an archive's file."""

    def __init__(self) -> None:
        self.terms: dict[str, list[str]] = {}
        self.regions: dict[str, str] = {}
        self.procs: dict[str, tuple[Procedure, list[str], _Where]] = {}
        """slug -> (procedure, match rules, where it was defined)."""
        self.sources: list[str] = []

    def add(self, text: str, name: str) -> None:
        data = _parse(text, name)
        self.sources.append(name)
        known = {"version", "terms", "regions", "procedure", "remove"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{name}: unknown top-level key(s) {', '.join(unknown)} (expected terms, regions, procedure, remove)")
        terms = data.get("terms", {})
        if not isinstance(terms, dict):
            raise ConfigError(f"{name}: [terms] must be a table of concept = [phrases]")
        for concept, phrases in terms.items():
            plist = _str_list(phrases)
            if plist is None or not _CONCEPT_RE.match(concept):
                raise ConfigError(f"{name}: [terms] {concept!r} must be a lower-case concept name with a list of phrases")
            self.terms.setdefault(concept, []).extend(plist)
        regions = data.get("regions", {})
        if not isinstance(regions, dict) or not all(isinstance(v, str) for v in regions.values()):
            raise ConfigError(f"{name}: [regions] must be a table of concept = \"display name\"")
        self.regions.update(regions)
        removed = data.get("remove", [])
        if _str_list(removed) is None:
            raise ConfigError(f"{name}: remove must be a list of procedure slugs")
        for slug in removed:
            if slug not in self.procs:
                raise ConfigError(f"{name}: remove: no procedure {slug!r} to remove")
            del self.procs[slug]
        entries = data.get("procedure", [])
        if not isinstance(entries, list):
            raise ConfigError(f"{name}: procedures must be written as [[procedure]] tables")
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            self._procedure(entry, i, text, name, seen)

    def _procedure(self, entry: Any, i: int, text: str, name: str, seen: set[str]) -> None:
        slug = entry.get("slug") if isinstance(entry, dict) else None
        where = _Where(text, name, slug if isinstance(slug, str) else None, i)
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: not a table")
        allowed = {"slug", "name", "category", "region", "drug", "match", "synonyms", "priority"}
        extra = sorted(set(entry) - allowed)
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)}")
        if not isinstance(slug, str) or not _SLUG_RE.match(slug):
            raise ConfigError(f"{where}: slug must be lower-case words joined by hyphens, got {slug!r}")
        if slug in seen:
            raise ConfigError(f"{where}: duplicate slug {slug!r} in the same file")
        seen.add(slug)
        for key in ("name", "category"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: {key} is required")
        if entry["category"] not in CATEGORIES:
            raise ConfigError(f"{where}: category {entry['category']!r} is not one of {', '.join(CATEGORIES)}")
        for key in ("region", "drug"):
            if key in entry and not isinstance(entry[key], str):
                raise ConfigError(f"{where}: {key} must be text")
        priority = entry.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise ConfigError(f"{where}: priority must be an integer")
        match = _str_list(entry.get("match", []))
        synonyms = _str_list(entry.get("synonyms", []))
        if match is None or synonyms is None:
            raise ConfigError(f"{where}: match and synonyms must be lists of text")
        if not match and not synonyms:
            raise ConfigError(f"{where}: needs at least one match rule or synonym")
        rules = list(match)
        if synonyms:
            own = "=" + slug  # a private concept for the literal synonyms
            self.terms[own] = list(synonyms)
            rules.append(own)
        proc = Procedure(
            slug=slug,
            name=entry["name"].strip(),
            category=entry["category"],
            region=entry.get("region"),
            drug=entry.get("drug"),
            priority=priority,
        )
        self.procs[slug] = (proc, rules, where)

    def compile(self) -> Taxonomy:
        surfaces: dict[str, list[str]] = {}
        for concept, phrases in self.terms.items():
            for phrase in phrases:
                n = norm_text(phrase)
                if not n:
                    continue
                variants = [n] if n.endswith("s") or not n[-1].isalpha() else [n, n + "s"]
                for v in variants:
                    lst = surfaces.setdefault(v, [])
                    if concept not in lst:
                        lst.append(concept)
        for concept in self.regions:
            if concept not in self.terms:
                raise ConfigError(f"{self.sources[-1]}: region {concept!r} has no [terms] entry")
        rules: dict[str, list[Rule]] = {}
        procedures: dict[str, Procedure] = {}
        for order, (slug, (proc, match, where)) in enumerate(self.procs.items()):
            if proc.region is not None and proc.region not in self.regions:
                raise ConfigError(f"{where}: region {proc.region!r} is not in [regions] ({', '.join(sorted(self.regions))})")
            procedures[slug] = proc
            for text in match:
                words = text.split()
                req = frozenset(w for w in words if not w.startswith("!"))
                forb = frozenset(w[1:] for w in words if w.startswith("!"))
                if not req:
                    raise ConfigError(f"{where}: match rule {text!r} has no required concept")
                for c in req | forb:
                    if c not in self.terms:
                        raise ConfigError(f"{where}: match rule {text!r} uses unknown concept {c!r} (add it to [terms])")
                rule = Rule(proc, req, forb, (len(req), proc.priority, -order))
                key = min(req, key=lambda c: (len(self.terms[c]), c))
                rules.setdefault(key, []).append(rule)
        display = {c: self.regions[c] for c in self.regions}
        return Taxonomy(
            procedures=procedures,
            regions=display,
            surfaces={k: tuple(v) for k, v in surfaces.items()},
            rules_by_concept={k: tuple(v) for k, v in rules.items()},
            pattern=_trie_pattern(surfaces),
            sources=tuple(self.sources),
        )


def _trie_pattern(words: dict[str, Any]) -> re.Pattern[str]:
    """One regex matching any of ``words`` (longest first) between non-alphanumerics.

    Built as a character trie so the engine branches on one character at a time instead of
    trying thousands of alternatives at every position.
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return re.compile(r"(?<![a-z0-9])" + emit(trie) + r"(?![a-z0-9])")


@lru_cache(maxsize=1)
def _shipped_builder_text() -> str:
    return _shipped_text()


_compiled: dict[tuple[str, float | None], Taxonomy] = {}


def load_taxonomy(extra: Path | None = None) -> Taxonomy:
    """The shipped taxonomy, extended/overridden by ``extra`` (e.g. content/taxonomy.toml) if it exists.

    Raises :class:`ConfigError` naming the file and line (or entry) for a bad file.
    """
    stamp: tuple[str, float | None] = ("", None)
    extra_text: str | None = None
    if extra is not None and Path(extra).is_file():
        path = Path(extra)
        try:
            extra_text = path.read_text(encoding="utf-8")
            stamp = (str(path.resolve()), path.stat().st_mtime)
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: cannot read taxonomy file: {err}") from None
    if stamp in _compiled:
        return _compiled[stamp]
    builder = _Builder()
    builder.add(_shipped_builder_text(), "sitegen/data/taxonomy.toml")
    if extra_text is not None:
        builder.add(extra_text, str(extra))
    tax = builder.compile()
    if len(_compiled) > 8:
        _compiled.clear()
    _compiled[stamp] = tax
    return tax
