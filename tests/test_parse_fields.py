from __future__ import annotations

import pytest

from sitegen.clean import clean
from sitegen.parse.fields import find_age, find_date_of_injury, find_diagnoses, find_reviewer, find_sex, parse_date


@pytest.mark.parametrize(
    "text, iso",
    [
        ("08/12/2013", "2013-08-12"),
        ("3/13/2013", "2013-03-13"),
        ("5-12-03", "2003-05-12"),
        ("9-14-04", "2004-09-14"),
        ("11/4/99", "1999-11-04"),
        ("8-8-2012", "2012-08-08"),
        ("March 13, 2013", "2013-03-13"),
        ("1/1/29", "2029-01-01"),
        ("1/1/30", "1930-01-01"),
        ("13/45/2013", None),
        ("02/30/2014", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "summary, iso",
    [
        ("The patient reported an injury on 08/12/2013 due to a fall.", "2013-08-12"),
        ("a date of injury of 06/16/1998.", "1998-06-16"),
        ("DOI 5-12-03.", "2003-05-12"),
        ("She was injured on March 13, 2013 while lifting.", "2013-03-13"),
        ("A progress report 01/29/2014 notes the injury on 3/4/2011.", "2011-03-04"),
    ],
)
def test_date_of_injury_in_prose(summary, iso):
    assert find_date_of_injury("", summary) == (iso, False)


def test_header_date_of_injury_wins_and_blank_label_is_redacted():
    assert find_date_of_injury("Date of Injury: 02/03/2012", "injured on 1/1/2010")[0] == "2012-02-03"
    assert find_date_of_injury("Date of Injury:\nDecision Date: 07/02/2015", "") == (None, True)


@pytest.mark.parametrize(
    "summary, age",
    [
        ("The patient is a 56-year-old female", 56),
        ("a 57 year old male", 57),
        ("a 44 year-old woman lifting a 50-pound box", 44),
        ("a female, age 44, with", 44),
        ("a 20-year history of pain in a man aged 61", 61),
        ("five years of pain", None),
    ],
)
def test_age(summary, age):
    assert find_age(summary) == age


@pytest.mark.parametrize(
    "summary, sex",
    [
        ("The patient is a 56-year-old female", "female"),
        ("This is a 56-year-old male patient", "male"),
        ("a pleasant gentleman", "male"),
        ("She reports pain. Her MRI", "female"),
        ("He/she has no affiliation", None),
    ],
)
def test_sex(summary, sex):
    assert find_sex(summary) == sex


def test_reviewer_sentence_forms():
    r = find_reviewer("The expert reviewer is Board Certified in Physical Medicine and Rehabilitation, has a subspecialty in Interventional Spine and is licensed to practice in California.")
    assert (r.specialties, r.subspecialties, r.licensed_in) == (
        ("Physical Medicine and Rehabilitation",),
        ("Interventional Spine",),
        ("California",),
    )
    r = find_reviewer("The physician reviewer is Board Certified in Anesthesiology and Pain Medicine and is licensed to practice in California and Nevada.")
    assert r.specialties == ("Anesthesiology", "Pain Medicine")
    assert r.licensed_in == ("California", "Nevada")


def test_reviewer_wrapped_labelled_block():
    text = clean(
        "The Expert Reviewer has the following credentials:\n"
        "State(s) of Licensure: New York, Montana,\n"
        "California Certification(s)/Specialty: Neurological\n"
        "Surgery\n"
    ).text
    r = find_reviewer(text)
    assert r.licensed_in == ("New York", "Montana", "California")
    assert r.specialties == ("Neurological Surgery",)


def test_diagnoses_forms():
    assert find_diagnoses("The listed diagnoses per  are: 1. Thoracic strain. 2. Lumbar strain. 3. Lumbalgia.") == [
        "Thoracic strain",
        "Lumbar strain",
        "Lumbalgia",
    ]
    assert find_diagnoses("The diagnoses have included post laminectomy syndrome of lumbar region. Treatment") == [
        "post laminectomy syndrome of lumbar region"
    ]


def test_clean_hyphenation_keeps_real_hyphens():
    ct = clean("Radiography (x-\nrays). It was docu-\nmented twice; follow-\nup in L4-\nL5.")
    assert " ".join(ct.paragraphs()) == "Radiography (x-rays). It was documented twice; follow-up in L4-L5."
