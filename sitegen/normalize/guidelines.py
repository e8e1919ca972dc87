"""Guideline identity: a citation -> (key, display title) for per-guideline pages.

Key forms (documented in docs/taxonomy.md):
``mtus-acoem-chN``, ``mtus-acoem``, ``mtus-chronic-pain``, ``mtus-postsurgical``,
``mtus-acupuncture``, ``mtus``, ``odg-<chapter>``, ``odg``, ``other-<body>``, ``other``, ``none``.
"""

from __future__ import annotations

import re

from sitegen.model import Citation

ACOEM_CHAPTERS: dict[int, str] = {
    1: "Prevention",
    2: "General Approach to Initial Assessment and Documentation",
    3: "Initial Approaches to Treatment",
    4: "Work-Relatedness",
    5: "Cornerstones of Disability Prevention and Management",
    6: "Pain, Suffering, and the Restoration of Function",
    7: "Independent Medical Examinations and Consultations",
    8: "Neck and Upper Back Complaints",
    9: "Shoulder Complaints",
    10: "Elbow Disorders",
    11: "Forearm, Wrist, and Hand Complaints",
    12: "Low Back Complaints",
    13: "Knee Complaints",
    14: "Ankle and Foot Complaints",
    15: "Stress Related Conditions",
}

# Canonical ODG chapter -> key suffix.  Aliases are matched after _odg_norm().
ODG_CHAPTERS: dict[str, str] = {
    "Low Back": "low-back",
    "Neck and Upper Back": "neck-and-upper-back",
    "Shoulder": "shoulder",
    "Elbow": "elbow",
    "Forearm, Wrist & Hand": "forearm-wrist-hand",
    "Carpal Tunnel Syndrome": "carpal-tunnel-syndrome",
    "Hip & Pelvis": "hip-pelvis",
    "Knee & Leg": "knee-leg",
    "Ankle & Foot": "ankle-foot",
    "Pain": "pain",
    "Mental Illness & Stress": "mental-illness-stress",
    "Head": "head",
    "Fitness for Duty": "fitness-for-duty",
    "Eye": "eye",
    "Hernia": "hernia",
    "Burns": "burns",
    "Pulmonary": "pulmonary",
    "Diabetes": "diabetes",
    "Chest": "chest",
    "Integrated Treatment/Disability Duration Guidelines": "integrated",
}

#: The one table of ODG chapter aliases as letters write them (canonical -> aliases), matched
#: case-insensitively.  The parser (sitegen/parse/citations.py) uses it to find where a chapter
#: ends and its topic begins; odg_chapter() below matches the same aliases after _odg_norm().
ODG_CHAPTER_ALIASES: dict[str, tuple[str, ...]] = {
    "Low Back": (
        "Low Back - Lumbar & Thoracic",
        "Low Back Lumbar & Thoracic",
        "Lumbar and Thoracic",
        "Lumbar Spine",
        "Lumbar",
        "Lower Back",
        "Thoracic",
    ),
    "Neck and Upper Back": ("Neck & Upper Back", "Neck", "Cervical Spine", "Cervical", "Upper Back"),
    "Shoulder": (),
    "Elbow": (),
    "Forearm, Wrist & Hand": (
        "Forearm, Wrist, & Hand",
        "Forearm, Wrist and Hand",
        "Forearm Wrist & Hand",
        "Forearm Wrist and Hand",
        "Wrist & Hand",
        "Hand",
        "Wrist",
        "Forearm",
    ),
    "Carpal Tunnel Syndrome": ("Carpal Tunnel",),
    "Hip & Pelvis": ("Hip and Pelvis", "Hip"),
    "Knee & Leg": ("Knee and Leg", "Knee"),
    "Ankle & Foot": ("Ankle and Foot", "Ankle", "Foot"),
    "Pain": ("Pain (Chronic)", "Chronic Pain"),
    "Mental Illness & Stress": (
        "Mental Illness and Stress",
        "Stress & Mental Illness",
        "Stress and Mental Illness",
        "Mental Illness",
        "Mental Stress",
    ),
    "Head": ("Head (trauma, headaches, etc.)", "Head (trauma, headaches, etc)", "Traumatic Brain Injury", "TBI"),
    "Fitness for Duty": (),
    "Eye": (),
    "Hernia": (),
    "Burns": (),
    "Pulmonary": (),
    "Diabetes": (),
    "Chest": (),
    "Integrated Treatment/Disability Duration Guidelines": (),
}
assert set(ODG_CHAPTER_ALIASES) == set(ODG_CHAPTERS)

# Words that never distinguish a chapter: dropped before alias lookup.
_ODG_NOISE = re.compile(
    r"\b(?:chapter|chapters|chap|section|acute|and|procedure|summary|treatment|index|online|edition|"
    r"official|disability|guidelines?|odg|twc|web based|current|the|of|complaints?|disorders?)\b"
)
_NOT_LETTERS = re.compile(r"[^a-z ]+")


def _odg_norm(text: str) -> str:
    t = text.lower().replace("&", " ")
    t = _NOT_LETTERS.sub(" ", t)
    t = _ODG_NOISE.sub(" ", t)
    return " ".join(t.split())


_ODG_ALIASES: dict[str, str] = {
    _odg_norm(alias): canonical
    for canonical, aliases in ODG_CHAPTER_ALIASES.items()
    for alias in (canonical, *aliases)
    if _odg_norm(alias)
}
_ODG_ALIASES["back"] = "Low Back"  # "ODG Back chapter": never a surface alias for the parser


def odg_chapter(text: str | None) -> str | None:
    """Canonical ODG chapter for an alias ("Lumbar Chapter", "Neck & Upper Back", "Pain (Chronic)")."""
    if not text:
        return None
    if text in ODG_CHAPTERS:
        return text
    n = _odg_norm(text)
    if n in _ODG_ALIASES:
        return _ODG_ALIASES[n]
    # Longest alias that starts the text ("Low Back chapter-Hardware removal").
    for alias in sorted(_ODG_ALIASES, key=len, reverse=True):
        if n.startswith(alias + " ") or n == alias:
            return _ODG_ALIASES[alias]
    return None


_ODG_IN_RAW = re.compile(
    r"(?:\(ODG(?:-TWC)?\)|ODG(?:-TWC)?|Official Disability Guidelines)\s*[,:;.-]*\s*(?:ODG(?:-TWC)?\s*[,:;-]*\s*)?(.{0,60})",
    re.I,
)
_ACOEM_CH_RE = re.compile(r"\bchapter\s*(\d{1,2})\b|\bch\.?\s*(\d{1,2})\b", re.I)

# Well-known "other" sources: (pattern, key, title).
_OTHER: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p, re.I), k, t)
    for p, k, t in (
        (r"American College of Surgeons|\bACS\b", "other-acs", "American College of Surgeons"),
        (r"ACC\s*/\s*AHA|American College of Cardiology|American Heart Association", "other-acc-aha", "ACC/AHA Guidelines"),
        (r"ACOEM|American College of Occupational and Environmental Medicine", "other-acoem", "ACOEM (Non-MTUS)"),
        (r"\bFDA\b|Food and Drug Administration", "other-fda", "FDA"),
        (r"American College of Radiology|\bACR\b", "other-acr", "American College of Radiology"),
        (r"American Academy of Orthopa?edic Surgeons|\bAAOS\b", "other-aaos", "American Academy of Orthopaedic Surgeons"),
        (r"North American Spine Society|\bNASS\b", "other-nass", "North American Spine Society"),
        (r"AMA Guides|Guides to the Evaluation of Permanent Impairment", "other-ama-guides", "AMA Guides"),
        (r"Medicare|\bCMS\b", "other-cms", "Medicare (CMS)"),
        (r"American Academy of Sleep Medicine|\bAASM\b", "other-aasm", "American Academy of Sleep Medicine"),
    )
)

_ODG_RAW = re.compile(r"Official Disability Guidelines|\bODG\b", re.I)


def _mtus(c: Citation) -> tuple[str, str]:
    doc = (c.document or "").lower()
    raw = c.raw or ""
    low = (doc + " " + raw).lower()
    if "chronic pain" in doc or ("chronic pain medical treatment" in low) or "cpmtg" in low:
        return "mtus-chronic-pain", "MTUS Chronic Pain Medical Treatment Guidelines"
    if "postsurgical" in low or "post-surgical" in low or "post surgical" in low:
        return "mtus-postsurgical", "MTUS Postsurgical Treatment Guidelines"
    if "acupuncture" in doc or "acupuncture medical treatment" in low or "9792.24.1" in low:
        return "mtus-acupuncture", "MTUS Acupuncture Medical Treatment Guidelines"
    if "acoem" in low or "american college of occupational" in low:
        number: int | None = None
        if c.chapter and c.chapter.strip().isdigit():
            number = int(c.chapter.strip())
        else:
            m = _ACOEM_CH_RE.search(raw)
            if m:
                number = int(m.group(1) or m.group(2))
        if number in ACOEM_CHAPTERS:
            return f"mtus-acoem-ch{number}", f"MTUS ACOEM Ch. {number} {ACOEM_CHAPTERS[number]}"
        return "mtus-acoem", "MTUS ACOEM Practice Guidelines"
    return "mtus", "MTUS (unspecified)"


def _odg(c: Citation) -> tuple[str, str]:
    chapter = odg_chapter(c.chapter)
    if chapter is None and c.raw:
        m = _ODG_IN_RAW.search(c.raw)
        if m:
            chapter = odg_chapter(m.group(1))
    if chapter is None:
        return "odg", "ODG (chapter not stated)"
    return f"odg-{ODG_CHAPTERS[chapter]}", f"ODG {chapter}"


def guideline_identity(c: Citation) -> tuple[str, str]:
    """Canonical (key, display title) of one citation."""
    source = (c.source or "").strip()
    if source == "none":
        return "none", "No medical evidence cited"
    if source == "MTUS":
        return _mtus(c)
    if source == "ODG":
        return _odg(c)
    text = " ".join(x for x in (c.document, c.raw) if x)
    if source != "other" and _ODG_RAW.search(text):
        return _odg(c)
    for pattern, key, title in _OTHER:
        if pattern.search(text):
            return key, title
    return "other", "Other guidelines and peer-reviewed literature"
