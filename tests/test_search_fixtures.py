"""Hand-built letters shared by the search tests (import ``sample_letters``)."""

from __future__ import annotations

from sitegen.model import Citation, Guidelines, Item, Letter, Reviewer


def _odg(chapter: str, key: str | None) -> Guidelines:
    c = Citation(source="ODG", document="ODG", chapter=chapter, raw=f"ODG {chapter}", key=key, title=f"ODG {chapter}" if key else None)
    return Guidelines(reviewer=(c,))


def _mtus(key: str | None) -> Guidelines:
    c = Citation(source="MTUS", document="Chronic Pain Medical Treatment Guidelines", raw="MTUS CPMTG", key=key, title="MTUS Chronic Pain" if key else None)
    return Guidelines(reviewer=(c,))


def sample_letters() -> list[Letter]:
    """Six small letters whose words are chosen for the tests (ids s1..s6)."""
    return [
        Letter(
            id="s1", source="s1.txt", case_number="CM13-0000001", date_of_injury="2012-03-04",
            reviewer=Reviewer(specialties=("Orthopedic Surgery",)),
            items=(Item(request="MRI of the lumbar spine", decision="overturned", procedure="mri-lumbar-spine",
                        category="imaging", body_region="lumbar spine", guidelines=_odg("Low Back", "odg-low-back")),),
            text="The patient has radiculopathy.\n\nThere are red flags on examination. MRI of the lumbar spine is medically necessary.",
        ),
        Letter(
            id="s2", source="s2.txt", case_number="CM13-0000002", date_of_injury="2013-05-06",
            reviewer=Reviewer(specialties=("Pain Medicine",)),
            items=(Item(request="Tramadol 50 mg #60", decision="upheld", procedure="tramadol",
                        category="medication", guidelines=_mtus("mtus-chronic-pain")),),
            text="Tramadol is not medically necessary. The patient had several injections before.",
        ),
        Letter(
            id="s3", source="s3.txt", case_number="CM13-0000003", date_of_injury="2013-01-02",
            reviewer=Reviewer(specialties=("Anesthesiology", "Pain Medicine")),
            items=(
                Item(request="Lumbar epidural steroid injection", decision="overturned", procedure="epidural-steroid-injection-lumbar",
                     category="injection", body_region="lumbar spine", guidelines=_mtus("mtus-chronic-pain")),
                Item(request="Tramadol 50 mg", decision="upheld", procedure="tramadol", category="medication",
                     guidelines=_mtus("mtus-chronic-pain")),
            ),
            text="The epidural steroid injection is medically necessary for radiculitis. Tramadol was injected? No.",
        ),
        Letter(
            id="s4", source="s4.txt", case_number="CM14-0000004", date_of_injury="2012-08-09",
            reviewer=Reviewer(specialties=("Orthopedic Surgery",)),
            items=(Item(request="Knee arthroscopy", decision="upheld", procedure=None, category=None,
                        guidelines=_odg("Knee", None)),),
            text="The flags are red but no red-flag signs. The knee arthroscopy is not medically necessary.",
        ),
        Letter(
            id="s5", source="s5.txt", case_number="CM14-0000005", date_of_injury=None,
            reviewer=Reviewer(specialties=("Physical Medicine and Rehabilitation",)),
            items=(Item(request="Physical therapy 2 x 6", decision="overturned", procedure="physical-therapy",
                        category="therapy", guidelines=_mtus("mtus-chronic-pain")),),
            text="Physical therapy for the radicular pain is medically necessary. A radical change is not needed.",
        ),
        Letter(
            id="s6", source="s6.txt", case_number=None, date_of_injury="2011-11-11",
            items=(),
            text="This letter has no decision. It mentions an injection & <script>alert(1)</script> text.",
        ),
    ]


def test_samples_are_distinct() -> None:
    letters = sample_letters()
    assert len({l.id for l in letters}) == len(letters)
