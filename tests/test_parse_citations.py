from __future__ import annotations

import pytest

from sitegen.parse.citations import canonical_odg_chapter, parse_guideline_text


def one(text):
    (c,) = parse_guideline_text(text)
    return c


def test_mtus_acoem_with_pages():
    c = one("Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-304.")
    assert (c.source, c.document, c.chapter, c.topic, c.pages) == ("MTUS", "ACOEM", "12", None, "303-304")
    assert c.raw == "MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-304"


def test_odg_chapter_and_topic():
    c = one("The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back Chapter, Vertebroplasty.")
    assert (c.source, c.document, c.chapter, c.topic) == ("ODG", "ODG", "Low Back", "Vertebroplasty")


def test_none_citation():
    c = one("The Expert Reviewer did not cite any medical evidence for its decision.")
    assert c.source == "none"


def test_not_based_on_mtus_is_not_a_citation():
    cites = parse_guideline_text("The Expert Reviewer did not base their decision on the MTUS.")
    assert cites == ()


def test_several_citations_on_one_line():
    cites = parse_guideline_text(
        "Decision based on MTUS Chronic Pain Medical Treatment Guidelines Opioids Page(s): 74-96. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Pain (Chronic), Opioids for chronic pain"
    )
    assert [(c.source, c.document, c.chapter, c.topic, c.pages) for c in cites] == [
        ("MTUS", "Chronic Pain Medical Treatment Guidelines", None, "Opioids", "74-96"),
        ("ODG", "ODG", "Pain", "Opioids for chronic pain"),
    ][:1] + [("ODG", "ODG", "Pain", "Opioids for chronic pain", None)]


def test_postsurgical_and_acupuncture():
    c = one("Decision based on MTUS Postsurgical Treatment Guidelines Page(s): 10-12")
    assert (c.source, c.document, c.pages) == ("MTUS", "Postsurgical Treatment Guidelines", "10-12")
    c = one("Decision based on MTUS 9792.24.1. Acupuncture Medical Treatment Guidelines")
    assert (c.source, c.document) == ("MTUS", "Acupuncture Medical Treatment Guidelines")


def test_acoem_labelled_non_mtus_is_other():
    c = one("Decision based on Non-MTUS Citation ACOEM Chapter 7 Independent Medical Examinations and Consultations, page 127")
    assert c.source == "other"


def test_other_literature():
    c = one("Decision based on Non-MTUS Citation American College of Surgeons, Physicians as Assistants at Surgery")
    assert (c.source, c.document) == ("other", "American College of Surgeons, Physicians as Assistants at Surgery")


def test_odg_twc_procedure_summary_drops_update_date():
    c = one("Decision based on Non-MTUS Citation Official Disability Guidelines, ODG-TWC, Low Back Procedure Summary, last updated 03/31/2014.")
    assert (c.source, c.chapter, c.topic) == ("ODG", "Low Back", None)


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("Lumbar Chapter", "Low Back"),
        ("low back", "Low Back"),
        ("Low Back - Lumbar & Thoracic (Acute & Chronic)", "Low Back"),
        ("Neck & Upper Back", "Neck and Upper Back"),
        ("Knee and Leg", "Knee & Leg"),
        ("Pain (Chronic)", "Pain"),
        ("Chronic Pain Chapter", "Pain"),
        ("Stress & Mental Illness", "Mental Illness & Stress"),
        ("Forearm, Wrist, & Hand", "Forearm, Wrist & Hand"),
        ("Carpal Tunnel", "Carpal Tunnel Syndrome"),
        ("Hip and Pelvis", "Hip & Pelvis"),
        ("Radiography", None),
    ],
)
def test_odg_chapter_aliases(alias, canonical):
    assert canonical_odg_chapter(alias) == canonical


def test_legacy_prose_part_of_mtus():
    from sitegen.parse.legacy_2013 import legacy_citations

    cites = legacy_citations(
        "The Expert Reviewer based his/her decision on the ACOEM Practice Guidelines, 2nd Edition (2004), "
        "Chapter 12, pages 303-304, which is part of the MTUS, and the Official Disability Guidelines (ODG), "
        "Low Back Chapter, MRI, which is not part of the MTUS."
    )
    assert [(c.source, c.document, c.chapter, c.pages) for c in cites] == [
        ("MTUS", "ACOEM", "12", "303-304"),
        ("ODG", "ODG", "Low Back", None),
    ]
    assert cites[1].topic == "MRI"


def test_topic_keeps_balanced_parentheses():
    c = one("Decision based on MTUS Chronic Pain Medical Treatment Guidelines NSAIDs (non-steroidal anti-inflammatory drugs) Page(s): 67-73")
    assert (c.topic, c.pages) == ("NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73")


def test_prose_citations_keep_commas_in_topics_and_non_mtus_acoem_is_other():
    from sitegen.parse.professional_review import prose_citations

    (odg,) = prose_citations(
        "The professional reviewer relied upon the Official Disability Guidelines (ODG), Low Back Chapter, "
        "Preoperative testing, general, which is not part of the MTUS, as it is the most relevant guideline."
    )
    assert (odg.source, odg.chapter, odg.topic) == ("ODG", "Low Back", "Preoperative testing, general")
    (acoem,) = prose_citations(
        "The professional reviewer relied upon the ACOEM Practice Guidelines, Chapter 7, page 127, "
        "which is not part of the MTUS, as it is relevant."
    )
    assert (acoem.source, acoem.document) == ("other", "ACOEM Practice Guidelines, Chapter 7, page 127")
