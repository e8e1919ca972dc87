#!/usr/bin/env python3
"""Deterministic generator of realistic synthetic IMR final determination letters.

    python benchmarks/generate_corpus.py OUT_DIR --count 1000 [--seed 0] [--artefacts 0.25]
        [--formats determination,legacy-2013,professional-review] [--jobs N]

Writes ``OUT_DIR/letters/NNN/NNNNNNN_<hex>.txt`` (1,000 files per sub-folder) and
``OUT_DIR/truth.jsonl`` (one ground-truth object per letter, same order).  The same
seed gives byte-identical files: every letter is seeded from ``(seed, index)`` alone,
so letters can be generated in any order or in parallel.

Importable: :func:`generate` writes a corpus, :func:`iter_letters` yields
``(relative_path, text, truth)`` without touching the disk (``truth["encoding"]``
says how the file is encoded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus_catalog as cat  # type: ignore[import-not-found]
else:  # pragma: no cover - imported as benchmarks.generate_corpus
    from . import corpus_catalog as cat

FORMATS = ("determination", "legacy-2013", "professional-review")
FORMAT_WEIGHTS = {"determination": 0.80, "legacy-2013": 0.12, "professional-review": 0.08}
ARTEFACTS = (
    "pdf-lines", "trailing-spaces", "crlf", "page-furniture", "hyphenation", "curly-quotes", "nbsp",
    "cp1252", "wrapped-headings", "wrapped-items", "credential-wrap", "missing-spaces",
)
ARTEFACT_PROB = {
    "pdf-lines": 0.7, "trailing-spaces": 0.3, "crlf": 0.2, "page-furniture": 0.4, "hyphenation": 0.35,
    "curly-quotes": 0.3, "nbsp": 0.2, "cp1252": 0.15, "wrapped-headings": 0.3, "wrapped-items": 0.3,
    "credential-wrap": 0.35, "missing-spaces": 0.2,
}
WIDTH = 95
MIN_BYTES, MAX_BYTES = 3 * 1024, 12 * 1024
PER_DIR = 1000
OVERTURN_P = 0.135  # per independent item; associated items of upheld primaries pull the mean to ~12%

_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse whitespace (U+00A0 included) as the ground truth does."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


# =========================================================================== content model
@dataclass
class Cite:
    kind: str  # acoem | cpmtg | post | acu | odg | other | none
    a: str | None = None
    b: str | None = None

    def truth(self) -> dict[str, Any]:
        t: dict[str, Any] = {"source": "none", "document": None, "chapter": None, "topic": None, "pages": None}
        if self.kind == "acoem":
            t.update(source="MTUS", document="ACOEM", chapter=self.a, pages=self.b)
        elif self.kind == "acoem2017":  # ACOEM guidelines adopted 12/1/2017: named, not numbered
            t.update(source="MTUS", document="ACOEM", topic=self.a)
        elif self.kind == "cpmtg":
            t.update(source="MTUS", document="Chronic Pain Medical Treatment Guidelines", topic=self.a, pages=self.b)
        elif self.kind == "post":
            t.update(source="MTUS", document="Postsurgical Treatment Guidelines", topic=self.a, pages=self.b)
        elif self.kind == "acu":
            t.update(source="MTUS", document="Acupuncture Medical Treatment Guidelines")
        elif self.kind == "odg":
            t.update(source="ODG", document="ODG", chapter=self.a, topic=self.b)
        elif self.kind == "other":
            t.update(source="other")
        return t


@dataclass
class GenItem:
    request: str
    decision: str
    slug: str
    category: str
    body_region: str | None
    laterality: str | None = None
    drug: str | None = None
    strength: str | None = None
    quantity: int | None = None
    visits: int | None = None
    associated: bool = False
    reviewer: list[Cite] = field(default_factory=list)
    ua: list[Cite] = field(default_factory=list)
    rationale: list[str] = field(default_factory=list)
    # rendered citation text (fixed once so size fitting does not change it)
    reviewer_text: str = ""
    ua_text: str = ""

    def truth(self) -> dict[str, Any]:
        return {
            "request": collapse(self.request), "decision": self.decision, "procedure": self.slug,
            "category": self.category, "body_region": self.body_region, "laterality": self.laterality,
            "drug": self.drug, "strength": self.strength, "quantity": self.quantity, "visits": self.visits,
            "associated": self.associated, "reviewer_citations": [c.truth() for c in self.reviewer],
        }


@dataclass
class Line:
    text: str
    kind: str = "text"  # text | blank | heading | item | item-cont | cred
    glue: bool = False  # True: never insert page furniture after this line


def _wpick(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


# =========================================================================== items
_SIDES = (("left", 0.45), ("right", 0.45), ("bilateral", 0.10))
_LLEV = ("L4-5", "L5-S1", "L4-L5", "L3-4", "L4-S1", "L3-L5", "L2-3, L3-4", "L5-S1")
_CLEV = ("C5-6", "C5-C6", "C6-7", "C4-5", "C5-6 and C6-7", "C3-4")
_FREQ = (
    ("2 x 6", 12), ("2x6", 12), ("3 x 4", 12), ("2 x 4", 8), ("1 x 6", 6), ("x 8 sessions", 8), ("x 12 visits", 12),
    ("12 sessions", 12), ("6 sessions", 6), ("twice a week for six weeks", 12), ("x 6", 6), ("3x4", 12),
    ("(8) sessions", 8), ("x 18 sessions", 18), ("2 times a week for 4 weeks", 8), ("times 6 visits", 6),
)


def _fill(rng: random.Random, template: str) -> tuple[str, dict[str, Any]]:
    extra: dict[str, Any] = {}
    if "{side}" in template or "{Side}" in template:
        side = _wpick(rng, _SIDES)
        extra["laterality"] = side
        template = template.replace("{side}", side).replace("{Side}", side.capitalize())
    if "{llev}" in template:
        template = template.replace("{llev}", rng.choice(_LLEV))
    if "{clev}" in template:
        template = template.replace("{clev}", rng.choice(_CLEV))
    if "{freq}" in template:
        text, n = rng.choice(_FREQ)
        extra["visits"] = n
        template = template.replace("{freq}", text)
    return template, extra


_REGION_WORDS = (("lumbar", "lumbar spine"), ("low back", "lumbar spine"), ("cervical", "cervical spine"),
                 ("neck", "cervical spine"), ("shoulder", "shoulder"), ("elbow", "elbow"), ("wrist", "wrist/hand"),
                 ("hand", "wrist/hand"), ("knee", "knee"))
_BILATERAL = re.compile(r"\b(?:bilateral|BUE|BLE)\b", re.I)
_VISITS = (
    (re.compile(r"\b(\d+)\s*x\s*(\d+)\b"), lambda m: int(m.group(1)) * int(m.group(2))),
    (re.compile(r"\bx\s*(\d+)\s*(?:visits|sessions)\b"), lambda m: int(m.group(1))),
    (re.compile(r"\b(?:visits|sessions)\s*x\s*(\d+)\b"), lambda m: int(m.group(1))),
    (re.compile(r"\b(\d+)\s*(?:full-day )?(?:visits|sessions)\b"), lambda m: int(m.group(1))),
)


def _visits_in(text: str) -> int | None:
    """Visit count a hard-coded phrasing states ("x 12 visits", "3 x 4")."""
    for pattern, value in _VISITS:
        m = pattern.search(text)
        if m:
            return value(m)
    return None


def _proc_item(rng: random.Random, proc: cat.Procedure, phrasing: str | None = None) -> GenItem:
    text, extra = _fill(rng, phrasing or rng.choice(proc.phrasings))
    if rng.random() < 0.04 and "Retro" not in text:
        text = "Retrospective " + text[0].lower() + text[1:] if not text[:3].isupper() else "Retrospective " + text
    region = proc.body_region
    if region is None and proc.category in ("therapy", "injection", "dme", "program"):
        low = text.lower()
        region = next((r for word, r in _REGION_WORDS if word in low), None)
    laterality = extra.get("laterality") or ("bilateral" if _BILATERAL.search(text) else None)
    visits = extra.get("visits")
    if visits is None and proc.category in ("therapy", "program", "evaluation"):
        visits = _visits_in(text)
    return GenItem(text, "upheld", proc.slug, proc.category, region, laterality, visits=visits)


def _drug_item(rng: random.Random, drug: cat.Drug) -> GenItem:
    tpl = rng.choice(drug.templates)
    s = rng.choice(drug.strengths)
    q = rng.choice(drug.quantities)
    text = tpl.replace("{s}", s).replace("{q}", str(q))
    strength = None
    if "{s}" in tpl and s:
        strength = f"{s}%" if drug.unit == "%" else f"{s} {drug.unit}"
    quantity = q if "{q}" in tpl else None
    if quantity is not None and rng.random() < 0.12:
        text += rng.choice((" with 2 refills", " with 1 refill", " x 2 refills"))
    generic = None if drug.slug in ("compounded-topical", "medical-food") else drug.generic
    return GenItem(text, "upheld", drug.slug, "medication", None, drug=generic, strength=strength, quantity=quantity)


_PROC_BY_CAT: dict[str, list[cat.Procedure]] = {}
for _p in cat.PROCEDURES:
    if _p.weight > 0:
        _PROC_BY_CAT.setdefault(_p.category, []).append(_p)
_CAT_WEIGHTS = (
    ("imaging", 14), ("therapy", 14), ("injection", 9), ("dme", 8), ("diagnostic-test", 6), ("evaluation", 6),
    ("program", 3), ("lab", 3), ("other", 2), ("surgery", 6),
)
_SURGERY = [p for p in cat.PROCEDURES if p.category == "surgery" and p.slug != "assistant-surgeon"]


def _random_item(rng: random.Random, med_share: float = 0.36) -> GenItem:
    if rng.random() < med_share:
        return _drug_item(rng, _wpick(rng, [(d, d.weight) for d in cat.DRUGS]))
    c = _wpick(rng, _CAT_WEIGHTS)
    return _proc_item(rng, _wpick(rng, [(p, p.weight) for p in _PROC_BY_CAT[c]]))


def _surgical_package(rng: random.Random, n: int) -> list[GenItem]:
    primary_proc = _wpick(rng, [(p, p.weight) for p in _SURGERY])
    primary = _proc_item(rng, primary_proc)
    pool = list(cat.ASSOCIATED) + list(cat.POSTOP_BY_REGION.get(primary_proc.body_region or "", ()))
    rng.shuffle(pool)
    chosen = pool[: max(0, n - 1)]
    order = {slug: i for i, (slug, _) in enumerate(cat.ASSOCIATED)}
    chosen.sort(key=lambda sp: order.get(sp[0], 100))
    items = [primary]
    for slug, phrasings in chosen:
        proc = cat.BY_SLUG[slug]
        it = _proc_item(rng, proc, rng.choice(phrasings))
        if "{side}" in rng.choice(phrasings) and primary.laterality:
            pass
        if it.laterality and primary.laterality:  # post-op sling etc. follows the primary's side
            it.request = re.sub(r"\b(left|right|bilateral)\b", primary.laterality, it.request, count=1)
            it.laterality = primary.laterality
        it.associated = True
        items.append(it)
    return items


_ASSOC_LABEL = re.compile(r"(?:Retrospective )?(?:pre-?op|post-?op|pre-operative|preoperative|associated surgical)", re.I)


def _package_only(it: GenItem) -> bool:
    """Items that only make sense after a surgical primary (so never drawn into a mixed list)."""
    return bool(_ASSOC_LABEL.match(it.request)) or it.slug in ("inpatient-stay", "assistant-surgeon")


def _choose_items(rng: random.Random, fmt: str) -> list[GenItem]:
    r = rng.random()
    if fmt == "professional-review":
        n = 1 if r < 0.7 else rng.randint(2, 3)
        out = [_random_item(rng)]
        while len(out) < n:
            it = _random_item(rng)
            if not _package_only(it):
                out.append(it)
        return out
    if r < 0.60:
        return [_random_item(rng)]
    if r < 0.72:
        return _surgical_package(rng, rng.randint(2, 12) if fmt == "determination" else rng.randint(2, 5))
    if r < 0.80:  # a medication list
        n = rng.randint(2, 6)
        drugs = rng.sample(cat.DRUGS, n)
        return [_drug_item(rng, d) for d in drugs]
    n = rng.choice((2, 2, 2, 3, 3, 4, 5, 6, 8))
    items: list[GenItem] = []
    seen: set[str] = set()
    while len(items) < n:
        it = _random_item(rng)
        if _package_only(it):
            continue
        if it.slug not in seen:
            seen.add(it.slug)
            items.append(it)
    return items


# =========================================================================== citations
def _cites_for(rng: random.Random, item: GenItem) -> list[Cite]:
    specs = cat.BY_SLUG[item.slug].cites if item.slug in cat.BY_SLUG else cat.DRUG_BY_SLUG[item.slug].cites
    spec = rng.choice(specs)
    out = [_cite_from_spec(rng, spec)]
    if rng.random() < 0.25 and len(specs) > 1:
        other = rng.choice([s for s in specs if s != spec])
        c2 = _cite_from_spec(rng, other)
        out.append(c2)
    # MTUS citations first, as the letters write them
    out.sort(key=lambda c: 0 if c.kind in ("acoem", "acoem2017", "cpmtg", "post", "acu") else 1)
    return out


def _cite_from_spec(rng: random.Random, spec: tuple[str, str | None, str | None]) -> Cite:
    kind, a, b = spec
    if kind == "acoem" and rng.random() < 0.05:
        return Cite("other", f"ACOEM Practice Guidelines, 2nd Edition (2004), Chapter {a}, "
                             f"{cat.ACOEM_TITLES.get(a or '', 'Low Back Complaints')}")
    if kind == "acoem" and rng.random() < 0.15:
        return Cite("acoem", a, None)
    if kind == "cpmtg" and rng.random() < 0.15:
        return Cite("cpmtg", None, b)
    if kind == "odg":
        r = rng.random()
        if r < 0.12:
            return Cite("odg", None, b)
        if r < 0.18:
            return Cite("odg", a, None)
    return Cite(kind, a, b)


def _odg_text(rng: random.Random, c: Cite) -> str:
    chapter, topic = c.a, c.b
    if chapter is None:
        return f"Official Disability Guidelines (ODG), {topic}." if topic else "Official Disability Guidelines (ODG)."
    alias = rng.choice(cat.ODG_ALIASES.get(chapter, (chapter,)))
    if topic is None:
        return rng.choice((f"Official Disability Guidelines, ODG-TWC, {chapter} Procedure Summary, last updated "
                           f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/201{rng.randint(3, 6)}.",
                           f"Official Disability Guidelines (ODG) {alias} Chapter."))
    form = rng.randrange(5)
    if form == 0:
        return f"Official Disability Guidelines (ODG) {alias} Chapter, {topic}."
    if form == 1 and "(" not in alias:
        return f"Official Disability Guidelines (ODG), {alias} (Acute & Chronic), {topic}."
    if form == 2:
        return f"Official Disability Guidelines (ODG) {alias} chapter-{topic}."
    if form == 3:
        return f"ODG-TWC, {alias} Chapter, {topic}."
    return f"Official Disability Guidelines (ODG), {alias}, {topic}."


_ACOEM_2017 = {"8": "Cervical and Thoracic Spine Disorders", "9": "Shoulder Disorders", "11": "Hand, Wrist, and Forearm Disorders",
               "12": "Low Back Disorders", "13": "Knee Disorders", "14": "Ankle and Foot Disorders"}


def _mtus_text(rng: random.Random, c: Cite) -> str:
    if c.kind == "acoem2017":
        return f"Decision based on MTUS ACOEM {c.a} (ACOEM 2016)."
    if c.kind == "acoem":
        title = cat.ACOEM_TITLES.get(c.a or "", "")
        if c.b is None:
            return f"Decision based on MTUS ACOEM Chapter {c.a} {title}."
        return rng.choice((f"Decision based on MTUS ACOEM Chapter {c.a} {title} Page(s): {c.b}.",
                           f"Decision based on MTUS ACOEM Chapter {c.a} {title} Page(s): {c.b}.",
                           f"Decision based on MTUS ACOEM Practice Guidelines, 2nd Edition (2004), Chapter {c.a}, "
                           f"pages {c.b}."))
    if c.kind == "cpmtg":
        if c.a is None:
            return f"Decision based on MTUS Chronic Pain Medical Treatment Guidelines Page(s): {c.b}."
        return rng.choice((f"Decision based on MTUS Chronic Pain Medical Treatment Guidelines {c.a} Page(s): {c.b}.",
                           f"Decision based on MTUS Chronic Pain Medical Treatment Guidelines {c.a} Page(s): {c.b}.",
                           f"Decision based on MTUS Chronic Pain Medical Treatment Guidelines, {c.a}, pages {c.b}."))
    if c.kind == "post":
        return f"Decision based on MTUS Postsurgical Treatment Guidelines Page(s): {c.b}."
    if c.kind == "acu":
        return rng.choice(("Decision based on MTUS 9792.24.1. Acupuncture Medical Treatment Guidelines.",
                           "Decision based on MTUS Acupuncture Medical Treatment Guidelines."))
    raise ValueError(c.kind)


def _guideline_text(rng: random.Random, cites: list[Cite], who: str) -> str:
    """Body of a "MAXIMUS guideline:" / "Claims Administrator guideline:" line."""
    if cites[0].kind == "none":
        return f"The {who} did not cite any medical evidence for its decision."
    parts: list[str] = []
    if all(c.kind in ("odg", "other") for c in cites):
        parts.append(f"The {who} did not base their decision on the MTUS.")
    for c in cites:
        if c.kind == "odg":
            parts.append("Decision based on Non-MTUS Citation " + _odg_text(rng, c))
        elif c.kind == "other":
            parts.append(f"Decision based on Non-MTUS Citation {c.a}.")
        else:
            parts.append(_mtus_text(rng, c))
    return "  ".join(parts) if rng.random() < 0.5 else " ".join(parts)


def _legacy_cite_text(rng: random.Random, c: Cite) -> str:
    if c.kind == "acoem":
        pages = f", pages {c.b}" if c.b else ""
        return (f"the American College of Occupational and Environmental Medicine (ACOEM), 2nd Edition (2004), "
                f"Chapter {c.a}{pages}, which is part of the MTUS")
    if c.kind == "cpmtg":
        topic = f", {c.a}" if c.a else ""
        return f"the Chronic Pain Medical Treatment Guidelines (2009){topic}, pages {c.b}, which is part of the MTUS"
    if c.kind == "post":
        return f"the Postsurgical Treatment Guidelines (2009), pages {c.b}, which is part of the MTUS"
    if c.kind == "acu":
        return "the Acupuncture Medical Treatment Guidelines (2009), which is part of the MTUS"
    if c.kind == "odg":
        body = _odg_text(rng, c).rstrip(".")
        return f"the {body}, which is not part of the MTUS"
    return f"{c.a}, which is not part of the MTUS"


# =========================================================================== prose
_DIAG = {
    "lumbar spine": ("lumbar radiculopathy", "lumbar disc herniation", "lumbar spondylosis", "lumbar strain",
                     "degenerative disc disease of the lumbar spine", "post laminectomy syndrome", "lumbar spinal stenosis"),
    "cervical spine": ("cervical radiculopathy", "cervical disc protrusion", "cervical strain", "cervical spondylosis"),
    "thoracic spine": ("thoracic strain", "thoracalgia", "T7 compression fracture"),
    "knee": ("internal derangement of the knee", "medial meniscus tear", "knee osteoarthritis", "chondromalacia patella"),
    "shoulder": ("rotator cuff tear", "shoulder impingement syndrome", "adhesive capsulitis", "shoulder tendinitis"),
    "wrist/hand": ("carpal tunnel syndrome", "trigger finger", "de Quervain's tenosynovitis", "wrist sprain"),
    None: ("chronic pain syndrome", "myofascial pain", "lumbar strain", "depression", "insomnia", "gastritis",
           "cervicalgia", "lumbago", "anxiety disorder"),
}
_MECH = (
    "while lifting a 50-pound box", "due to a slip and fall", "when a pallet fell against the lower back", "in a motor vehicle accident",
    "attributed to the performance of usual and customary job tasks", "due to repetitive keyboarding", "falling from a ladder",
    "while pulling a heavy cart", "after tripping over a hose", "when a trimming machine dropped on the left foot",
    "while transferring a patient", "from cumulative trauma",
)
_TREAT = (
    "physical therapy", "chiropractic care", "acupuncture", "medications", "epidural steroid injections", "a TENS unit",
    "home exercise", "activity modification", "psychotherapy", "a lumbar brace", "trigger point injections", "aquatic therapy",
    "cortisone injections", "work restrictions",
)
_SUMMARY_MORE = (
    "Per the progress report dated {d1} by , the patient complains of {pain} pain rated {n1}/10 with medications and {n2}/10 "
    "without medications.",
    "A progress report {d1} by  indicates that the patient presents with {pain} pain that radiates to the {side} {limb}.",
    "The pain is described as sharp, aching and burning, and is aggravated by prolonged sitting, standing and bending.",
    "Physical examination revealed tenderness to palpation over the paraspinal musculature with {deg} range of motion.",
    "Straight leg raise was positive on the {side} at 45 degrees. Sensation was decreased in the L5 dermatome.",
    "Motor strength was 5/5 in all major muscle groups, and reflexes were 2+ and symmetric.",
    "Treatment to date has included {t1}, {t2} and {t3}.",
    "The patient reports that {t1} provided temporary relief of approximately {n3}% for several weeks.",
    "The diagnoses have included {dx1} and {dx2}.",
    "The patient is currently working with modified duties.", "The patient is not currently working.",
    "Prior imaging of {dated} showed mild degenerative changes without evidence of nerve root compression.",
    "The patient has a 20-year history of smoking and reports difficulty sleeping due to pain.",
    "The treating physician documented that the patient's functional status had not improved significantly over "
    "the preceding {n1} months.",
    "There is no documentation of objective functional improvement, a decrease in work restrictions or a reduction "
    "in the dependency on continued medical treatment.",
    "The medication regimen has included {d_a}, {d_b} and a topical compound.",
    "A urine drug screen dated {d2} was consistent with the prescribed medications.",
    "Utilization review non-certified the request on {d2}, and the applicant applied for Independent Medical Review.",
    "On {d2}, the patient was seen for follow-up; the patient continues to report {pain} pain with radiation to the {limb}.",
    "  in a letter that is undated reports that additional treatment is being requested.",
    "The patient states that the pain interferes with activities of daily living such as dressing, cooking and "
    "household chores.",
    "Electrodiagnostic studies dated {d1} were reported as normal.",
    "An MRI of the lumbar spine dated {dated} revealed a 3 mm disc protrusion at L4-5 with mild foraminal narrowing.",
    "The patient underwent a course of {t1} with minimal improvement, and the treating physician recommended {t2}.",
    "Current medications include {d_a} and {d_b}, which reportedly allow the patient to perform light household tasks.",
    "The patient denies bowel or bladder dysfunction; gait is antalgic and the patient ambulates with a cane.",
    "The agreed medical evaluator report of {d1} found the patient to be permanent and stationary.",
    "Psychological testing on {d2} noted moderate depression and anxiety secondary to chronic pain.",
    "Examination of the {side} knee showed medial joint line tenderness, a positive McMurray test and mild effusion.",
    "Examination of the {side} shoulder demonstrated positive Neer and Hawkins impingement signs with painful arc.",
    "Spurling's test was negative and there was tenderness over the cervical paraspinal muscles and trapezius.",
    "The documentation from {d1} notes the patient's pain level was {n1} to {n2} out of 10.",
    "The patient's body mass index is 34 and there is a history of hypertension controlled with medication.",
    "There is mention of a prior surgery at another facility, but operative reports were not submitted for review.",
)
_RAT_UPHELD = (
    "The guidelines recommend this treatment only when specific criteria are met, and the documentation submitted for review "
    "does not establish that these criteria have been met.",
    "The documentation does not indicate the specific reason for the requested treatment.",
    "Furthermore, it is unclear how the patient responded to the previous course of treatment.",
    "The clinical information submitted for review fails to meet the evidence based guidelines for the requested service.",
)
_RAT_UPHELD_BY: dict[str, tuple[str, ...]] = {
    "medication": (
        "There is no documentation of objective functional improvement with the ongoing use of this medication.",
        "There is no documentation of a pain contract, an updated urine drug screen or a current risk assessment.",
        "The guidelines do not support long-term use beyond the recommended duration, and the patient has exceeded it.",
        "Guidelines state that any compounded product that contains at least one drug that is not recommended is not "
        "recommended.",
        "There is no indication that the patient is at increased risk for gastrointestinal events.",
        "Weaning is recommended, and the prescribing physician should taper the dose to avoid withdrawal symptoms.",
    ),
    "imaging": (
        "The clinical documentation does not include a thorough neurological examination demonstrating focal deficits.",
        "The records do not document red flag conditions, progressive neurologic deficit or failure of conservative care.",
        "There is no evidence of a significant change in symptoms or findings suggestive of significant pathology.",
    ),
    "therapy": (
        "The number of sessions requested exceeds the guideline recommendation for this condition.",
        "There is no documentation of objective functional improvement with the prior sessions.",
        "The patient should be well versed in a home exercise program at this point in care.",
    ),
    "surgery": (
        "Guidelines note that the efficacy in the absence of documented instability has not been proven.",
        "There is no imaging evidence of a lesion that has been shown to benefit from surgical repair.",
        "There is no documentation that the patient has failed an adequate course of conservative care.",
    ),
    "injection": (
        "Radiculopathy must be documented by physical examination and corroborated by imaging or electrodiagnostic testing.",
        "Repeat blocks require at least 50% pain relief with reduced medication use for six to eight weeks.",
        "There is no documentation of the response to prior injections.",
    ),
}
_RAT_OVERTURNED = (
    "The documentation submitted for review demonstrates objective functional improvement and a reduction in pain with "
    "the prior course of treatment.",
    "The patient has failed an adequate trial of conservative care, including medications and physical therapy.",
    "The guideline criteria have been met, and the request is appropriate for this patient's condition.",
    "The treating physician documented the 4 A's of opioid management, including analgesia, activities of daily "
    "living, adverse side effects and aberrant drug-taking behaviors.",
    "There are objective findings on examination that correlate with the imaging findings.",
    "The request falls within the number of visits the guidelines recommend.",
)
_ASSOC_RAT = "Since the primary procedure is not medically necessary, none of the associated services are medically necessary."


def _date(rng: random.Random, y0: int, y1: int) -> tuple[int, int, int]:
    return rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28)


def _fmt_date(rng: random.Random, d: tuple[int, int, int], forms: Sequence[str] | None = None) -> str:
    y, m, dd = d
    form = rng.choice(forms or ("mm/dd/yyyy", "m/d/yyyy", "mm/dd/yyyy", "m-d-yy", "month", "m/d/yy", "m-d-yyyy"))
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    if form == "mm/dd/yyyy":
        return f"{m:02d}/{dd:02d}/{y}"
    if form == "m/d/yyyy":
        return f"{m}/{dd}/{y}"
    if form == "m-d-yy":
        return f"{m}-{dd}-{y % 100:02d}"
    if form == "m/d/yy":
        return f"{m}/{dd}/{y % 100:02d}"
    if form == "m-d-yyyy":
        return f"{m}-{dd}-{y}"
    return f"{months[m - 1]} {dd}, {y}"


_SLOT = re.compile(r"\{(\w+)\}")


def _slot(rng: random.Random, name: str, region: str | None, years: tuple[int, int] = (2013, 2016)) -> str:
    if name in ("d1", "d2"):
        return _fmt_date(rng, _date(rng, *years), ("mm/dd/yyyy", "m/d/yyyy"))
    if name == "dated":
        return _fmt_date(rng, _date(rng, years[0], years[1]), ("mm/dd/yyyy",))
    if name == "pain":
        return rng.choice(("low back", "neck", "shoulder", "knee", "constant low back", "severe to moderate chronic low back"))
    if name == "side":
        return rng.choice(("left", "right", "bilateral"))
    if name == "limb":
        return rng.choice(("leg", "buttock", "lower extremity", "upper extremity", "arm"))
    if name == "deg":
        return rng.choice(("moderately decreased", "mildly restricted", "full"))
    if name == "n1":
        return str(rng.randint(3, 9))
    if name == "n2":
        return str(rng.randint(6, 10))
    if name == "n3":
        return str(rng.choice((20, 30, 40, 50)))
    if name in ("t1", "t2", "t3"):
        return rng.choice(_TREAT)
    if name == "dx1":
        return rng.choice(_DIAG.get(region) or _DIAG[None])
    if name == "dx2":
        return rng.choice(_DIAG[None])
    if name == "d_a":
        return rng.choice(("Norco", "Percocet", "tramadol", "fentanyl"))
    if name == "d_b":
        return rng.choice(("Soma", "Flexeril", "trazodone", "valium", "gabapentin"))
    raise KeyError(name)


def _fill_sentence(rng: random.Random, s: str, region: str | None, years: tuple[int, int] = (2013, 2016)) -> str:
    if "{" not in s:
        return s
    return _SLOT.sub(lambda m: _slot(rng, m.group(1), region, years), s)


# =========================================================================== the letter
@dataclass
class Draft:
    fmt: str
    case_number: str
    header: bool
    specialties: list[str]
    subspecialties: list[str]
    states: list[str]
    cred_form: str  # sentence | block
    age: int | None
    sex: str | None
    doi: tuple[int, int, int] | None
    doi_text: str
    opening: str
    summary_templates: list[str]
    items: list[GenItem]
    dates: dict[str, str]
    reviewer_word: str
    summary_rng: random.Random
    region: str | None
    plan: str
    years: tuple[int, int]
    filled: list[str] = field(default_factory=list)

    def summary(self, n: int) -> list[str]:
        """The first n summary sentences (filled lazily, always the same for the same draft)."""
        while len(self.filled) < min(n, len(self.summary_templates)):
            k = len(self.filled)
            t = self.summary_templates[k]
            self.filled.append(self.plan if t == "{plan}" else _fill_sentence(self.summary_rng, t, self.region, self.years))
        return self.filled[:n]


def _reviewer(rng: random.Random) -> tuple[list[str], list[str], list[str], str]:
    spec = _wpick(rng, cat.SPECIALTIES)
    specs = [spec]
    if spec == "Anesthesiology" and rng.random() < 0.5:
        specs.append("Pain Medicine")
    elif spec == "Physical Medicine and Rehabilitation" and rng.random() < 0.15:
        specs.append("Pain Medicine")
    elif spec == "Orthopaedic Surgery" and rng.random() < 0.1:
        specs.append("Hand Surgery")
    n_states = _wpick(rng, ((1, 6), (2, 3), (3, 1.5)))
    states: list[str] = []
    while len(states) < n_states:
        s = _wpick(rng, cat.STATES)
        if s not in states:
            states.append(s)
    form = "block" if spec in ("Psychologist", "Chiropractor", "Acupuncture") or rng.random() < 0.3 else "sentence"
    subs = [rng.choice(cat.SUBSPECIALTIES)] if form == "sentence" and rng.random() < 0.15 else []
    if subs and subs[0] in specs:
        subs = []
    return specs, subs, states, form


def _draft(rng: random.Random, index: int, fmt: str) -> Draft:
    year = {"determination": rng.randint(14, 19), "legacy-2013": 13, "professional-review": 13}[fmt]
    case_number = f"CM{year}-{rng.randint(1, 199999):07d}"
    specs, subs, states, cred_form = _reviewer(rng)
    if fmt != "determination":
        cred_form = "sentence"
        subs = [] if specs[0] in ("Psychologist", "Chiropractor", "Acupuncture") else subs
    if cred_form == "sentence" and specs == ["Acupuncture"]:
        specs = ["Acupuncturist"]  # "is a Licensed Acupuncturist": the specialty as written
    sex = _wpick(rng, (("female", 0.47), ("male", 0.5), (None, 0.03)))
    age = rng.randint(22, 74) if rng.random() > 0.03 else None
    yr_assigned = 2000 + year
    doi = _date(rng, yr_assigned - rng.choice((0, 1, 1, 2, 3, 5, 8, 12, 20)), yr_assigned)
    if doi[0] == yr_assigned and doi[1] > 6:
        doi = (doi[0] - 1, doi[1], doi[2])
    redacted = rng.random() < 0.08
    doi_text = "" if redacted else _fmt_date(rng, doi)
    items = _choose_items(rng, fmt)
    # decisions
    primary_over = False
    for i, it in enumerate(items):
        if it.associated:
            if not primary_over:
                it.decision = "upheld"
                it.reviewer = [Cite("none")]
                it.ua = [Cite("none")]
                it.rationale = [_ASSOC_RAT]
                continue
            it.decision = "overturned" if rng.random() < 0.55 else "upheld"
        else:
            it.decision = "overturned" if rng.random() < OVERTURN_P else "upheld"
            if i == 0 and len(items) > 1 and items[1].associated:
                primary_over = it.decision == "overturned"
        it.reviewer = _cites_for(rng, it) if rng.random() > 0.03 else [Cite("none")]
        it.ua = _cites_for(rng, it) if rng.random() > 0.1 else [Cite("none")]
        if it.decision == "overturned":
            pool: Sequence[str] = _RAT_OVERTURNED
        else:
            pool = _RAT_UPHELD_BY.get(it.category, ()) + _RAT_UPHELD
        it.rationale = rng.sample(pool, rng.randint(2, min(5, len(pool))))
    if fmt == "determination" and year >= 18:  # letters after 12/1/2017 often cite the new ACOEM guidelines
        for it in items:
            for c in it.reviewer + it.ua:
                if c.kind == "acoem" and c.a in _ACOEM_2017 and rng.random() < 0.6:
                    c.kind, c.a, c.b = "acoem2017", _ACOEM_2017[c.a], None
    if fmt != "determination":  # these layouts cite one guideline per side
        for it in items:
            del it.reviewer[1:]
            del it.ua[1:]
    for it in items:
        it.reviewer_text = _guideline_text(rng, it.reviewer, "Expert Reviewer")
        it.ua_text = _guideline_text(rng, it.ua, "Claims Administrator")
    region = next((it.body_region for it in items if it.body_region), None)
    sexword = {"female": rng.choice(("female", "female", "woman")), "male": rng.choice(("male", "male", "man", "gentleman")),
               None: "individual"}[sex]
    opening = _opening(rng, age, sexword, doi_text, region, yr_assigned - 1)
    pool = rng.sample(_SUMMARY_MORE, len(_SUMMARY_MORE)) + rng.sample(_SUMMARY_MORE, len(_SUMMARY_MORE))
    plan = "; ".join(collapse(it.request) for it in items[:4])
    pool.insert(rng.randint(0, 3), "{plan}")
    assigned = _date(rng, yr_assigned, yr_assigned)
    dates = {
        "assigned": _fmt_date(rng, assigned, ("mm/dd/yyyy",)),
        "decision": _fmt_date(rng, (assigned[0], min(12, assigned[1] + 1), assigned[2]), ("mm/dd/yyyy",)),
        "ur": _fmt_date(rng, (assigned[0], max(1, assigned[1] - 1), assigned[2]), ("mm/dd/yyyy",)),
        "received": _fmt_date(rng, (assigned[0], max(1, assigned[1] - 1), min(28, assigned[2] + 3)), ("mm/dd/yyyy",)),
        "doi_header": _fmt_date(rng, doi, ("mm/dd/yyyy",)) if not redacted else "",
        "legacy": _fmt_date(rng, (2013, rng.randint(7, 12), rng.randint(1, 28)), ("m/d/yyyy",)),
    }
    header = fmt == "determination" and rng.random() < 0.5
    return Draft(fmt, case_number, header, specs, subs, states, cred_form, age, sex, None if redacted else doi, doi_text,
                 opening, pool, items, dates, rng.choice(("expert reviewer", "physician reviewer")),
                 random.Random(rng.getrandbits(64)), region, f"The treatment plan included {plan}.",
                 _years(doi[0], yr_assigned, assigned[1]))


def _years(doi_year: int, assigned_year: int, assigned_month: int) -> tuple[int, int]:
    """Years the case summary's own dates fall in: after the injury, up to the assignment."""
    hi = assigned_year - 1 if assigned_month < 3 else assigned_year
    hi = max(hi, doi_year)
    return min(max(doi_year, assigned_year - 2), hi), hi


def _opening(rng: random.Random, age: int | None, sexword: str, doi_text: str, region: str | None, year0: int) -> str:
    mech = rng.choice(_MECH)
    dx = rng.choice(_DIAG.get(region) or _DIAG[None])
    a = f"{age}-year-old" if age is not None else ""
    form = rng.randrange(7)
    if age is None:
        lead = f"The patient is an injured {sexword if sexword != 'individual' else 'worker'}"
        return f"{lead} who sustained an industrial injury on {doi_text} {mech}. The diagnoses include {dx}."
    if form == 0:
        s = f"The patient is a {a} {sexword} who reported an injury on {doi_text} {mech}."
    elif form == 1:
        word = {"woman": "female", "man": "male", "gentleman": "male"}.get(sexword, sexword)
        s = f"This is a {a} {word} patient who reported an industrial injury on {doi_text}, {mech}."
    elif form == 2:
        s = f"The injured worker is a {age} year old {sexword}, who sustained an industrial injury on {doi_text}."
    elif form == 3:
        s = f"The patient is a {age} year-old {sexword} with a date of injury of {doi_text}."
    elif form == 4:
        s = f"The applicant is a {a} {sexword} who was injured on {doi_text} {mech}."
    elif form == 5:
        s = f"The patient is a {sexword}, age {age}, with a DOI of {doi_text}."
    else:
        s = f"This {a} {sexword} was injured on {doi_text} {mech}."
    if rng.random() < 0.2:
        s = f"According to the progress report dated {_fmt_date(rng, _date(rng, year0, year0), ('mm/dd/yyyy',))}, " \
            + s[0].lower() + s[1:]
    return s + f" The listed diagnoses per  are {dx} and {rng.choice(_DIAG[None])}."


# =========================================================================== rendering
class Renderer:
    def __init__(self, rng: random.Random, arts: set[str]):
        self.rng = rng
        self.arts = arts
        self.lines: list[Line] = []

    # -- primitives
    def blank(self) -> None:
        if self.lines and self.lines[-1].kind != "blank":
            self.lines.append(Line("", "blank"))

    def heading(self, text: str, wrap_at: int | None = None) -> None:
        if wrap_at and "wrapped-headings" in self.arts and self.rng.random() < 0.7:
            words = text.split(" ")
            self.lines.append(Line(" ".join(words[:wrap_at]), "heading", glue=True))
            self.lines.append(Line(" ".join(words[wrap_at:]), "heading"))
        else:
            self.lines.append(Line(text, "heading"))

    def line(self, text: str, kind: str = "text", glue: bool = False) -> None:
        self.lines.append(Line(text, kind, glue))

    def para(self, text: str, hyphenate: bool = True) -> None:
        hy = hyphenate and "hyphenation" in self.arts
        if not hy:  # fast path: greedy wrap by searching spaces
            pos, end = 0, len(text)
            while end - pos > WIDTH:
                cut = text.rfind(" ", pos, pos + WIDTH + 1)
                if cut <= pos:
                    cut = text.find(" ", pos + WIDTH)
                    if cut < 0:
                        break
                self.lines.append(Line(text[pos:cut]))
                pos = cut + 1
            self.lines.append(Line(text[pos:]))
            return
        words = text.split(" ")
        cur: list[str] = []
        n = 0
        for w in words:
            if n + len(w) + (1 if cur else 0) > WIDTH and cur:
                if hy and len(w) >= 9 and w.isalpha() and self.rng.random() < 0.3:
                    cut = self.rng.randint(3, len(w) - 4)
                    head = w[:cut] + "-"
                    if n + len(head) + 1 <= WIDTH + 2:
                        cur.append(head)
                        self.lines.append(Line(" ".join(cur)))
                        cur, n = [w[cut:]], len(w) - cut
                        continue
                if hy and "-" in w[1:-1] and self.rng.random() < 0.5:  # a real hyphen falls at the line end
                    cut = w.index("-", 1) + 1
                    if n + cut + 1 <= WIDTH + 2:
                        cur.append(w[:cut])
                        self.lines.append(Line(" ".join(cur)))
                        cur, n = [w[cut:]], len(w) - cut
                        continue
                self.lines.append(Line(" ".join(cur)))
                cur, n = [w], len(w)
            else:
                n += len(w) + (1 if cur else 0)
                cur.append(w)
        if cur:
            self.lines.append(Line(" ".join(cur)))

    def item_line(self, request: str, suffix: str) -> None:
        """An item line that must survive intact; wrapped like the PDF would."""
        full = request + suffix
        if "nbsp" in self.arts and self.rng.random() < 0.3 and " " in request:
            spaces = [m.start() for m in re.finditer(" ", request)]
            k = self.rng.choice(spaces)
            full = request[:k] + "\u00a0" + request[k + 1:] + suffix
        force = "wrapped-items" in self.arts and len(full) > 40 and self.rng.random() < 0.5
        if len(full) <= WIDTH and not force:
            self.lines.append(Line(full, "item"))
            return
        req_len = len(full) - len(suffix)
        limit = WIDTH if len(full) > WIDTH else self.rng.randint(max(8, req_len // 2), max(8, req_len))
        cut = full.rfind(" ", 0, limit)
        if cut <= 0:
            self.lines.append(Line(full, "item"))
            return
        self.lines.append(Line(full[:cut], "item", glue=True))
        self.lines.append(Line(full[cut + 1:], "item-cont"))


def _cred_sentence(d: Draft, reviewer_word: str) -> str:
    spec = " and ".join(d.specialties)
    states = d.states[0] if len(d.states) == 1 else ", ".join(d.states[:-1]) + " and " + d.states[-1]
    sub = f", has a subspecialty in {d.subspecialties[0]}" if d.subspecialties else ""
    if d.specialties[0] in ("Psychologist", "Chiropractor", "Acupuncturist"):
        noun = {"Psychologist": "a Licensed Psychologist", "Chiropractor": "a Licensed Chiropractor",
                "Acupuncturist": "a Licensed Acupuncturist"}[d.specialties[0]]
        return f"The {reviewer_word} is {noun} and is licensed to practice in {states}."
    return f"The {reviewer_word} is Board Certified in {spec}{sub} and is licensed to practice in {states}."


def _how(r: Renderer, d: Draft) -> None:
    rw = d.reviewer_word
    r.heading(" HOW THE IMR FINAL DETERMINATION WAS MADE" if r.rng.random() < 0.6 else "HOW THE IMR FINAL DETERMINATION WAS MADE")
    r.blank()
    cred = _cred_sentence(d, rw) + " " if d.cred_form == "sentence" else ""
    article = "an" if rw[0] in "aeiou" else "a"
    r.para(f"MAXIMUS Federal Services sent the complete case file to {article} {rw}. He/she has no affiliation with the employer, "
           f"employee, providers or the claims administrator. {cred}He/she has been in active clinical practice for more "
           f"than five years and is currently working at least 24 hours a week in active practice. The {rw} was selected "
           "based on his/her clinical experience, education, background, and expertise in the same or similar specialties "
           "that evaluate and/or treat the medical condition and disputed items/services. He/she is familiar with governing "
           "laws and regulations, including the strength of evidence hierarchy that applies to Independent Medical Review "
           "determinations.")
    r.blank()
    if d.cred_form == "block":
        r.line("The Expert Reviewer has the following credentials:", "cred")
        lic = "State(s) of Licensure: " + ", ".join(d.states)
        spec = "Certification(s)/Specialty: " + ", ".join(d.specialties)
        if "credential-wrap" in r.arts:
            words = (lic + " " + spec).split(" ")
            width = r.rng.randint(28, 52)
            cur = ""
            for w in words:
                if cur and len(cur) + 1 + len(w) > width:
                    r.line(cur, "cred", glue=True)
                    cur = w
                else:
                    cur = f"{cur} {w}" if cur else w
            r.line(cur, "cred")
        else:
            r.line(lic, "cred", glue=True)
            r.line(spec, "cred")
        r.blank()


def _summary(r: Renderer, d: Draft, n: int) -> None:
    """The case summary as paragraphs of a few sentences each."""
    sentences = [d.opening] + d.summary(n)
    i = 0
    while i < len(sentences):
        k = r.rng.randint(4, 8)
        r.para(" ".join(sentences[i:i + k]))
        i += k
        if i < len(sentences):
            r.blank()


def _render_determination(r: Renderer, d: Draft, n_summary: int) -> None:
    if d.header:
        dt = d.dates
        rows = [("Case Number:", d.case_number, "Date Assigned:", dt["assigned"]),
                ("Date of Injury:", dt["doi_header"], "Decision Date:", dt["decision"]),
                ("UR Denial Date:", dt["ur"], "Priority:", r.rng.choice(("Standard", "Standard", "Expedited"))),
                ("Application Received:", dt["received"], None, None)]
        for a, b, c, e in rows:
            if c and r.rng.random() < 0.7:
                r.line(f"{a} {b} {c} {e}".replace("  ", " "))
            else:
                r.line(f"{a} {b}".rstrip())
                if c:
                    r.line(f"{c} {e}")
        if r.rng.random() < 0.5:
            r.line("Employee Name:")
        r.line("Provider Name:  MD" if r.rng.random() < 0.5 else "Provider Name:")
        listed = ", ".join(collapse(it.request).lower() if r.rng.random() < 0.3 else collapse(it.request) for it in d.items)
        r.para(f"Treatment(s) in Dispute Listed on IMR Application: {listed}", hyphenate=False)
        r.blank()
    _how(r, d)
    r.heading("CLINICAL CASE SUMMARY")
    r.blank()
    r.para("The expert reviewer developed the following clinical case summary based on a review of the case file, "
           "including all medical records:")
    r.blank()
    _summary(r, d, n_summary)
    r.blank()
    r.heading("IMR ISSUES, DECISIONS AND RATIONALES", wrap_at=4)
    r.para("The Final Determination was based on decisions for the disputed items/services set forth below:")
    r.blank()
    for it in d.items:
        word = "Upheld" if it.decision == "upheld" else "Overturned"
        r.item_line(it.request, ":" + r.rng.choice((" ", "  ")) + word)
        r.blank()
        r.para("Claims Administrator guideline: " + it.ua_text, hyphenate=False)
        r.blank()
        r.para("MAXIMUS guideline: " + it.reviewer_text, hyphenate=False)
        r.blank()
        r.para("Decision rationale: " + _rationale(r.rng, it))
        r.blank()


def _rationale(rng: random.Random, it: GenItem) -> str:
    if it.rationale == [_ASSOC_RAT]:
        return _ASSOC_RAT
    req = collapse(it.request)
    close = ("is medically necessary and appropriate." if it.decision == "overturned"
             else rng.choice(("is not medically necessary and appropriate.", "is not medically necessary.")))
    lead = rng.choice((f"The request is for {req}.", f"The treater is requesting {req}.", ""))
    return " ".join(x for x in (lead, *it.rationale, f"The requested treatment: {req} {close}") if x)


def _render_legacy(r: Renderer, d: Draft, n_summary: int) -> None:
    dt = d.dates
    for t in ("MAXIMUS FEDERAL SERVICES, INC.", "Independent Medical Review", "P.O. Box 138009", "Sacramento, CA 95813-8009"):
        r.line(t)
    r.blank()
    r.heading("Notice of Independent Medical Review Determination")
    r.blank()
    r.line(f"Dated: {dt['legacy']}")
    r.blank()
    r.line(f"IMR Case Number: {d.case_number} Date of UR Decision: {dt['ur']}")
    r.line(f"Date of Injury: {dt['doi_header']}".rstrip())
    r.line(f"IMR Application Received: {dt['received']}")
    r.line(f"MAXIMUS Case Number: {d.case_number}")
    r.blank()
    for t in ("Claims Number:", "Employee:", "Employer:", "Claims Administrator:", "Treating Provider:"):
        r.line(t)
    r.blank()
    r.para("Treatment(s) in Dispute Listed on IMR Application: " + ", ".join(collapse(i.request) for i in d.items), hyphenate=False)
    r.blank()
    r.line("DEAR ,")
    r.blank()
    r.para("MAXIMUS Federal Services, Inc. has completed the Independent Medical Review (IMR) of the above workers' "
           "compensation case. This letter provides you with the IMR Final Determination and explains how the "
           "determination was made.")
    r.blank()
    if all(i.decision == "upheld" for i in d.items):
        r.para("Final Determination: UPHOLD. This means we decided that none of the disputed items/services are medically "
               "necessary and appropriate. A detailed explanation of the decision for each of the disputed items/services "
               "is provided later in this letter.")
    else:
        r.para("Final Determination: OVERTURN. This means we decided that one or more of the disputed items/services are "
               "medically necessary and appropriate. A detailed explanation of the decision for each of the disputed "
               "items/services is provided later in this letter.")
    r.blank()
    r.para("This decision is final and binding on all parties. Sincerely, Medical Director, MAXIMUS Federal Services. "
           "cc: Department of Industrial Relations, Division of Workers' Compensation")
    r.blank()
    r.heading("INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE", wrap_at=3)
    r.para("The Independent Medical Review decision was made by the following:")
    nm = "notmedically" if "missing-spaces" in r.arts else "not medically"
    for n, it in enumerate(d.items, 1):
        verdict = f"is {nm} necessary and appropriate." if it.decision == "upheld" else "is medically necessary and appropriate."
        r.para(f"{n}) MAXIMUS Federal Services, Inc. has determined the request for {it.request} {verdict}", hyphenate=False)
    r.blank()
    r.heading("Medical Qualifications of the Expert Reviewer:")
    r.para(_cred_sentence(d, "expert reviewer") + " He/she has been in active clinical practice for more than five years "
           "and is currently working at least 24 hours a week in active practice.")
    r.blank()
    r.heading(r.rng.choice(("Expert Reviewer Case Summary:", "Case Summary:")))
    if r.rng.random() < 0.4:
        r.para(f"Disclaimer: The following case summary was taken directly from the utilization review "
               f"denial/modification dated {dt['ur']}.")
    _summary(r, d, n_summary)
    r.blank()
    r.heading("DOCUMENTS REVIEWED:")
    for doc in ("Application of Independent Medical Review", f"Utilization Review Determination dated {dt['ur']}",
                "Medical Records from the treating physician", "Employee medical records from the Claims Administrator"):
        r.line(f"- {doc}")
    r.blank()
    r.heading("IMR DECISION(S) AND RATIONALE(S):", wrap_at=2)
    for n, it in enumerate(d.items, 1):
        verdict = "is not medically necessary and appropriate." if it.decision == "upheld" else "is medically necessary and appropriate."
        r.item_line(f"{n}. {it.request}", f" {verdict}")
        r.line("Guidelines/Medical Treatment Utilization Schedule (MTUS) citation:")
        ua = it.ua[0]
        if ua.kind == "none":
            r.para("The Claims Administrator did not cite any evidence-based guidelines for its decision.", hyphenate=False)
        else:
            r.para(f"The Claims Administrator based its decision on {_legacy_cite_text(r.rng, ua)}.", hyphenate=False)
        c = it.reviewer[0]
        if c.kind == "none":
            r.para("The Expert Reviewer did not cite any medical evidence for his/her decision.", hyphenate=False)
        else:
            r.para(f"The Expert Reviewer based his/her decision on {_legacy_cite_text(r.rng, c)}.", hyphenate=False)
        r.line("Rationale for the Decision:")
        r.para(_rationale(r.rng, it))
        r.blank()


def _render_professional(r: Renderer, d: Draft, n_summary: int) -> None:
    dt = d.dates
    r.heading("MEDICAL PROFESSIONAL REVIEW")
    r.blank()
    r.line(f"IMR Case Number: {d.case_number}")
    r.line(f"Date of Injury: {dt['doi_header']}".rstrip())
    r.blank()
    r.heading("ISSUE AT DISPUTE:")
    many = len(d.items) > 1
    for n, it in enumerate(d.items, 1):
        r.item_line(f"{n}. {it.request}" if many else it.request, "")
        if r.rng.random() < 0.6:
            r.line(f"DETERMINATION: {'UPHELD' if it.decision == 'upheld' else 'OVERTURNED'}")
    r.blank()
    r.heading("CASE SUMMARY:")
    _summary(r, d, n_summary)
    r.blank()
    r.heading("DOCUMENTS REVIEWED FOR DETERMINATION:")
    for doc in ("Utilization review determination", "Progress reports from the treating physician", "Request for authorization"):
        r.line(doc)
    r.blank()
    for n, it in enumerate(d.items, 1):
        if many:
            r.item_line(f"{n}. {it.request}", "")
        r.heading("MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:", wrap_at=6)
        c = it.reviewer[0]
        if c.kind == "none":
            r.para("The professional reviewer did not cite any medical evidence for this decision.")
        else:
            r.para(f"The professional reviewer relied upon {_legacy_cite_text(r.rng, c).replace(', which is', ', which is')}, "
                   "as it is the most relevant guideline for the requested treatment.", hyphenate=False)
        r.blank()
        word = "NOT " if it.decision == "upheld" else ""
        r.heading(f"RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS {word}MEDICALLY NECESSARY:", wrap_at=7)
        outcome = "upheld" if it.decision == "upheld" else "overturned"
        r.para(_rationale(r.rng, it) + f" The Claims Administrator's decision is {outcome}.")
        r.blank()
    r.heading("MEDICAL REVIEWER QUALIFICATIONS:")
    r.para(_cred_sentence(d, "physician reviewer"))
    r.blank()


_RENDER = {"determination": _render_determination, "legacy-2013": _render_legacy, "professional-review": _render_professional}


# =========================================================================== artefacts
_CURLY = str.maketrans({"'": "\u2019"})


def _finish(lines: list[Line], d: Draft, rng: random.Random, arts: set[str]) -> tuple[str, bool]:
    """Apply line-level artefacts; returns (text, case number visible in a page header)."""
    out: list[str] = []
    page_header = False
    if "page-furniture" in arts:
        n_pages = max(2, len(lines) // 45 + 1)
        page = 1
        next_break = rng.randint(35, 55)
        res: list[Line] = []
        for i, ln in enumerate(lines):
            res.append(ln)
            if i >= next_break and not ln.glue and i < len(lines) - 3:
                page += 1
                if page > n_pages:
                    n_pages = page
                res.append(Line(f"Page {page} of {n_pages}", "text"))
                if rng.random() < 0.8:
                    res.append(Line(f"Final Determination Letter for IMR Case Number {d.case_number}", "text"))
                    page_header = True
                next_break = i + rng.randint(35, 55)
        lines = res
    pdf = "pdf-lines" in arts
    trail = "trailing-spaces" in arts
    for ln in lines:
        t = ln.text
        if ln.kind == "blank":
            if pdf:
                out.append(" ")
                out.append("")
            else:
                out.append(" " if trail and rng.random() < 0.3 else "")
            continue
        if pdf:
            out.append(t + " ")
            out.append("")
        elif trail and rng.random() < 0.3:
            out.append(t + " " * rng.randint(1, 3))
        else:
            out.append(t)
    text = "\n".join(out) + "\n"
    if "curly-quotes" in arts or "cp1252" in arts:
        text = text.translate(_CURLY)
        text = re.sub(r'"([^"\n]{1,60})"', "\u201c\\1\u201d", text)
        if "cp1252" in arts:
            text = text.replace("7 to 9", "7\u20139").replace(" - ", " \u2013 ")
    if "missing-spaces" in arts:
        text = text.replace("study. The", "study.The", 1).replace("is not medically necessary.", "is notmedically necessary.", 1)
        text = re.sub(r"(?<=[a-z])\. (?=The patient )", lambda m: "." if rng.random() < 0.5 else ". ", text)
    if "nbsp" in arts:
        text = re.sub(r"(?<=[a-z]) (?=(?:the|and|of) )", lambda m: "\u00a0" if rng.random() < 0.1 else " ", text)
    if "crlf" in arts:
        text = text.replace("\n", "\r\n")
    return text, page_header


def _choose_artefacts(rng: random.Random, rate: float) -> set[str]:
    if rng.random() >= rate:
        return set()
    arts = {a for a in ARTEFACTS if rng.random() < ARTEFACT_PROB[a]}
    if not arts:
        arts = {rng.choice(ARTEFACTS)}
    if "pdf-lines" in arts:
        arts.discard("trailing-spaces")
    return arts


def artefacts_for(seed: int, index: int, rate: float) -> set[str]:
    """The artefacts letter ``index`` of corpus ``seed`` gets (empty for a clean letter)."""
    return _choose_artefacts(random.Random(f"imr-corpus:{seed}:{index}:art"), rate)


# =========================================================================== one letter
def make_letter(seed: int, index: int, artefacts: float = 0.25, formats: Sequence[str] = FORMATS
                ) -> tuple[str, str, dict[str, Any]]:
    """Build letter number ``index`` of corpus ``seed``: (relative path, text, truth)."""
    rng = random.Random(f"imr-corpus:{seed}:{index}")
    fmts = [(f, FORMAT_WEIGHTS[f]) for f in formats]
    fmt = _wpick(rng, fmts)
    tag = f"{rng.getrandbits(64):016x}"
    arts = artefacts_for(seed, index, artefacts)
    d = _draft(rng, index, fmt)
    if "cp1252" in arts:  # make sure the file holds cp1252-only bytes
        d.opening += " The patient describes the pain as \u201cconstant\u201d and \u201cburning.\u201d"
    target = MIN_BYTES + 300 + int((MAX_BYTES - MIN_BYTES - 1200) * rng.betavariate(1.3, 3.0))

    def render(n: int) -> tuple[str, bool, int]:
        arng = random.Random(f"imr-corpus:{seed}:{index}:render")
        r = Renderer(arng, arts)
        _RENDER[fmt](r, d, n)
        txt, ph = _finish(r.lines, d, arng, arts)
        return txt, ph, len(txt.encode("utf-8"))

    text, page_header, size = render(0)
    if size > MAX_BYTES - 100:  # many long items: shorten the rationales
        for it in d.items:
            if len(it.rationale) > 1:
                del it.rationale[1:]
        text, page_header, size = render(0)
    factor = 1.0 + (0.045 if "pdf-lines" in arts else 0.0) + (0.02 if "crlf" in arts else 0.0)
    budget = (target - size) / factor
    n_summary = 0
    while budget > 0 and n_summary < len(d.summary_templates):
        n_summary += 1
        budget -= len(d.summary(n_summary)[-1]) + 1
    while n_summary:
        t2, ph2, size2 = render(n_summary)
        if size2 <= MAX_BYTES - 100 or n_summary == 0:
            text, page_header = t2, ph2
            break
        n_summary -= 2 if n_summary > 1 else 1
    encoding = "cp1252" if "cp1252" in arts else "utf-8"
    if encoding == "cp1252":
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            encoding = "utf-8"
    name = f"{index:07d}_{tag}"
    rel = f"{index // PER_DIR:03d}/{name}.txt"
    case = d.case_number if (fmt != "determination" or d.header or page_header) else None
    truth = {
        "path": rel, "id": name, "format": fmt, "case_number": case,
        "reviewer": {"specialties": list(d.specialties), "subspecialties": list(d.subspecialties),
                     "licensed_in": list(d.states)},
        "patient": {"age": d.age, "sex": d.sex},
        "date_of_injury": f"{d.doi[0]:04d}-{d.doi[1]:02d}-{d.doi[2]:02d}" if d.doi else None,
        "items": [it.truth() for it in d.items],
        "encoding": encoding, "artefacts": sorted(arts),
    }
    return rel, text, truth


def iter_letters(count: int, seed: int = 0, artefacts: float = 0.25, formats: Sequence[str] = FORMATS,
                 start: int = 0) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path relative to letters/, text, truth) for letters start .. start+count-1."""
    for i in range(start, start + count):
        yield make_letter(seed, i, artefacts, formats)


def _write_range(args: tuple[str, int, int, int, float, tuple[str, ...]]) -> list[str]:
    out_dir, start, stop, seed, artefacts, formats = args
    letters = Path(out_dir) / "letters"
    lines: list[str] = []
    made: set[str] = set()
    for rel, text, truth in iter_letters(stop - start, seed, artefacts, formats, start):
        sub = rel.split("/", 1)[0]
        if sub not in made:
            (letters / sub).mkdir(parents=True, exist_ok=True)
            made.add(sub)
        data = text.encode(truth["encoding"])
        with open(letters / rel, "wb") as fh:
            fh.write(data)
        lines.append(json.dumps(truth, ensure_ascii=False))
    return lines


def generate(out_dir: Path | str, count: int, seed: int = 0, artefacts: float = 0.25,
             formats: Sequence[str] = FORMATS, jobs: int = 1, chunk: int = 2000) -> Path:
    """Write the corpus; returns the path of truth.jsonl.  ``jobs`` > 1 uses worker processes
    (each letter depends only on (seed, index), so the output does not depend on ``jobs``)."""
    out = Path(out_dir)
    (out / "letters").mkdir(parents=True, exist_ok=True)
    tasks = [(str(out), s, min(count, s + chunk), seed, artefacts, tuple(formats)) for s in range(0, count, chunk)]
    truth_path = out / "truth.jsonl"
    with open(truth_path, "w", encoding="utf-8", newline="\n") as fh:
        if jobs > 1 and len(tasks) > 1:
            import multiprocessing as mp

            with mp.get_context("spawn" if os.name == "nt" else "fork").Pool(jobs) as pool:
                for lines in pool.imap(_write_range, tasks):
                    fh.write("\n".join(lines) + "\n")
        else:
            for t in tasks:
                lines = _write_range(t)
                if lines:
                    fh.write("\n".join(lines) + "\n")
    return truth_path


# =========================================================================== CLI
def _formats(value: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    return names


def _rate(value: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return v


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a synthetic corpus of IMR letters with ground truth.")
    p.add_argument("out_dir", type=Path, help="output folder (letters/ and truth.jsonl are written into it)")
    p.add_argument("--count", type=int, required=True, help="number of letters")
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default: 0)")
    p.add_argument("--artefacts", type=_rate, default=0.25, help="share of letters with PDF artefacts (default: 0.25)")
    p.add_argument("--formats", type=_formats, default=FORMATS, help="comma-separated layouts (default: all three)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: 1 below 5,000 letters, else cores)")
    args = p.parse_args(list(argv) if argv is not None else None)
    if args.count < 0:
        p.error("--count must be >= 0")
    if args.out_dir.exists() and not args.out_dir.is_dir():
        p.error(f"{args.out_dir} exists and is not a folder")
    jobs = args.jobs or (1 if args.count < 5000 else (os.cpu_count() or 1))
    try:
        truth = generate(args.out_dir, args.count, args.seed, args.artefacts, args.formats, jobs)
    except OSError as err:
        print(f"generate_corpus: error: {err.filename or args.out_dir}: {err.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.count} letters and {truth}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
