"""Hand-built letters for site tests (independent of the parser)."""

from __future__ import annotations

from sitegen.model import Citation, Guidelines, Item, Letter, Patient, Reviewer

ACOEM12 = Citation(source="MTUS", document="ACOEM", chapter="12", pages="303-304",
                   raw="MTUS ACOEM Chapter 12, pages 303-304", key="mtus-acoem-ch-12",
                   title="MTUS ACOEM Ch. 12 Low Back Complaints")
ODG_LB = Citation(source="ODG", document="ODG", chapter="Low Back", topic="Vertebroplasty",
                  raw="ODG Low Back, Vertebroplasty", key="odg-low-back", title="ODG Low Back")


def letter(n: int, *, items: tuple[Item, ...] | None = None, text: str | None = None,
           warnings: tuple[str, ...] = (), specialty: str = "Orthopedic Surgery") -> Letter:
    if items is None:
        items = (
            Item(request="MRI of the lumbar spine", decision="upheld" if n % 2 else "overturned",
                 rationale="The guidelines recommend imaging when red flags are present. None were documented.",
                 guidelines=Guidelines(reviewer=(ACOEM12,)), procedure="mri-lumbar-spine", category="imaging",
                 body_region="lumbar spine"),
            Item(request="Percutaneous vertebroplasty", decision="upheld",
                 rationale="ODG does not recommend vertebroplasty. The evidence is weak.",
                 guidelines=Guidelines(reviewer=(ODG_LB,)), procedure="vertebroplasty", category="surgery",
                 body_region="thoracic spine"),
        )
    return Letter(
        id=f"case-{n:03d}", source=f"letters/case-{n:03d}.txt", format="determination",
        case_number=f"CM1{3 + n % 3}-{n:07d}",
        reviewer=Reviewer(specialties=(specialty,), licensed_in=("California",)),
        patient=Patient(age=40 + n, sex="female" if n % 2 else "male"), date_of_injury=f"201{n % 4}-0{1 + n % 9}-12",
        items=items, warnings=warnings,
        text=text if text is not None else (
            "HOW THE IMR FINAL DETERMINATION WAS MADE\n\nThe physician reviewer is Board Certified in Orthopedic "
            "Surgery.\nHe/she is licensed in California.\n\nCLINICAL CASE SUMMARY\n\nThe patient is a "
            f"{40 + n}-year-old who was injured at work."),
    )


def letters(count: int = 3) -> list[Letter]:
    return [letter(n) for n in range(1, count + 1)]
