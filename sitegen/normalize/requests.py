"""One request as written -> procedure slug, category, region, laterality, drug details, visits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.normalize.taxonomy import Taxonomy

VISIT_CATEGORIES = frozenset({"therapy", "evaluation", "program", "other"})
#: Products whose percentages describe ingredients, not a strength.
NO_STRENGTH = frozenset({"compounded-topical", "medical-food"})

_LAT_RE = re.compile(r"(?<![a-z0-9])(left|lt|right|rt|bilateral|bilat|b/l|both|bue|ble|bles|bues)(?![a-z0-9])")
_LAT = {"left": "left", "lt": "left", "right": "right", "rt": "right"}

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(mcg/hr|mcg/h|mg/ml|mg/g|mg|mcg|gm|g|ml|%)"
# "10/325mg", "7.5 mg", "5%", "25mcg/hr", "10-325 mg" (a slash-less combination is rare but seen)
_STRENGTH_RE = re.compile(rf"(?<![\w.#/])({_NUM}(?:\s*[/-]\s*{_NUM})*)\s*{_UNIT}(?![a-z])", re.I)
_BARE_COMBO_RE = re.compile(rf"(?<![\w.#/])({_NUM})\s*/\s*({_NUM})(?![\w./%])")
_AMOUNT_SEP = re.compile(r"\s*([/-])\s*")
_QTY_RE = re.compile(
    r"(?:#\s*(\d+)|\b(?:qty|quantity|count|no\.)\s*:?\s*#?\s*(\d+)|\((\d+)\s*(?:tablets?|tabs?|capsules?|caps?|patch(?:es)?|pills?)\)|"
    r"\b(\d+)\s+(?:tablets?|tabs|capsules?|caps|patch(?:es)?|pills)\b)",
    re.I,
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty": 30, "once": 1, "twice": 2, "thrice": 3,
}
_N = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|sixteen|eighteen|twenty|thirty|once|twice|thrice)"
# "2 x 6", "2x6", "2 times 6", "2 times a week for 6 weeks", "twice a week for six weeks", "3x/wk x 4 wks"
_FREQ_RE = re.compile(
    rf"(?<![\w/.]){_N}\s*(?:\(\d+\)\s*)?(?:x|times|×)\s*(?:(?:a|per|/)\s*(?:week|wk)s?\s*)?(?:(?:x|for|×)\s*)?{_N}(?:\s*\(\d+\))?(?!\s*(?:mg|mcg|%|ml|gm?\b))(?![\w.])",
    re.I,
)
_FREQ_WORDS_RE = re.compile(rf"{_N}\s*(?:a|per|/)\s*(?:week|wk)\s*(?:for|x|×)\s*{_N}\s*(?:weeks|wks)", re.I)
# "x 8 sessions", "12 visits", "Twelve (12) sessions", "(8) sessions", "eight sessions"
_SESSIONS_RE = re.compile(
    rf"(?:(?<![\w/.])(?:x\s*)?{_N}\s*(?:\((\d+)\)\s*)?|\((\d+)\)\s*)(?:additional\s+|more\s+|full[- ]day\s+|outpatient\s+|physical therapy\s+|therapy\s+|chiropractic\s+|acupuncture\s+|treatment\s+)?(?:sessions?|visits?|treatments?)\b",
    re.I,
)


# "Post-op aqua therapy x 6": a bare count after "x" (not days, weeks, hours ...)
_X_COUNT_RE = re.compile(r"(?<![\w/.])x\s*(\d{1,2})(?![\w.])(?!\s*(?:days?|weeks?|wks?|months?|hours?|hrs?|years?|/))", re.I)


def _num(tok: str | None) -> int | None:
    if tok is None:
        return None
    tok = tok.lower()
    return int(tok) if tok.isdigit() else _WORDS.get(tok)


def laterality(text: str) -> str | None:
    """"left" | "right" | "bilateral" when the request states it (both sides -> bilateral)."""
    sides: set[str] = set()
    for m in _LAT_RE.finditer(text.lower()):
        word = m.group(1)
        sides.add(_LAT.get(word, "bilateral"))
    if not sides:
        return None
    if "bilateral" in sides or len(sides) > 1:
        return "bilateral"
    return sides.pop()


def strength(text: str) -> str | None:
    """Medication strength as normalised text: "10/325 mg", "7.5 mg", "5%", "25 mcg/hr"."""
    m = _STRENGTH_RE.search(text)
    if m:
        amount = _AMOUNT_SEP.sub("/", m.group(1))
        unit = m.group(2).lower()
        unit = {"gm": "g", "mcg/h": "mcg/hr"}.get(unit, unit)
        return f"{amount}%" if unit == "%" else f"{amount} {unit}"
    m = _BARE_COMBO_RE.search(text)  # "Ultracet 37.5/325 #60": a combination tablet, in mg
    return f"{m.group(1)}/{m.group(2)} mg" if m else None


def quantity(text: str) -> int | None:
    """Medication quantity: "#120" -> 120, "Qty: 60", "(60 tablets)"."""
    m = _QTY_RE.search(text)
    if not m:
        return None
    return int(next(g for g in m.groups() if g is not None))


def visits(text: str) -> int | None:
    """Visit count: "2 x 6" and "2x6" -> 12, "x 8 sessions" -> 8, "twice a week for six weeks" -> 12."""
    m = _FREQ_WORDS_RE.search(text) or _FREQ_RE.search(text)
    if m:
        a, b = _num(m.group(1)), _num(m.group(2))
        if a and b and a <= 7 and b <= 52:
            return a * b
    m = _SESSIONS_RE.search(text)
    if m:
        n = _num(m.group(2)) or _num(m.group(3)) or _num(m.group(1))
        if n:
            return n
    m = _X_COUNT_RE.search(text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class NormalizedRequest:
    procedure: str | None = None
    category: str | None = None
    body_region: str | None = None
    laterality: str | None = None
    drug: str | None = None
    strength: str | None = None
    quantity: int | None = None
    visits: int | None = None


def normalize_request(text: str, taxonomy: Taxonomy) -> NormalizedRequest:
    """Map one request as written to its canonical procedure and the details stated with it."""
    cache = taxonomy._cache
    hit = cache.get(text)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    concepts = taxonomy.concepts(text)
    proc = taxonomy.best(concepts)
    region = None
    if proc is not None and proc.region is not None:
        region = taxonomy.regions[proc.region]
    elif proc is None or proc.category not in {"medication", "lab"}:
        region = taxonomy.region_of(concepts)
    category = proc.category if proc else None
    result = NormalizedRequest(
        procedure=proc.slug if proc else None,
        category=category,
        body_region=region,
        laterality=laterality(text) if category != "medication" else None,
        drug=proc.drug if proc else None,
        strength=strength(text) if proc is not None and category == "medication" and proc.slug not in NO_STRENGTH else None,
        quantity=quantity(text) if category == "medication" else None,
        visits=visits(text) if category in VISIT_CATEGORIES else None,
    )
    if len(cache) > 50_000:
        cache.clear()
    cache[text] = result
    return result
