"""The July-December 2013 layout.

    cover block (IMR Case Number:, Date of Injury:, Treatment(s) in Dispute ...)
    DEAR , / Final Determination: UPHOLD | OVERTURN
    INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE
      1) MAXIMUS Federal Services, Inc. has determined the request for <item> is (not) medically necessary ...
    Medical Qualifications of the Expert Reviewer: <credential sentence>
    Expert Reviewer Case Summary: | Case Summary:
    DOCUMENTS REVIEWED:
    IMR DECISION(S) AND RATIONALE(S):
      1. <item> is (not) medically necessary and appropriate.
      Guidelines/Medical Treatment Utilization Schedule (MTUS) citation:
      The Claims Administrator based its decision on ...
      The Expert Reviewer based his/her decision on ...
      Rationale for the Decision: ...

Every item appears twice (summary list and detailed section); it is counted once.
"""

from __future__ import annotations

import re

from sitegen.clean import CleanText
from sitegen.model import Citation, Guidelines, Item
from sitegen.parse.citations import parse_citation
from sitegen.parse.common import LayoutResult, Sections, clean_request, collapse, short

_SUMMARY_HEAD = re.compile(r"^[ \t]*INDEPENDENT\s+MEDICAL\s+REVIEW\s+DECISION\s+AND\s+RATIONALE\s*:?[ \t]*$", re.M | re.I)
_QUALIFICATIONS = re.compile(r"^[ \t]*Medical\s+Qualifications\s+of\s+the\s+Expert\s+Reviewer\s*:?", re.M | re.I)
_CASE_SUMMARY = re.compile(r"^[ \t]*(?:Expert\s+Reviewer\s+)?Case\s+Summary\s*:?", re.M | re.I)
_DOCUMENTS = re.compile(r"^[ \t]*DOCUMENTS\s+REVIEWED\s*:?", re.M | re.I)
_DETAILED = re.compile(r"^[ \t]*IMR\s+DECISION\s*\(\s*S\s*\)\s+AND\s+RATIONALE\s*\(\s*S\s*\)\s*:?[ \t]*$", re.M | re.I)
_DEAR = re.compile(r"^[ \t]*(?:DEAR\b|Final\s+Determination\s*:)", re.M | re.I)

_NECESSARY = re.compile(r"\s+is\s+(?P<neg>not\s*)?medically\s+necessary(?:\s+(?:and|or)\s+appropriate)?\s*\.?", re.I)
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.)](?:\s+(.*))?$")
_SUMMARY_ITEM = re.compile(
    r"(\d{1,2})\s*\)\s*MAXIMUS\s+Federal\s+Services,?\s+Inc\.?,?\s+has\s+determined\s+(?:that\s+)?(?:the\s+)?"
    r"(?:request(?:ed)?\s+(?:for\s+)?)?(?P<req>.+?)\s+(?:is|are)\s+(?P<neg>not\s*)?medically\s+necessary",
    re.I,
)
_CITATION_HEAD = re.compile(
    r"Guidelines?\s*/\s*Medical\s+Treatment\s+Utilization\s+Schedule\s*\(MTUS\)\s*citation\s*:?", re.I
)
_CA = re.compile(r"The\s+Claims\s+Administrator\s+(?:based\s+its\s+decision\s+on|did\s+not)", re.I)
_MX = re.compile(r"The\s+Expert\s+Reviewer\s+(?:based\s+(?:his\s*/\s*her|his|her|their)\s+decision\s+on|did\s+not|found)", re.I)
_RATIONALE = re.compile(r"Rationale\s+for\s+the\s+Decision\s*:?", re.I)
_LEAD = re.compile(
    r"^The\s+(?:Claims\s+Administrator|Expert\s+Reviewer)\s+based\s+(?:its|his\s*/\s*her|his|her|their)\s+decision\s+on\s+(?:the\s+)?",
    re.I,
)
_SPLIT_CITATIONS = re.compile(r"(?<=MTUS)\s*(?:,|;)?\s+and\s+(?:on\s+)?(?:the\s+)?|(?<=MTUS)[.;]\s+", re.I)
#: The letter's closing after the last rationale: typist initials "/mh", "cc:" lists.
_CLOSING = re.compile(r"\s(?:/[a-z]{1,4}\b|cc\s*:)", re.I)
_NO_CITATION = re.compile(r"did\s+not\s+(?:cite|provide|base)", re.I)


def _find(pattern: re.Pattern[str], text: str, start: int = 0) -> re.Match[str] | None:
    return pattern.search(text, start)


def parse(ct: CleanText) -> LayoutResult:
    text = ct.text
    warnings: list[str] = []
    summary_head = _find(_SUMMARY_HEAD, text)
    quals = _find(_QUALIFICATIONS, text)
    case_summary = _find(_CASE_SUMMARY, text, quals.end() if quals else 0)
    documents = _find(_DOCUMENTS, text)
    detailed = _find(_DETAILED, text)

    marks = sorted(m.start() for m in (summary_head, quals, case_summary, documents, detailed) if m)
    dear = _find(_DEAR, text)
    candidates = ([dear.start()] if dear else []) + marks[:1]
    header_end = min(candidates) if candidates else len(text)
    header = text[:header_end]

    def until_next(m: re.Match[str] | None) -> str:
        if m is None:
            return ""
        later = [p for p in marks if p > m.start()]
        return text[m.end() : later[0] if later else len(text)]

    credentials = until_next(quals)
    summary = until_next(case_summary)
    if not quals:
        warnings.append('section "Medical Qualifications of the Expert Reviewer" not found')
    if not case_summary:
        warnings.append('section "Case Summary" not found')

    items: list[Item] = []
    if detailed:
        items, item_warnings = _detailed_items(until_next(detailed))
        warnings.extend(item_warnings)
    summary_list = _summary_items(until_next(summary_head) if summary_head else header)
    if not items and summary_list:
        if detailed is None:
            warnings.append('section "IMR DECISION(S) AND RATIONALE(S)" not found; items taken from the summary list')
        items = summary_list
    elif summary_list and len(summary_list) != len(items):
        warnings.append(
            f"the summary list names {len(summary_list)} items but the detailed section has {len(items)}"
        )
    if not items:
        warnings.append("no disputed items found (expected '1. <item> is not medically necessary and appropriate.')")
    return LayoutResult(Sections(header, credentials, summary), tuple(items), tuple(warnings))


def _summary_items(text: str) -> list[Item]:
    out = []
    for m in _SUMMARY_ITEM.finditer(collapse(text)):
        out.append(Item(request=clean_request(m.group("req")), decision="upheld" if m.group("neg") else "overturned"))
    return out


def _detailed_items(section: str) -> tuple[list[Item], list[str]]:
    lines = section.split("\n")
    heads: list[tuple[int, int, str, str]] = []  # (first line, last header line, request, decision)
    expected = 1
    i = 0
    while i < len(lines):
        m = _NUMBERED.match(lines[i])
        if m and int(m.group(1)) == expected:
            joined = m.group(2) or ""
            k = i
            nec = _NECESSARY.search(joined)
            # The item may wrap over a few lines, even across a page break ("2. EMG/NCV" / "" / "BUE is ...").
            while nec is None and k + 1 < len(lines) and k - i < 4:
                k += 1
                if lines[k]:
                    joined += " " + lines[k]
                    nec = _NECESSARY.search(joined)
            if nec is not None:
                request = clean_request(joined[: nec.start()])
                decision = "upheld" if nec.group("neg") is not None else "overturned"
                heads.append((i, k, request, decision))
                expected += 1
                i = k + 1
                continue
        i += 1

    items: list[Item] = []
    warnings: list[str] = []
    for n, (first, last, request, decision) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body = collapse(" ".join(lines[last + 1 : end]))
        body = _CITATION_HEAD.sub(" ", body)
        rat = _RATIONALE.search(body)
        cites = body[: rat.start()] if rat else body
        rationale = _CLOSING.split(collapse(body[rat.end() :]) if rat else "", maxsplit=1)[0].strip()
        ca_m, mx_m = _CA.search(cites), _MX.search(cites)
        ca = mx = ""
        if ca_m:
            ca = cites[ca_m.start() : mx_m.start() if mx_m and mx_m.start() > ca_m.start() else len(cites)]
        if mx_m:
            mx = cites[mx_m.start() : ca_m.start() if ca_m and ca_m.start() > mx_m.start() else len(cites)]
        label = f'item {n + 1} ("{short(request)}")'
        if not rat:
            warnings.append(f'{label}: no "Rationale for the Decision"')
        if not mx_m:
            warnings.append(f"{label}: no Expert Reviewer citation")
        items.append(
            Item(
                request=request,
                decision=decision,
                rationale=rationale,
                guidelines=Guidelines(legacy_citations(ca), legacy_citations(mx)),
            )
        )
    return items, warnings


def legacy_citations(sentence: str) -> tuple[Citation, ...]:
    """ "The Expert Reviewer based his/her decision on the X, which is part of the MTUS, and the Y ..." """
    s = collapse(sentence)
    if not s:
        return ()
    if _NO_CITATION.search(s) and not _LEAD.search(s):
        return (Citation(source="none", raw=s.rstrip(" .")),)
    s = _LEAD.sub("", s)
    parts = [p.strip(" .;,") for p in _SPLIT_CITATIONS.split(s)]
    return tuple(parse_citation(p) for p in parts if p)
