"""The rare, early "MEDICAL PROFESSIONAL REVIEW" layout.

    MEDICAL PROFESSIONAL REVIEW            (IMR Case Number:, Date of Injury:)
    ISSUE AT DISPUTE:                      items, numbered when several
    CASE SUMMARY:
    DOCUMENTS REVIEWED FOR DETERMINATION:
    MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:
    RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
    MEDICAL REVIEWER QUALIFICATIONS:

In multi-item letters the guideline and rationale sections repeat per item under
its number.  The outcome comes from a "DETERMINATION: UPHELD/OVERTURNED" line,
the closing "... decision is upheld/overturned" or "is (not) medically
necessary", or a rationale heading without "NOT"; failing all, null with a warning.
"""

from __future__ import annotations

import re

from sitegen.clean import CleanText
from sitegen.model import Citation, Guidelines, Item, copy_with
from sitegen.parse.citations import _NONE, _ODG, _mtus_citation, _odg_citation, collapse
from sitegen.parse.common import LayoutResult, Sections, clean_request, matches_at_words, short


def _head(body: str) -> re.Pattern[str]:
    return re.compile(r"^[ \t]*" + body + r"[ \t]*:?[ \t]*", re.M | re.I)


_TOP = _head(r"MEDICAL\s+PROFESSIONAL\s+REVIEW")
_ISSUE = _head(r"ISSUES?\s+AT\s+DISPUTE")
_CASE = _head(r"CASE\s+SUMMARY")
_DOCS = _head(r"DOCUMENTS\s+REVIEWED(?:\s+FOR\s+DETERMINATION)?")
_GUIDE = _head(
    r"MEDICAL\s+TREATMENT\s+GUIDELINE\s*(?:\(\s*S\s*\)|S)?\s+RELIED\s+UPON\s+BY\s+(?:THE\s+)?PROFESSIONAL\s+REVIEWER(?:\s+AND\s+WHY)?"
)
_RATIONALE = _head(
    r"RATIONALE\s+FOR\s+WHY\s+THE\s+REQUESTED\s+TREATMENT\s*/\s*SERVICE\s+(?:IS\s*/\s*WAS|IS|WAS)\s+(?P<not>NOT\s+)?MEDICALLY\s+NECESSARY"
)
_QUALS = _head(r"MEDICAL\s+REVIEWER\s+QUALIFICATIONS")

_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+(.*)$")
_QUESTION = re.compile(
    r"^(?:Is|Are|Whether)\s+(?:the\s+)?(?:request(?:ed)?\s+(?:for\s+)?)?(?P<req>.+?)\s+(?:is\s+|are\s+)?medically\s+necessary(?:\s+and\s+appropriate)?\s*\??$",
    re.I,
)
_DETERMINATION = re.compile(r"DETERMINATION\s*:\s*(UPHELD|OVERTURNED|UPHOLD|OVERTURN)", re.I)
_DECISION_IS = re.compile(
    r"(?:Claims\s+Administrator'?s?\s+)?(?:decision|denial)\s+(?:is|was)\s+(?:hereby\s+)?(upheld|overturned|reversed)", re.I
)
_NECESSARY = re.compile(r"\bis\s+(not\s*)?medically\s+necessary", re.I)
_ACOEM_CH = re.compile(r"ACOEM[^.]{0,120}?Chapter\s+(\d{1,2})|Chapter\s+(\d{1,2})[^.]{0,80}?ACOEM", re.I)
_PROSE_TAIL = re.compile(r",?\s+(?:which|as|because|were|was|is|are|since|for\s+the)\b", re.I)
_PROSE_LEAD = re.compile(r"^.*?\b(?:relied\s+(?:up)?on|based\s+(?:his|her|his/her|their|the)?\s*decision\s+on)\s+(?:the\s+)?", re.I)
_MTUS_DOC = re.compile(
    r"Chronic\s+Pain\s+Medical\s+Treatment\s+Guidelines?|Post[\s-]*surgical\s+(?:Treatment\s+)?Guidelines?|Acupuncture\s+Medical\s+Treatment\s+Guidelines?",
    re.I,
)


#: (name, heading, the heading's first word: see matches_at_words)
_HEADS = (
    ("top", _TOP, ("medical",)),
    ("issue", _ISSUE, ("issue",)),
    ("case", _CASE, ("case",)),
    ("docs", _DOCS, ("documents",)),
    ("guide", _GUIDE, ("medical",)),
    ("rationale", _RATIONALE, ("rationale",)),
    ("quals", _QUALS, ("medical",)),
)
#: "2. <next item>" left at the end of a section when the sections repeat per item.
_TRAILING_ITEM_LABEL = re.compile(r"\n[ \t]*\d{1,2}\s*[.)][ \t]+[^\n]*\s*$")
_ITEM_LABEL = re.compile(r"^\d{1,2}\s*[.)]\s+")
_SENTENCES = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+")


def parse(ct: CleanText) -> LayoutResult:
    text = ct.text
    warnings: list[str] = []
    found = {name: list(matches_at_words(pat, text, words, line_start=True)) for name, pat, words in _HEADS}
    marks = sorted(m.start() for ms in found.values() for m in ms)

    def body(m: re.Match[str], per_item: bool = False) -> str:
        later = [p for p in marks if p > m.start()]
        part = text[m.end() : later[0] if later else len(text)]
        return _TRAILING_ITEM_LABEL.sub("", part) if per_item else part

    def first(name: str) -> str:
        return body(found[name][0]) if found[name] else ""

    for name, label in (("issue", "ISSUE AT DISPUTE"), ("rationale", "RATIONALE FOR WHY ..."), ("quals", "MEDICAL REVIEWER QUALIFICATIONS")):
        if not found[name]:
            warnings.append(f'section "{label}" not found')

    issue_start = found["issue"][0].start() if found["issue"] else (marks[1] if len(marks) > 1 else len(text))
    header = text[:issue_start]
    issues = _issue_items(first("issue"))
    n_items = len(issues)
    guide_parts = _sections_per_item([body(m, len(found["guide"]) > 1) for m in found["guide"]], n_items)
    rationale_parts = _sections_per_item([body(m, len(found["rationale"]) > 1) for m in found["rationale"]], n_items)
    headings_not = {m.group("not") is not None for m in found["rationale"]}

    items: list[Item] = []
    for n, (request, stated) in enumerate(issues):
        rationale = _strip_item_label(collapse(rationale_parts[n]), request)
        decision = stated or _decision(rationale + " " + collapse(guide_parts[n]))
        if decision is None and headings_not == {False}:
            decision = "overturned"  # "RATIONALE FOR WHY ... IS MEDICALLY NECESSARY"
        if decision is None:
            warnings.append(f'item {n + 1} ("{short(request)}"): decision not stated')
        items.append(
            Item(
                request=request,
                decision=decision,
                rationale=_DETERMINATION.sub("", rationale).strip(),
                guidelines=Guidelines((), prose_citations(_strip_item_label(collapse(guide_parts[n]), request))),
            )
        )
    if not items:
        warnings.append('no disputed items found under "ISSUE AT DISPUTE"')
    return LayoutResult(Sections(header, first("quals"), first("case")), tuple(items), tuple(warnings))


def _sections_per_item(bodies: list[str], count: int) -> list[str]:
    """A section written once per item, or once with numbered parts, or once for all."""
    if count == 0:
        return []
    if len(bodies) == count:
        return bodies
    return _per_item(bodies[0] if bodies else "", count)


def _issue_items(section: str) -> list[tuple[str, str | None]]:
    """(request, decision stated under the issue or None) for each issue at dispute."""
    lines = section.split("\n")
    numbered: list[list[str]] = []
    expected = 1
    for line in lines:
        m = _NUMBERED.match(line)
        if m and int(m.group(1)) == expected:
            numbered.append([m.group(2)])
            expected += 1
        elif numbered and line:
            numbered[-1].append(line)
    chunks = [" ".join(c) for c in numbered] if numbered else ([section] if section.strip() else [])
    out = []
    for chunk in chunks:
        req = collapse(chunk)
        stated = None
        d = _DETERMINATION.search(req)
        if d:
            stated = "upheld" if d.group(1).lower().startswith("uph") else "overturned"
            req = collapse(req[: d.start()] + " " + req[d.end() :])
        q = _QUESTION.match(req)
        if q:
            req = q.group("req")
        req = clean_request(req).rstrip("?.").strip()
        if req:
            out.append((req, stated))
    return out


def _per_item(section: str, count: int) -> list[str]:
    """Split a section repeated per item ("1. <item>: ..." / "2. ...") into count parts."""
    if count <= 1:
        return [section] * max(count, 1)
    lines = section.split("\n")
    starts: list[int] = []
    expected = 1
    for i, line in enumerate(lines):
        m = _NUMBERED.match(line)
        if m and int(m.group(1)) == expected:
            starts.append(i)
            expected += 1
    if len(starts) < count:
        return [section] * count
    parts = []
    for k in range(count):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        parts.append("\n".join(lines[starts[k] : end]))
    return parts


def _strip_item_label(text: str, request: str) -> str:
    """Drop the "2. <request>:" that opens an item's part of a repeated section."""
    text = _ITEM_LABEL.sub("", text)
    if text.lower().startswith(request.lower()):
        text = text[len(request) :].lstrip(" :.-")
    return text


def _decision(text: str) -> str | None:
    m = _DETERMINATION.search(text)
    if m:
        return "upheld" if m.group(1).lower().startswith("uph") else "overturned"
    m = _DECISION_IS.search(text)
    if m:
        return "upheld" if m.group(1).lower() == "upheld" else "overturned"
    last = None
    for last in _NECESSARY.finditer(text):
        pass
    if last is not None:
        return "upheld" if last.group(1) else "overturned"
    return None


def prose_citations(text: str) -> tuple[Citation, ...]:
    """Guidelines named in prose: ACOEM chapters, CPMTG, Postsurgical, ODG chapters, else other."""
    t = collapse(text)
    if not t:
        return ()
    if _NONE.search(t):
        return (Citation(source="none", raw=t.rstrip(". ")),)
    out: list[Citation] = []
    seen: set[tuple[str | None, ...]] = set()
    for sentence in _SENTENCES.split(t):
        cites: list[Citation] = []
        odg = _ODG.search(sentence)
        if _ACOEM_CH.search(sentence) or _MTUS_DOC.search(sentence):
            if "not part of the mtus" in sentence.lower() and not odg:
                document = _PROSE_TAIL.split(_PROSE_LEAD.sub("", sentence))[0].strip(" .,")
                cites.append(Citation(source="other", document=document or None, raw=sentence))
            else:
                cites.append(_mtus_citation(sentence))
        if odg:
            c = _odg_citation(sentence[odg.end():], sentence)
            if c.topic:  # prose: "..., Epidural steroid injections, were used because ..."
                c = copy_with(c, topic=_PROSE_TAIL.split(c.topic)[0].strip(" ,") or None)
            cites.append(c)
        for c in cites:
            key = (c.source, c.document, c.chapter)
            if key not in seen:
                seen.add(key)
                out.append(c)
    if not out:
        first = _SENTENCE_END.split(t)[0]
        out.append(Citation(source="other", document=None, raw=first.rstrip(". ")))
    return tuple(out)
