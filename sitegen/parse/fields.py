"""Letter-wide fields shared by every layout: case number, reviewer credentials,
patient age and sex, date of injury, diagnoses.  Pure functions over text."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from functools import lru_cache

from sitegen.parse.common import collapse, matches_at_words, search_at_words
from sitegen.model import Patient, Reviewer


CASE_NUMBER = re.compile(r"CM ?(\d{2}) ?- ?(\d{5,7})\b")

#: Specialties as they appear in letters; used to decide whether "A and B" is one specialty or two.
KNOWN_SPECIALTIES = frozenset(
    s.lower()
    for s in (
        "Anesthesiology",
        "Pain Medicine",
        "Physical Medicine and Rehabilitation",
        "Physical Medicine & Rehabilitation",
        "Orthopaedic Surgery",
        "Orthopedic Surgery",
        "Orthopedics",
        "Neurological Surgery",
        "Neurosurgery",
        "Plastic Surgery",
        "Hand Surgery",
        "General Surgery",
        "Spine Surgery",
        "Family Medicine",
        "Family Practice",
        "Internal Medicine",
        "Cardiovascular Disease",
        "Cardiology",
        "Occupational Medicine",
        "Preventive Medicine",
        "Neurology",
        "Psychiatry",
        "Psychology",
        "Psychologist",
        "Clinical Psychology",
        "Chiropractor",
        "Chiropractic",
        "Acupuncture",
        "Acupuncturist",
        "Emergency Medicine",
        "Rheumatology",
        "Podiatry",
        "Podiatric Surgery",
        "Sports Medicine",
        "Interventional Spine",
        "Dermatology",
        "Gastroenterology",
        "Pulmonary Disease",
        "Endocrinology",
        "Urology",
        "Ophthalmology",
        "Otolaryngology",
        "Dentistry",
        "Infectious Disease",
        "Hematology",
        "Oncology",
        "Nephrology",
        "Radiology",
        "Physical Therapy",
        "Vascular Surgery",
        "Thoracic Surgery",
        "Colon and Rectal Surgery",
        "Obstetrics and Gynecology",
        "Addiction Medicine",
        "Sleep Medicine",
        "Geriatric Medicine",
        "Psychiatry and Neurology",
    )
)

_SPECIALTY_SENTENCE = re.compile(
    r"\bBoard[\s-]+Certified\s+in\s+(?P<spec>.+?)"
    r"(?=,?\s+(?:and\s+)?(?:has\s+a\s+sub[\s-]*specialt|is\s+licensed|licensed\s+to\s+practice)|\.(?:\s|$)|;|$)",
    re.I,
)
_LICENSED_AS = re.compile(
    r"\bis\s+an?\s+(?:Licensed|Board[\s-]+Certified|practicing)\s+(?P<spec>[A-Z][A-Za-z ]+?)"
    r"(?=,?\s+(?:and\s+)?(?:is\s+licensed|has\s+a|licensed)|\.(?:\s|$)|;|,|$)",
)
_SUBSPECIALTY = re.compile(
    r"\bhas\s+(?:a\s+)?sub[\s-]*specialt(?:y|ies)\s+(?:certification\s+)?in\s+(?P<sub>.+?)"
    r"(?=,?\s+and\s+is\s+licensed|,?\s+is\s+licensed|\.(?:\s|$)|;|$)",
    re.I,
)
_LICENSED = re.compile(r"\blicensed\s+to\s+practice\s+in\s+(?P<states>.+?)(?=\.(?:\s|$)|;|$)", re.I)
#: The word every match of a credentials pattern begins with (see search_at_words).
_START_WORDS = {_SPECIALTY_SENTENCE: ("board",), _SUBSPECIALTY: ("has",), _LICENSED: ("licensed",)}
_LICENSURE_LABEL = re.compile(r"State\s*\(\s*s\s*\)\s+of\s+Licensure\s*:", re.I)
_SPECIALTY_LABEL = re.compile(r"Certification\s*\(\s*s\s*\)\s*/\s*Specialty\s*:", re.I)
_SUBSPECIALTY_LABEL = re.compile(r"Sub[\s-]*specialt(?:y|ies)\s*:", re.I)

US_STATES = frozenset(
    s.lower()
    for s in (
        "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho "
        "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota "
        "Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah "
        "Vermont Virginia Washington Wisconsin Wyoming"
    ).split()
    + [
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "West Virginia",
        "District of Columbia",
        "Puerto Rico",
    ]
)

_AGE = re.compile(
    r"\b(\d{1,3})\s*[- ]?\s*(?:years?|yrs?|y/o|yo)\b[\s-]*(?:old|of\s+age)?|\b(?:age[d]?|at\s+age)\s*(?:of\s*)?:?\s*(\d{1,3})\b",
    re.I,
)
# On lower-cased text.  The word boundary before the word is tested in _sex_word(): a pattern
# that starts with \b gets no fast scan from the re module, one that starts with a word does.
_SEX = re.compile(r"(female|male|woman|man|gentleman|lady|women|men)\b")
_WORD_CHAR = re.compile(r"\w")
_PRONOUN = re.compile(r"(?<!/)\b(she|her|he|his|him)\b(?!/)", re.I)

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_DATE = (
    r"(?:\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{2,4}"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2})"
)
#: Every match of _DOI_PROSE begins with one of these (see matches_at_words).
_DOI_WORDS = ("date", "doi", "injur")
_DOI_HEADER = re.compile(r"Date\s+of\s+(?:Injury|Injuries)\s*:[ \t]*(" + _DATE + r")?", re.I)
_DOI_PROSE = re.compile(
    r"(?:date\s+of\s+(?:injury|injuries)|\bDOI\b|injur(?:y|ies|ed)\s+(?:on|dated)|injured\s+(?:at\s+work\s+)?on|"
    r"injury\s+date)"
    r"(?:\s+(?:of|is|was|on|dated))?(?:\s+or\s+about)?\s*[:,]?\s*(?P<date>" + _DATE + r")?",
    re.I,
)

_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{2,4})")
_WORDY_DATE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YO = re.compile(r"y/?o\b")
_AND = re.compile(r"\s+(?:and|&)\s+")
_LIST_SEP = re.compile(r",\s*(?:and\s+)?|;\s*")
_STATES_SEP = re.compile(r",\s*(?:and\s+)?|\s+and\s+|;\s*|\s*&\s*")
_BLOCK_END = re.compile(r"\s[A-Z]{4,}(?:\s+[A-Z]{2,})+\b|\.\s")
_NUMBERED_LIST = re.compile(r"(?:\d{1,2}[.)]\s*[^.;]+[.;]?\s*){2,}")
_NUMBERED_ENTRY = re.compile(r"\d{1,2}[.)]\s*([^.;]+)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.(?:\s|$)")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)


def find_case_number(text: str) -> str | None:
    m = CASE_NUMBER.search(text)
    return f"CM{m.group(1)}-{m.group(2)}".upper() if m else None


def parse_date(text: str) -> str | None:
    """A date in any letter form -> "YYYY-MM-DD"; two-digit years 00-29 are 20xx, 30-99 are 19xx."""
    t = collapse(text).rstrip(".,")
    m = _NUMERIC_DATE.fullmatch(t)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
    else:
        m = _WORDY_DATE.fullmatch(t)
        if m:
            month = _MONTHS.get(m.group(1).lower(), 0)
            day, year = int(m.group(2)), m.group(3)
        else:
            m = _ISO_DATE.fullmatch(t)
            if not m:
                return None
            year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if len(year) == 2:
        y = int(year)
        yy = 2000 + y if y <= 29 else 1900 + y
    elif len(year) == 4:
        yy = int(year)
    else:
        return None
    try:
        d = _dt.date(yy, month, day)
    except ValueError:
        return None
    if not 1930 <= d.year <= 2035:
        return None
    return d.isoformat()


def find_date_of_injury(header: str, summary: str) -> tuple[str | None, bool]:
    """Return (date, redacted): the header's "Date of Injury:" first, then the summary's prose.

    A label or phrase followed by no date (a redaction gap) never takes a later date.
    """
    redacted = False
    m = _DOI_HEADER.search(header)
    if m:
        if m.group(1):
            found = parse_date(m.group(1))
            if found:
                return found, False
        redacted = True
    for m in matches_at_words(_DOI_PROSE, summary, _DOI_WORDS):
        if m.group("date"):
            found = parse_date(m.group("date"))
            if found:
                return found, False
        redacted = True
    return None, redacted


def find_age(summary: str) -> int | None:
    for m in _AGE.finditer(summary):
        whole = m.group(0).lower()
        if m.group(1) and "old" not in whole and "of age" not in whole and not _YO.search(whole):
            continue  # "20-year history", "five years"
        value = int(m.group(1) or m.group(2))
        if 14 <= value <= 105:
            return value
    return None


def _sex_word(low: str) -> re.Match[str] | None:
    """The first of _SEX's words that starts a word (what ``\\b`` + _SEX would find)."""
    m = _SEX.search(low)
    while m and m.start() and _WORD_CHAR.match(low, m.start() - 1):
        m = _SEX.search(low, m.start() + 1)
    return m


def find_sex(summary: str) -> str | None:
    m = _sex_word(summary.lower())
    if m:
        word = m.group(1).lower()
        return "female" if word in ("female", "woman", "lady", "women") else "male"
    she = he = 0
    for p in _PRONOUN.finditer(summary):
        if p.group(1).lower() in ("she", "her"):
            she += 1
        else:
            he += 1
    if she > he:
        return "female"
    if he > she:
        return "male"
    return None


def find_patient(summary: str) -> Patient:
    return Patient(age=find_age(summary), sex=find_sex(summary))


def _split_and(part: str, known: frozenset[str]) -> list[str] | None:
    """Split "A and B [and C]" into known names, or None when no split gives only known names."""
    if part.lower() in known:
        return [part]
    for m in _AND.finditer(part):
        left, right = part[: m.start()], part[m.end() :]
        if left.lower() in known:
            rest = _split_and(right, known)
            if rest is not None:
                return [left, *rest]
    return None


def _split_known(text: str, known: frozenset[str]) -> list[str]:
    """Split a list on commas, and on "and" only where every part is a known name
    ("Anesthesiology and Pain Medicine" is two; "Physical Medicine and Rehabilitation" is one)."""
    text = collapse(text).strip(" ,.;")
    if not text:
        return []
    out: list[str] = []
    for part in (p.strip(" ,.;") for p in _LIST_SEP.split(text)):
        if part:
            out.extend(_split_and(part, known) or [part])
    return out


def _split_states(text: str) -> list[str]:
    text = collapse(text).strip(" ,.;")
    parts = [p.strip(" ,.;") for p in _STATES_SEP.split(text)]
    return [p for p in parts if p and p.lower() != "the state of"]


def find_reviewer(text: str) -> Reviewer:
    """Credentials from the sentence form or the labelled block (which may wrap into each other)."""
    return _reviewer(collapse(text))


@lru_cache(maxsize=4096)
def _reviewer(t: str) -> Reviewer:
    """The credentials paragraph is boilerplate around a few words; identical ones recur often."""
    specialties: list[str] = []
    subspecialties: list[str] = []
    states: list[str] = []

    low = t.lower()
    lab = _LICENSURE_LABEL.search(t) if "licensure" in low else None
    spec_lab = _SPECIALTY_LABEL.search(t) if "specialty" in low else None
    if lab or spec_lab:
        labels = sorted(
            (m for m in (lab, spec_lab, _SUBSPECIALTY_LABEL.search(t)) if m), key=lambda m: m.start()
        )
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(t)
            value = t[m.end() : end]
            if m is lab:
                states = _states_from_block(value)
            elif m is spec_lab:
                specialties = _split_known(_cut_block(value), KNOWN_SPECIALTIES)
            else:
                subspecialties = _split_known(_cut_block(value), KNOWN_SPECIALTIES)
        # A wrapped block: "State(s) of Licensure: New York, Montana, California Certification(s)/Specialty: ..."
        # puts the last state before the specialty label; _states_from_block keeps it.
    def known(text: str) -> list[str]:
        return _split_known(text, KNOWN_SPECIALTIES)

    specialties = specialties or _first_match(t, (_SPECIALTY_SENTENCE, _LICENSED_AS), "spec", known)
    subspecialties = subspecialties or _first_match(t, (_SUBSPECIALTY,), "sub", known)
    states = states or _first_match(t, (_LICENSED,), "states", _split_states)
    return Reviewer(tuple(dict.fromkeys(specialties)), tuple(dict.fromkeys(subspecialties)), tuple(dict.fromkeys(states)))


def _first_match(
    text: str, patterns: tuple[re.Pattern[str], ...], group: str, split: Callable[[str], list[str]]
) -> list[str]:
    """The split value of the first pattern that matches, else []."""
    for pattern in patterns:
        words = _START_WORDS.get(pattern)
        m = search_at_words(pattern, text, words) if words else pattern.search(text)
        if m:
            return split(m.group(group))
    return []


def _cut_block(value: str) -> str:
    """A labelled value ends at the next heading (an all-caps run) or sentence."""
    m = _BLOCK_END.search(value)
    return value[: m.start()] if m else value


def _states_from_block(value: str) -> list[str]:
    value = _cut_block(value)
    states = _split_states(value)
    return [s for s in states if s]


_DIAGNOSIS_LEADS = re.compile(
    r"diagnos(?:"
    r"(?:is|es)\s+(?:per\s+[^:]{0,40}?\s*)?(?:are|is|was|were|have\s+included|has\s+included|include[sd]?|included)\s*:?"
    r"|ed\s+(?:as\s+having|with)"
    r"|(?:is|es)\s*:)\s*",
)


def find_diagnoses(summary: str) -> list[str]:
    """Best effort: the list after "diagnosed with", "The diagnoses have included", "Diagnoses:"."""
    t = collapse(summary)
    low = t.lower()
    out: list[str] = []
    if "diagnos" not in low:
        return out
    # Matched on the lower-cased text (same length for the letters' characters): a case-sensitive
    # pattern with a literal start is searched far faster than an IGNORECASE one.
    for m in _DIAGNOSIS_LEADS.finditer(low if len(low) == len(t) else t.lower()):
        rest = t[m.end() : m.end() + 600]
        numbered = _NUMBERED_LIST.match(rest)
        if numbered:
            out.extend(
                d.strip(" .;,") for d in _NUMBERED_ENTRY.findall(numbered.group(0)) if d.strip(" .;,")
            )
            continue
        sentence = _SENTENCE_END.split(rest, maxsplit=1)[0]
        sentence = _ARTICLE.sub("", sentence.strip())
        if not sentence or len(sentence) > 400:
            continue
        parts = _LIST_SEP.split(sentence)
        out.extend(p for p in (x.strip(" .\"'") for x in parts) if p)
    return list(dict.fromkeys(d for d in out if 2 < len(d) <= 200))
