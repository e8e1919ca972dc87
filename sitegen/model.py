"""Frozen records passed between pipeline stages.

read -> clean -> parse -> normalise -> records -> render / index -> write.

The parser builds a :class:`Letter`; normalisation returns a new :class:`Letter`
with the procedure and guideline fields filled in (``dataclasses.replace``);
renderers and indexers only read them.  ``Letter.to_record()`` is the JSON
record documented in ``docs/record.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R")

#: Letter layouts the parser knows.
FORMATS = ("determination", "legacy-2013", "professional-review", "unknown")
#: Item categories (the taxonomy's categories).
CATEGORIES = (
    "imaging",
    "surgery",
    "medication",
    "injection",
    "therapy",
    "dme",
    "diagnostic-test",
    "evaluation",
    "program",
    "lab",
    "other",
)
#: Per-item outcomes.
DECISIONS = ("upheld", "overturned")
#: Citation sources.
SOURCES = ("MTUS", "ODG", "other", "none")


def copy_with(record: R, **changes: Any) -> R:
    """``dataclasses.replace(record, **changes)`` for the records below, several times faster:
    the instance dict is copied and the changed fields set, without replace's per-field Python
    loop and a second run of ``__init__``.  Equal to what replace gives (same fields, same order);
    valid because no record here has ``__post_init__``, ``InitVar`` or ``__slots__``."""
    fields = record.__dataclass_fields__  # type: ignore[attr-defined]
    for name in changes:
        if name not in fields:
            raise TypeError(f"{type(record).__name__} has no field {name!r}")
    new = object.__new__(type(record))
    state = new.__dict__
    state.update(record.__dict__)
    state.update(changes)
    return new


@dataclass(frozen=True)
class Citation:
    """One guideline citation ("Decision based on ...")."""

    source: str
    """"MTUS" | "ODG" | "other" | "none"."""
    document: str | None = None
    """"ACOEM", "Chronic Pain Medical Treatment Guidelines", "ODG", ... or None."""
    chapter: str | None = None
    """ACOEM chapter number as text ("12") or the canonical ODG chapter ("Low Back")."""
    topic: str | None = None
    """ODG / CPMTG topic ("Vertebroplasty"), or None."""
    pages: str | None = None
    """Pages cited ("303-304"), or None."""
    raw: str = ""
    """The citation as written (whitespace collapsed)."""
    key: str | None = None
    """Canonical guideline key for per-guideline pages (set by normalisation)."""
    title: str | None = None
    """Display title of the guideline (set by normalisation)."""

    def to_record(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "document": self.document,
            "chapter": self.chapter,
            "topic": self.topic,
            "pages": self.pages,
            "raw": self.raw,
            "key": self.key,
            "title": self.title,
        }


@dataclass(frozen=True)
class Guidelines:
    """Both guideline lines of an item."""

    claims_administrator: tuple[Citation, ...] = ()
    """What utilization review cited ("Claims Administrator guideline:")."""
    reviewer: tuple[Citation, ...] = ()
    """What the IMR reviewer cited ("MAXIMUS guideline:"), the one that matters."""

    def to_record(self) -> dict[str, Any]:
        return {
            "claims_administrator": [c.to_record() for c in self.claims_administrator],
            "reviewer": [c.to_record() for c in self.reviewer],
        }


@dataclass(frozen=True)
class Item:
    """One disputed item/service and its decision."""

    request: str
    """The item as written, whitespace collapsed, no trailing colon."""
    decision: str | None
    """"upheld" | "overturned" | None when the letter does not say."""
    rationale: str = ""
    """The decision rationale text."""
    guidelines: Guidelines = field(default_factory=Guidelines)
    procedure: str | None = None
    """Canonical procedure slug ("mri-lumbar-spine"), None when unmapped."""
    category: str | None = None
    """One of CATEGORIES, None when unmapped."""
    body_region: str | None = None
    """"lumbar spine", "knee", ... where it applies."""
    laterality: str | None = None
    """"left" | "right" | "bilateral" when stated."""
    drug: str | None = None
    """Generic drug name for medications ("hydrocodone/acetaminophen")."""
    strength: str | None = None
    """Medication strength as normalised text ("10/325 mg")."""
    quantity: int | None = None
    """Medication quantity ("#120" -> 120)."""
    visits: int | None = None
    """Visit count for therapy and visit-based services ("2 x 6" -> 12)."""
    associated_with: int | None = None
    """Index (0-based, in this letter) of the primary item this item depends on."""

    def to_record(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "decision": self.decision,
            "procedure": self.procedure,
            "category": self.category,
            "body_region": self.body_region,
            "laterality": self.laterality,
            "drug": self.drug,
            "strength": self.strength,
            "quantity": self.quantity,
            "visits": self.visits,
            "associated_with": self.associated_with,
            "guidelines": self.guidelines.to_record(),
            "rationale": self.rationale,
        }


@dataclass(frozen=True)
class Reviewer:
    """The expert reviewer's credentials (names are confidential)."""

    specialties: tuple[str, ...] = ()
    subspecialties: tuple[str, ...] = ()
    licensed_in: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {
            "specialties": list(self.specialties),
            "subspecialties": list(self.subspecialties),
            "licensed_in": list(self.licensed_in),
        }


@dataclass(frozen=True)
class Patient:
    age: int | None = None
    sex: str | None = None
    """"female" | "male" | None."""

    def to_record(self) -> dict[str, Any]:
        return {"age": self.age, "sex": self.sex}


@dataclass(frozen=True)
class Letter:
    """One IMR final determination letter."""

    id: str
    """Stable slug of the file name stem ("000_bcb8e67797d4136f")."""
    source: str
    """Path of the letter as given to the reader."""
    format: str = "unknown"
    """One of FORMATS."""
    case_number: str | None = None
    """"CM13-0012345" when the letter carries one."""
    reviewer: Reviewer = field(default_factory=Reviewer)
    patient: Patient = field(default_factory=Patient)
    date_of_injury: str | None = None
    """ISO date "YYYY-MM-DD" or None."""
    diagnoses: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    warnings: tuple[str, ...] = ()
    """One human-readable line per problem found."""
    text: str = ""
    """The cleaned letter text, paragraphs separated by one blank line.
    Not part of the JSON record (it is the letter itself)."""

    @property
    def year(self) -> int | None:
        """Year the case was assigned (from the case number), else None."""
        if self.case_number and len(self.case_number) >= 4 and self.case_number[2:4].isdigit():
            return 2000 + int(self.case_number[2:4])
        return None

    @property
    def injury_year(self) -> int | None:
        return int(self.date_of_injury[:4]) if self.date_of_injury else None

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "case_number": self.case_number,
            "format": self.format,
            "reviewer": self.reviewer.to_record(),
            "patient": self.patient.to_record(),
            "date_of_injury": self.date_of_injury,
            "diagnoses": list(self.diagnoses),
            "items": [i.to_record() for i in self.items],
            "warnings": list(self.warnings),
        }
