"""matches_at_words / search_at_words give exactly what finditer / search give."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.parse import fields
from sitegen.parse.common import matches_at_words, search_at_words

PIECES = [
    "date of injury", "Date Of Injuries:", "DOI", "doi:", "xDOI", "injury on", "Injured at work on", "injury date",
    "injuries dated", "injured on or about", "01/02/2013", "March 3, 2012", "2012-03-04", " ", "  ", "\n", ",", ":",
    "was", "of", "Board Certified in", "Board-certified in", "Pain Medicine", "has a subspecialty in",
    "has sub-specialties in", "licensed to practice in", "California", "and", ".", ";", "ınjury", "İnjury",
    "boaRD", "ſ", "\u212a", "has", "x", "1",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
CASES = [
    (fields._DOI_PROSE, fields._DOI_WORDS),
    *((pattern, words) for pattern, words in fields._START_WORDS.items()),
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


def test_examples() -> None:
    text = "The patient was injured on 03/04/2012; date of injury: 03/04/2012. DOI 3/4/12, xDOI"
    assert spans(matches_at_words(fields._DOI_PROSE, text, fields._DOI_WORDS)) == spans(fields._DOI_PROSE.finditer(text))
    assert len(list(matches_at_words(fields._DOI_PROSE, text, fields._DOI_WORDS))) == 3
    assert fields.find_date_of_injury("", "injured at work on 5/6/2011 while lifting") == ("2011-05-06", False)
