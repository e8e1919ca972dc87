"""Which letter layout is this?"""

from __future__ import annotations

import re

_DETERMINATION = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "IMR ISSUES DECISIONS AND RATIONALES",
    "MAXIMUS GUIDELINE:",
    "CLAIMS ADMINISTRATOR GUIDELINE:",
)
_DETERMINATION_AS_WRITTEN = ("HOW THE IMR FINAL DETERMINATION WAS MADE", "MAXIMUS guideline:", "IMR ISSUES, DECISIONS AND RATIONALES")
_LEGACY = (
    "NOTICE OF INDEPENDENT MEDICAL REVIEW DETERMINATION",
    "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
    "MEDICAL QUALIFICATIONS OF THE EXPERT REVIEWER",
)
_LEGACY_RE = re.compile(r"IMR DECISION ?\( ?S ?\) AND RATIONALE ?\( ?S ?\)")
_PROFESSIONAL = ("MEDICAL PROFESSIONAL REVIEW", "ISSUE AT DISPUTE:", "ISSUES AT DISPUTE:")


def detect(text: str) -> str:
    """"determination" | "legacy-2013" | "professional-review" | "unknown"."""
    if any(marker in text for marker in _DETERMINATION_AS_WRITTEN):
        return "determination"  # the common case, without flattening the whole text
    flat = " ".join(text.split()).upper()
    if any(marker in flat for marker in _DETERMINATION):
        return "determination"
    if any(marker in flat for marker in _LEGACY) or _LEGACY_RE.search(flat):
        return "legacy-2013"
    if any(marker in flat for marker in _PROFESSIONAL):
        return "professional-review"
    return "unknown"
