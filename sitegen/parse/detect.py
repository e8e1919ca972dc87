"""Which letter layout is this?"""

from __future__ import annotations

import re

_PROFESSIONAL = re.compile(r"^[ \t]*MEDICAL\s+PROFESSIONAL\s+REVIEW\b|^[ \t]*ISSUES?\s+AT\s+DISPUTE\s*:", re.M | re.I)
_LEGACY = re.compile(
    r"IMR\s+DECISION\s*\(\s*S\s*\)\s+AND\s+RATIONALE\s*\(\s*S\s*\)"
    r"|Notice\s+of\s+Independent\s+Medical\s+Review\s+Determination"
    r"|INDEPENDENT\s+MEDICAL\s+REVIEW\s+DECISION\s+AND\s+RATIONALE"
    r"|Medical\s+Qualifications\s+of\s+the\s+Expert\s+Reviewer",
    re.I,
)
_DETERMINATION = re.compile(
    r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE"
    r"|IMR\s+ISSUES?\s*,?\s+DECISIONS?\s*,?\s+AND\s+RATIONALES?"
    r"|MAXIMUS\s+guidelines?\s*:"
    r"|Claims\s+Administrator\s+guidelines?\s*:",
    re.I,
)


def detect(text: str) -> str:
    """"determination" | "legacy-2013" | "professional-review" | "unknown"."""
    if _DETERMINATION.search(text):
        return "determination"
    if _LEGACY.search(text):
        return "legacy-2013"
    if _PROFESSIONAL.search(text):
        return "professional-review"
    return "unknown"
