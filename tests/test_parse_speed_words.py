"""matches_at_words / search_at_words give exactly what finditer / search give."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.parse import fields, professional_review
from sitegen.parse.common import matches_at_words, search_at_words

PIECES = [
    "date of injury", "Date Of Injuries:", "DOI", "doi:", "xDOI", "injury on", "Injured at work on", "injury date",
    "injuries dated", "injured on or about", "01/02/2013", "March 3, 2012", "2012-03-04", " ", "  ", "\n", ",", ":",
    "was", "of", "Board Certified in", "Board-certified in", "Pain Medicine", "has a subspecialty in",
    "has sub-specialties in", "licensed to practice in", "California", "and", ".", ";", "ınjury", "İnjury",
    "boaRD", "ſ", "\u212a", "has", "x", "1",
    "\n", "\n", " \t", "\t", "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE", "Medical Qualifications of the Expert Reviewer:",
    "Expert Reviewer Case Summary:", "case summary", "DOCUMENTS REVIEWED:", "IMR DECISION(S) AND RATIONALE(S):", "Dear ",
    "Final Determination:", "MEDICAL PROFESSIONAL REVIEW", "ISSUES AT DISPUTE:", "ISSUE AT DISPUTE:", "Rationale for why the requested treatment/service is not medically necessary",
    "MEDICAL REVIEWER QUALIFICATIONS", "Claims Administrator guideline:", "MAXIMUS guideline:", "Expert Reviewer's guideline:",
    "medical",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
CASES = [
    (fields._DOI_PROSE, fields._DOI_WORDS),
    *((pattern, words) for pattern, words in fields._START_WORDS.items()),
]


LINE_CASES = [
    *((pattern, words) for _name, pattern, words in professional_review._HEADS),
]


def spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_same_matches_as_finditer(text: str) -> None:
    for pattern, words in CASES:
        assert spans(matches_at_words(pattern, text, words)) == spans(pattern.finditer(text))
        got, want = search_at_words(pattern, text, words), pattern.search(text)
        assert (got and got.span()) == (want and want.span())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.integers(min_value=0, max_value=60))
def test_same_matches_as_finditer_at_line_starts(text: str, pos: int) -> None:
    for pattern, words in LINE_CASES:
        assert spans(matches_at_words(pattern, text, words, pos, line_start=True)) == spans(pattern.finditer(text, pos))
        got, want = search_at_words(pattern, text, words, pos, line_start=True), pattern.search(text, pos)
        assert (got and got.span()) == (want and want.span())


def test_every_heading_piece_at_and_off_line_starts() -> None:
    for piece in PIECES:
        for before in ("", "\n", "x\n", "\n \t", "word ", "case \n"):
            for after in ("", "\n", " more\ncase summary:"):
                text = before + piece + after
                for pattern, words in LINE_CASES:
                    for pos in (0, 1):
                        got = spans(matches_at_words(pattern, text, words, pos, line_start=True))
                        assert got == spans(pattern.finditer(text, pos)), (pattern.pattern, text, pos)


def test_examples() -> None:
    text = "The patient was injured on 03/04/2012; date of injury: 03/04/2012. DOI 3/4/12, xDOI"
    assert spans(matches_at_words(fields._DOI_PROSE, text, fields._DOI_WORDS)) == spans(fields._DOI_PROSE.finditer(text))
    assert len(list(matches_at_words(fields._DOI_PROSE, text, fields._DOI_WORDS))) == 3
    assert fields.find_date_of_injury("", "injured at work on 5/6/2011 while lifting") == ("2011-05-06", False)


SEX_PIECES = ["female", "male", "woman", "man", "gentleman", "lady", "women", "men", "x", "_", "1", " ", "\n", "é", "ß",
              "management", "treatment", "human", "-", "."]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SEX_PIECES), max_size=30).map("".join))
def test_sex_word_as_with_a_leading_word_boundary(text: str) -> None:
    import re

    want = re.compile(r"\b" + fields._SEX.pattern).search(text)
    got = fields._sex_word(text)
    assert (got and (got.span(), got.group(1))) == (want and (want.span(), want.group(1)))
