"""Guideline citations: the text of a guideline line -> :class:`Citation` records.

Grammar (imr-domain.md section 4):

* "did not cite any medical evidence"            -> one citation, source "none"
* each "Decision based on ..." starts a citation; "did not base their decision on the MTUS" is not one
* "Non-MTUS Citation Official Disability Guidelines (ODG) <chapter>[ Chapter][,-] <topic>" -> ODG
* "Non-MTUS Citation <anything else>"            -> other (ACOEM labelled Non-MTUS too)
* "MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-304" -> MTUS / ACOEM / "12"
* "MTUS Chronic Pain Medical Treatment Guidelines <topic> Page(s): 74-96" -> MTUS / CPMTG
* 2013 prose: "the ACOEM ..., Chapter 12, pages 303-304, which is part of the MTUS" -> MTUS
"""

from __future__ import annotations

import re
from functools import lru_cache

from sitegen.parse.common import collapse
from sitegen.model import Citation
from sitegen.normalize.guidelines import ODG_CHAPTER_ALIASES

_ALIAS_TO_CHAPTER = {
    alias.lower(): canon for canon, aliases in ODG_CHAPTER_ALIASES.items() for alias in (canon, *aliases)
}
_CHAPTER_RE = re.compile(
    r"(?P<alias>"
    + "|".join(re.escape(a) for a in sorted(_ALIAS_TO_CHAPTER, key=len, reverse=True))
    + r")(?![a-z])"
    r"(?:\s*\((?:acute\s*(?:&|and)\s*chronic|chronic)\))?"
    r"(?P<marker>\s*(?:chapter|procedure\s+summary|section)\b)?"
    r"(?P<sep>\s*(?:[,;:.\-]|$))?",
    re.I,
)

_SPLIT = re.compile(r"\bDecision\s+based\s+on\b\s*:?", re.I)
_NONE = re.compile(r"did\s+not\s+cite\s+any\s+(?:medical\s+)?evidence", re.I)
_NOT_BASED = re.compile(
    r"(?:The\s+)?(?:Claims\s+Administrator|Expert\s+Reviewer|Reviewer)\s+did\s+not\s+base\s+(?:their|its|his/her|his|her)\s+decision\s+on\s+the\s+MTUS\.?",
    re.I,
)
_NON_MTUS = re.compile(r"^\s*Non[\s-]*MTUS(?:\s+Citation)?\s*:?\s*", re.I)
_ODG = re.compile(
    r"(?:Official\s+Disability\s+Guidelines?|\bODG\b)(?:\s*\(ODG\))?(?:\s*[-,]?\s*(?:ODG\s*)?-?\s*TWC\b)?(?:\s*Treatment\s+in\s+Workers'?\s*Comp(?:ensation)?)?"
    r"(?:\s*\((?:ODG(?:-TWC)?|TWC)\))?",
    re.I,
)
_PAGES = re.compile(r"\bPages?\s*\(s\)\s*:?\s*([0-9][0-9,\-\s&and]*[0-9]|[0-9]+)|\bpages?\s+([0-9]+(?:\s*[-,]\s*[0-9]+)*)", re.I)
_ACOEM_CHAPTER = re.compile(r"\bChapter\s+(\d{1,2})\b|\bCh\.?\s*(\d{1,2})\b", re.I)
_NAMED_GUIDELINE = re.compile(r"\b([A-Z][A-Za-z,/ ]+?(?:Disorders|Complaints|Treatment))\b")
_PART_OF_MTUS = re.compile(r",?\s*which\s+is\s+(?:not\s+)?part\s+of\s+the\s+MTUS.*$", re.I)
_NOT_PART_OF_MTUS = re.compile(r",?\s*which\s+is\s+not\s+part\s+of\s+the\s+MTUS.*$", re.I)
_LEADING_YEAR = re.compile(r"^\s*(?:\(\s*\w+\s*\)|\(?20\d\d\)?)\s*")
_LAST_UPDATED = re.compile(r",?\s*(?:last\s+updated|updated)\s+[0-9/\-]+\.?", re.I)
_CHAPTER_WORD = re.compile(r"^(?:chapter|section)\s*[,:\-]?\s*", re.I)
_DASH = re.compile(r"\s*-\s*")
_COMMA = re.compile(r"\s*,\s*")

_MTUS_DOCS = (
    (re.compile(r"Chronic\s+Pain\s+Medical\s+Treatment(?:\s+Guidelines?)?|\bCPMTG\b|Chronic\s+Pain\s+(?:Treatment\s+)?Guidelines?", re.I), "Chronic Pain Medical Treatment Guidelines"),
    (re.compile(r"Post[\s-]*surgical\s+(?:Treatment\s+)?Guidelines?", re.I), "Postsurgical Treatment Guidelines"),
    (re.compile(r"Acupuncture\s+Medical\s+Treatment\s+Guidelines?", re.I), "Acupuncture Medical Treatment Guidelines"),
    (re.compile(r"\bACOEM\b|American\s+College\s+of\s+Occupational\s+and\s+Environmental\s+Medicine", re.I), "ACOEM"),
)



def canonical_odg_chapter(text: str) -> str | None:
    """The canonical ODG chapter for an alias ("Lumbar Chapter" -> "Low Back"), else None."""
    m = _CHAPTER_RE.match(collapse(text))
    return _lookup_alias(m.group("alias")) if m else None


def _lookup_alias(alias: str) -> str | None:
    return _ALIAS_TO_CHAPTER.get(collapse(alias).lower())


@lru_cache(maxsize=8192)
def parse_guideline_text(text: str) -> tuple[Citation, ...]:
    """Parse the text after "Claims Administrator guideline:" / "MAXIMUS guideline:".
    Cached as written too (lines wrap alike in most letters): a hit skips the collapse."""
    return _parse_collapsed(collapse(text))


@lru_cache(maxsize=8192)
def _parse_collapsed(text: str) -> tuple[Citation, ...]:
    """Guideline lines repeat across letters word for word; the records are frozen, so shared."""
    if not text:
        return ()
    if _NONE.search(text) and not _SPLIT.search(text):
        return (Citation(source="none", raw=text),)
    parts = _SPLIT.split(text)
    segments = [p for p in (collapse(x) for x in parts[1:]) if p]
    if not segments:
        rest = collapse(_NOT_BASED.sub(" ", parts[0]))
        if not rest:
            return ()
        segments = [rest]
    return tuple(parse_citation(seg) for seg in segments)


def parse_citation(segment: str) -> Citation:
    """Classify one citation ("MTUS ACOEM Chapter 12 ...", "Non-MTUS Citation ...")."""
    raw = collapse(segment).rstrip(" .;,")
    if _NONE.search(raw):
        return Citation(source="none", raw=raw)
    m = _NON_MTUS.match(raw)
    if m:
        body = raw[m.end():]
        odg = _ODG.search(body)
        if odg and odg.start() <= 40:
            return _odg_citation(body[odg.end():], raw)
        return Citation(source="other", document=_other_document(body), raw=raw)
    lowered = raw.lower()
    part_of_mtus = "part of the mtus" in lowered and "not part of the mtus" not in lowered
    if lowered.startswith(("mtus", "the mtus", "california mtus", "ca mtus")) or part_of_mtus:
        return _mtus_citation(raw)
    odg = _ODG.search(raw)
    if odg and odg.start() <= 40:
        return _odg_citation(raw[odg.end():], raw)
    return Citation(source="other", document=_other_document(raw), raw=raw)


def _mtus_citation(raw: str) -> Citation:
    document = None
    doc_match = None
    for pattern, name in _MTUS_DOCS:
        doc_match = pattern.search(raw)
        if doc_match:
            document = name
            break
    pages = _pages(raw)
    chapter = topic = None
    if document == "ACOEM":
        ch = _ACOEM_CHAPTER.search(raw)
        chapter = (ch.group(1) or ch.group(2)) if ch else None
        if chapter is not None:
            chapter = str(int(chapter))
        else:
            # 2018+ form, named not numbered: "MTUS ... Low Back Disorders (ACOEM 2016)"
            named = _NAMED_GUIDELINE.search(raw)
            topic = collapse(named.group(1)) if named else None
    elif document is not None and doc_match is not None:
        tail = raw[doc_match.end():]
        tail = _PAGES.split(tail)[0] if _PAGES.search(tail) else tail
        tail = _PART_OF_MTUS.sub("", tail)
        tail = _LEADING_YEAR.sub("", tail)
        topic = strip_unbalanced(tail.strip(" ,;:.-")) or None
    return Citation(source="MTUS", document=document, chapter=chapter, topic=topic, pages=pages, raw=raw)


def _odg_citation(rest: str, raw: str) -> Citation:
    rest = _LAST_UPDATED.sub("", rest)
    rest = _NOT_PART_OF_MTUS.sub("", rest)
    rest = rest.strip(" ,;:.-")
    chapter = None
    topic: str | None = rest or None
    if rest:
        m = _CHAPTER_RE.match(rest)
        if m and (m.group("marker") or m.group("sep") is not None):
            chapter = _lookup_alias(m.group("alias"))
            if chapter is not None:
                topic = rest[m.end():].strip(" ,;:.-") or None
    if topic:
        topic = _CHAPTER_WORD.sub("", topic) or None
    return Citation(source="ODG", document="ODG", chapter=chapter, topic=topic, pages=_pages(raw), raw=raw)


def strip_unbalanced(text: str) -> str:
    """Trim punctuation and parentheses that do not pair up: "(ESIs)" stays, "Opioids)" loses its ")"."""
    while text:
        if text[-1] == ")" and text.count("(") < text.count(")"):
            text = text[:-1].rstrip(" ,;:.-")
        elif text[0] == "(" and text.count("(") > text.count(")"):
            text = text[1:].lstrip(" ,;:.-")
        elif text[0] == "(" and text[-1] == ")" and text.count("(") == 1:
            text = text[1:-1].strip(" ,;:.-")  # "(2009)" or "(Opioids)" alone
        else:
            break
    return text


def _pages(text: str) -> str | None:
    m = _PAGES.search(text)
    if not m:
        return None
    pages = (m.group(1) or m.group(2) or "").strip(" ,.")
    pages = _DASH.sub("-", pages)
    pages = _COMMA.sub(", ", pages)
    return pages or None


def _other_document(body: str) -> str | None:
    body = body.strip(" ,;:.")
    return body or None
