"""Each layout and each PDF artefact, on small letters written for the purpose (tests/letters/)."""

from __future__ import annotations

from pathlib import Path

from sitegen.parse import parse_path, parse_text

HERE = Path(__file__).parent / "letters"


def test_legacy_2013_items_counted_once_with_decisions_and_citations():
    letter = parse_path(HERE / "legacy_2013.txt")
    assert letter.format == "legacy-2013"
    assert letter.case_number == "CM13-0012876"
    assert letter.date_of_injury == "2011-03-04"
    assert letter.patient.age == 44 and letter.patient.sex == "female"  # not "50-pound" nor "20-year"
    assert letter.reviewer.specialties == ("Anesthesiology", "Pain Medicine")
    assert letter.reviewer.licensed_in == ("California", "Nevada")
    assert [(i.request, i.decision) for i in letter.items] == [
        ("MRI of the lumbar spine", "upheld"),
        ("Norco 10/325mg #120", "overturned"),
    ]
    norco = letter.items[1]
    (ca,) = norco.guidelines.claims_administrator
    (mx,) = norco.guidelines.reviewer
    assert (ca.source, ca.chapter, ca.topic) == ("ODG", "Pain", "Opioids")
    assert (mx.source, mx.document, mx.pages) == ("MTUS", "Chronic Pain Medical Treatment Guidelines", "74-96")
    assert norco.rationale.endswith("is medically necessary and appropriate.")  # closing "/mh cc:" cut off
    assert letter.warnings == ()


def test_legacy_2013_summary_list_only():
    text = (HERE / "legacy_2013.txt").read_text()
    text = text[: text.index("IMR DECISION(S) AND RATIONALE(S):")]
    letter = parse_text(text, "x", "x.txt")
    assert [(i.request, i.decision) for i in letter.items] == [
        ("MRI of the lumbar spine", "upheld"),
        ("Norco 10/325mg #120", "overturned"),
    ]
    assert any("summary list" in w for w in letter.warnings)


def test_professional_review_per_item_sections():
    letter = parse_path(HERE / "professional_review.txt")
    assert letter.format == "professional-review"
    assert letter.case_number == "CM13-0004567"
    assert letter.date_of_injury == "1999-11-04"  # two-digit year 99 -> 1999
    assert letter.patient.sex == "male" and letter.patient.age == 61
    assert [(i.request, i.decision) for i in letter.items] == [
        ("Physical therapy 2 x 6 for the cervical spine", "upheld"),
        ("Cervical epidural steroid injection at C5-6", "overturned"),
    ]
    pt, esi = letter.items
    assert [(c.source, c.document, c.pages) for c in pt.guidelines.reviewer] == [
        ("MTUS", "Chronic Pain Medical Treatment Guidelines", "98-99")
    ]
    assert [(c.source, c.chapter) for c in esi.guidelines.reviewer] == [("ODG", "Neck and Upper Back")]
    assert pt.rationale.startswith("The patient already completed")
    assert "DETERMINATION" not in pt.rationale
    assert letter.reviewer.specialties == ("Physical Medicine and Rehabilitation",)


def test_professional_review_without_outcome_warns_and_gives_null():
    text = (HERE / "professional_review.txt").read_text()
    text = text.replace("DETERMINATION: UPHELD", "").replace(
        "The requested injection is medically necessary. DETERMINATION: OVERTURNED", ""
    )
    letter = parse_text(text, "x", "x.txt")
    assert [i.decision for i in letter.items] == [None, None]
    assert sum("decision not stated" in w for w in letter.warnings) == 2


def test_artefacts_cp1252_crlf_page_furniture_hyphenation_header_block():
    letter = parse_path(HERE / "artefacts_cp1252.txt")
    assert letter.format == "determination"
    assert letter.case_number == "CM15-0112233"
    assert letter.date_of_injury == "2012-01-05"
    assert letter.reviewer.specialties == ("Orthopaedic Surgery",)
    assert [(i.request, i.decision) for i in letter.items] == [
        ("Tramadol ER 150mg #30", "overturned"),  # U+00A0 inside the request
        (
            "Electromyography (EMG) and nerve conduction velocity (NCV) studies of the bilateral lower extremities",
            "upheld",
        ),  # wrapped item line
    ]
    tramadol = letter.items[0]
    (mx,) = tramadol.guidelines.reviewer  # page header fell between the guideline lines
    assert (mx.document, mx.topic, mx.pages) == ("Chronic Pain Medical Treatment Guidelines", "Opioids", "74-96")
    assert "Page 2 of 3" not in letter.text and "Final Determination Letter for" not in letter.text
    flat = " ".join(letter.text.split())
    assert "documented as 8/10. The diagnoses" in flat  # "docu-" / "mented"; "Page 1 of 3" at a line end
    assert "patient's pain is \"constant\"" in flat  # curly quotes from cp1252
    assert letter.items[1].rationale.endswith("The request is not medically necessary.")  # "notmedically"
    assert "Treatment(s) in Dispute" not in " ".join(i.request for i in letter.items)
    assert letter.warnings == ()


def test_redacted_date_of_injury_is_null_not_the_next_date():
    text = (HERE / "artefacts_cp1252.txt").read_bytes().decode("cp1252")
    text = text.replace("Date of Injury: 01/05/2012", "Date of Injury:").replace(
        "industrial injury on 01/05/2012", "industrial injury on  while lifting on 02/02/2013"
    )
    letter = parse_text(text, "x", "x.txt")
    assert letter.date_of_injury is None
    assert letter.warnings == ()  # redaction is normal in public letters, not a problem


def test_wrapped_heading_and_missing_items_warn():
    text = "HOW THE IMR FINAL DETERMINATION WAS MADE\n\nThe expert reviewer is Board Certified in Neurology and is licensed to practice in Ohio.\n\nCLINICAL CASE SUMMARY\n\nA 33 year old man.\n\nIMR ISSUES, DECISIONS AND\nRATIONALES\n\nNothing here.\n"
    letter = parse_text(text, "x", "x.txt")
    assert letter.format == "determination"
    assert letter.items == ()
    assert any("no disputed items found" in w for w in letter.warnings)
    assert not any("IMR ISSUES" in w for w in letter.warnings)  # the wrapped heading was found


def test_missing_section_warns_but_items_survive():
    text = (Path(__file__).parents[1] / "content" / "letters" / "003_d96140bb0b37d18b.txt").read_text()
    text = text.replace("CLINICAL CASE SUMMARY", "")
    letter = parse_text(text, "x", "x.txt")
    assert len(letter.items) == 2
    assert 'section "CLINICAL CASE SUMMARY" not found' in letter.warnings


def test_legacy_2013_item_header_wrapped_across_a_page_break():
    text = (HERE / "legacy_2013.txt").read_text()
    text = text.replace("2. Norco 10/325mg #120 is medically", "2. Norco\n\n10/325mg #120 is medically")
    letter = parse_text(text, "x", "x.txt")
    assert [(i.request, i.decision) for i in letter.items] == [
        ("MRI of the lumbar spine", "upheld"),
        ("Norco 10/325mg #120", "overturned"),
    ]
    assert letter.warnings == ()
