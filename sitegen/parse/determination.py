"""The 2014+ determination body (all five seeds), with or without the header block.

    [header block: Case Number:, Date Assigned:, Date of Injury:, ... Treatment(s) in Dispute ...]
    HOW THE IMR FINAL DETERMINATION WAS MADE      (credentials sentence, or the labelled block after it)
    CLINICAL CASE SUMMARY
    IMR ISSUES, DECISIONS AND RATIONALES
      <request>: Upheld | Overturned             (split at the last colon)
      Claims Administrator guideline: ...
      MAXIMUS guideline: ...
      Decision rationale: ...
"""

from __future__ import annotations

import re

from sitegen.clean import CleanText, lines_holding
from sitegen.model import Guidelines, Item
from sitegen.parse.citations import parse_guideline_text
from sitegen.parse.common import (
    LayoutResult,
    Sections,
    clean_request,
    collapse,
    find_heading,
    heading,
    short,
)

HOW = heading("HOW THE IMR FINAL DETERMINATION WAS MADE")
SUMMARY = heading("CLINICAL CASE SUMMARY")
ISSUES = re.compile(
    r"^[ \t]*IMR\s+ISSUES?\s*,?\s+DECISIONS?\s*,?\s+AND\s+RATIONALES?[ \t]*:?[ \t]*$", re.M | re.I
)
_DECISION_LINE = re.compile(
    r"^(?P<req>.*?)\s*:?\s*:\s*(?P<dec>Upheld|Overturned|Uphold|Overturn|Overruled)\s*\.?\s*$", re.I
)
_BARE_DECISION = re.compile(r"^\s*:?\s*(?P<dec>Upheld|Overturned|Uphold|Overturn)\s*\.?\s*$", re.I)
_LABELS = re.compile(
    r"^[ \t]*(?:(?P<ca>Claims\s+Administrator(?:'s)?\s+guidelines?\s*:)"
    r"|(?P<mx>(?:MAXIMUS|Expert\s+Reviewer(?:'s)?|IMR)\s+guidelines?\s*:)"
    r"|(?P<dr>Decision\s+rationale\s*:))",
    re.I | re.M,
)
#: Words a decision line ends with (lower-cased): "Upheld", "Overturned", "Uphold", "Overruled".
_DECISION_WORDS = ("held", "turn", "uphold", "overruled")
_PREAMBLE = re.compile(r"set\s+forth\s+below\s*:?\s*$|^The\s+Final\s+Determination\s+was\s+based", re.I)
_STOP_BEFORE = re.compile(
    r"[.!?]\s*$|^(?:Claims\s+Administrator|MAXIMUS|Decision\s+rationale)\b|set\s+forth\s+below", re.I
)


def decision_word(word: str) -> str | None:
    w = word.lower()
    if w.startswith("uph"):
        return "upheld"
    if w.startswith("over"):
        return "overturned"
    return None


def split_sections(ct: CleanText) -> tuple[Sections, str, list[str]]:
    """Header, credentials, summary and the items text of a determination letter."""
    text = ct.text
    warnings: list[str] = []
    how = find_heading(ct, HOW)
    summ = find_heading(ct, SUMMARY)
    issues = find_heading(ct, ISSUES)
    if issues is None:
        warnings.append('section "IMR ISSUES, DECISIONS AND RATIONALES" not found')
    if summ is None:
        warnings.append('section "CLINICAL CASE SUMMARY" not found')
    end_items = len(text)
    start_items = issues.end() if issues else (summ.end() if summ else 0)
    first = min((m.start() for m in (how, summ, issues) if m), default=0)
    header = text[:first]
    if how:
        cred_end = summ.start() if summ and summ.start() > how.end() else (issues.start() if issues else len(text))
        credentials = text[how.end() : cred_end]
    else:
        credentials = text[: summ.start()] if summ else text
    if summ:
        summary_end = issues.start() if issues and issues.start() > summ.end() else len(text)
        summary = text[summ.end() : summary_end]
    else:
        summary = text[how.end() : issues.start()] if how and issues and issues.start() > how.end() else ""
    return Sections(header, credentials, summary), text[start_items:end_items], warnings


def parse_items(items_text: str) -> tuple[list[Item], list[str]]:
    """Find "<request>: Upheld" lines and the guideline lines and rationale under each."""
    lines = items_text.split("\n")
    starts: list[tuple[int, int, str, str]] = []  # (first line, decision line, request, decision)
    for i in lines_holding(items_text.lower(), _DECISION_WORDS):  # only lines that may end in one
        line = lines[i]
        tail = line[-14:].lower()
        if not any(word in tail for word in _DECISION_WORDS):
            continue
        m = _DECISION_LINE.match(line)
        if m and m.group("req").strip():
            req_parts = [m.group("req")]
        else:
            b = _BARE_DECISION.match(line)
            if not (b and i > 0 and lines[i - 1].strip()):
                continue
            m = b
            req_parts = []
        first = i
        # A request may wrap: "...studies of the bilateral lower" / "extremities: Upheld".
        j = i - 1
        while j >= 0 and i - j <= 3:
            prev = lines[j].strip()
            if not prev or _STOP_BEFORE.search(prev) or _PREAMBLE.search(prev):
                break
            if starts and j <= starts[-1][1]:
                break
            req_parts.insert(0, prev)
            first = j
            j -= 1
        request = clean_request(" ".join(req_parts))
        if not request:
            continue
        starts.append((first, i, request, m.group("dec")))

    items: list[Item] = []
    warnings: list[str] = []
    for n, (first, dline, request, dec) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = "\n".join(lines[dline + 1 : end])
        ca, mx, rationale, missing = split_item_body(body)
        for what in missing:
            warnings.append(f'item {n + 1} ("{short(request)}"): no {what}')
        items.append(
            Item(
                request=request,
                decision=decision_word(dec),
                rationale=rationale,
                guidelines=Guidelines(parse_guideline_text(ca), parse_guideline_text(mx)),
            )
        )
    return items, warnings


def split_item_body(body: str) -> tuple[str, str, str, list[str]]:
    """The claims administrator line, the MAXIMUS line and the rationale of one item."""
    found: dict[str, tuple[int, int]] = {}
    for m in _LABELS.finditer(body):
        kind = m.lastgroup  # "ca", "mx" or "dr": the pattern's only groups
        if kind not in found:
            found[kind] = (m.start(), m.end())
            if len(found) == 3:
                break  # only the first of each label counts: the rationale after it is not searched
    order = sorted(found.items(), key=lambda kv: kv[1][0])
    parts: dict[str, str] = {}
    for k, (kind, (_s, e)) in enumerate(order):
        stop = order[k + 1][1][0] if k + 1 < len(order) else len(body)
        parts[kind] = body[e:stop]
    missing = []
    if "ca" not in found:
        missing.append('"Claims Administrator guideline" line')
    if "mx" not in found:
        missing.append('"MAXIMUS guideline" line')
    if "dr" not in found:
        missing.append('"Decision rationale"')
    rationale = collapse(parts.get("dr", "" if order else body))
    return parts.get("ca", ""), parts.get("mx", ""), rationale, missing


def parse(ct: CleanText) -> LayoutResult:
    sections, items_text, warnings = split_sections(ct)
    items, item_warnings = parse_items(items_text)
    if not items:
        warnings.append("no disputed items found (expected lines such as '<request>: Upheld')")
    return LayoutResult(sections=sections, items=tuple(items), warnings=tuple(warnings + item_warnings))
