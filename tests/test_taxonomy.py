"""The taxonomy file (shipped and archive overrides), guideline keys, associated items, whole letters."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from sitegen.errors import ConfigError
from sitegen.model import CATEGORIES, Citation, Guidelines, Item, Letter
from sitegen.normalize import coverage, guideline_identity, load_taxonomy, normalize_letter, normalize_request, odg_chapter
from sitegen.parse import parse_path, parse_text

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "content" / "letters"

SHARED_SLUGS = """
mri-lumbar-spine mri-cervical-spine mri-thoracic-spine mri-knee mri-shoulder mri-brain mri-hip mri-wrist mri-ankle
ct-lumbar-spine ct-cervical-spine ct-head xray-lumbar-spine xray-cervical-spine xray-thoracic-spine xray-chest xray-knee
xray-shoulder bone-scan mr-arthrogram-shoulder ct-myelogram-lumbar lumbar-fusion cervical-fusion
lumbar-laminectomy-discectomy hardware-removal-lumbar vertebroplasty kyphoplasty
shoulder-arthroscopy-subacromial-decompression rotator-cuff-repair knee-arthroscopy-meniscectomy total-knee-arthroplasty
carpal-tunnel-release trigger-finger-release assistant-surgeon hydrocodone-acetaminophen oxycodone-acetaminophen
oxycodone-er oxycodone tramadol tramadol-er tramadol-acetaminophen tapentadol morphine-er buprenorphine carisoprodol
cyclobenzaprine tizanidine gabapentin pregabalin duloxetine zolpidem omeprazole naproxen-sodium celecoxib meloxicam
ibuprofen lidocaine-patch diclofenac-topical ondansetron compounded-topical medical-food
epidural-steroid-injection-lumbar epidural-steroid-injection-cervical facet-injection-lumbar facet-injection-cervical
medial-branch-block-lumbar radiofrequency-ablation-lumbar trigger-point-injection knee-injection-corticosteroid
knee-injection-hyaluronic-acid shoulder-injection prp-injection sacroiliac-joint-injection physical-therapy
physical-therapy-lumbar-spine physical-therapy-cervical-spine physical-therapy-shoulder physical-therapy-knee
chiropractic-lumbar-spine chiropractic-cervical-spine acupuncture aquatic-therapy occupational-therapy psychotherapy-cbt
biofeedback massage-therapy tens-unit h-wave-unit interferential-unit cold-therapy-unit lumbar-brace cervical-collar
shoulder-sling wrist-splint dvt-compression-pump bone-growth-stimulator cane walker home-exercise-kit
emg-ncv-lower-extremities emg-ncv-upper-extremities electrocardiogram echocardiogram sleep-study
intraoperative-neuromonitoring discogram consultation-orthopedic consultation-pain-management consultation-psychiatry
psychological-evaluation functional-capacity-evaluation medical-clearance follow-up-visit functional-restoration-program
work-hardening work-conditioning detox-program weight-loss-program lab-cbc lab-cmp lab-pt-ptt lab-urinalysis
urine-drug-screen inpatient-stay home-health-care transportation gym-membership
""".split()


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


# ------------------------------------------------------------------ the shipped file


def test_shipped_taxonomy_covers_all_categories_and_shared_slugs(tax) -> None:
    assert len(tax) >= 200
    per_category = Counter(p.category for p in tax.procedures.values())
    assert set(per_category) == set(CATEGORIES)
    missing = [s for s in SHARED_SLUGS if s not in tax.procedures]
    assert missing == []


def test_every_procedure_is_reachable(tax) -> None:
    """Each procedure's own display name maps back to it (catches rules that can never win)."""
    wrong = {}
    for slug, proc in tax.procedures.items():
        got = normalize_request(proc.name, tax).procedure
        if got != slug:
            wrong[slug] = (proc.name, got)
    assert wrong == {}


# ------------------------------------------------------------------ archive overrides and errors


def test_archive_file_extends_and_overrides(tmp_path: Path) -> None:
    f = tmp_path / "taxonomy.toml"
    f.write_text(
        """
remove = ["bone-scan"]

[terms]
hydrocodone = ["hycodan-x"]
ketamine = ["ketamine", "ketalar"]

[[procedure]]
slug = "ketamine-infusion"
name = "Ketamine infusion"
category = "injection"
match = ["ketamine"]

[[procedure]]
slug = "cane"
name = "Walking stick"
category = "dme"
synonyms = ["walking stick", "cane"]
""",
        encoding="utf-8",
    )
    tax = load_taxonomy(f)
    assert normalize_request("Ketalar infusion x 3", tax).procedure == "ketamine-infusion"
    assert normalize_request("Hycodan-X 5mg #30", tax).procedure == "hydrocodone-acetaminophen"
    assert tax.procedures["cane"].name == "Walking stick"
    assert normalize_request("Walking stick", tax).procedure == "cane"
    assert "bone-scan" not in tax.procedures
    assert normalize_request("Bone scan", tax).procedure is None
    # the shipped taxonomy itself is untouched
    assert "bone-scan" in load_taxonomy().procedures
    assert load_taxonomy(tmp_path / "absent.toml").procedures.keys() == load_taxonomy().procedures.keys()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[procedure]]\nslug = "x"\nname = = "X"\n', "invalid TOML: Invalid value (at line 3, column 8)"),
        ('[[procedure]]\nslug = "x-ray-foo"\nname = "X"\ncategory = "imagery"\nmatch = ["xray"]\n', "line 2"),
        ('\n\n[[procedure]]\nslug = "foo"\nname = "Foo"\ncategory = "lab"\nmatch = ["nonexistent_concept"]\n',
         'line 4 (procedure "foo"): match rule'),
        ('[[procedure]]\nslug = "Bad Slug"\nname = "X"\ncategory = "lab"\nmatch = ["cbc"]\n', "slug must be"),
        ('[[procedure]]\nslug = "foo"\nname = "Foo"\ncategory = "lab"\n', "needs at least one match rule"),
        ('[[procedure]]\nslug = "foo"\nname = "Foo"\ncategory = "lab"\nregion = "moon"\nmatch = ["cbc"]\n',
         "region 'moon'"),
        ('remove = ["no-such-procedure"]\n', "no procedure 'no-such-procedure'"),
        ('[terms]\nfoo = "not a list"\n', "[terms]"),
        ('colour = "blue"\n', "unknown top-level key"),
    ],
)
def test_bad_archive_file_names_file_and_place(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "taxonomy.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_taxonomy(f)
    assert str(f) in str(err.value)
    assert message in str(err.value)


# ------------------------------------------------------------------ guideline identity


@pytest.mark.parametrize(
    ("citation", "key", "title"),
    [
        (Citation("MTUS", "ACOEM", "12", pages="303-304"), "mtus-acoem-ch12", "MTUS ACOEM Ch. 12 Low Back Complaints"),
        (Citation("MTUS", "ACOEM", "8"), "mtus-acoem-ch8", "MTUS ACOEM Ch. 8 Neck and Upper Back Complaints"),
        (Citation("MTUS", None, None, raw="MTUS ACOEM Chapter 13 Knee Complaints Page(s): 341-343"), "mtus-acoem-ch13",
         "MTUS ACOEM Ch. 13 Knee Complaints"),
        (Citation("MTUS", "ACOEM", None, raw="MTUS Low Back Disorders (ACOEM 2016)"), "mtus-acoem",
         "MTUS ACOEM Practice Guidelines"),
        (Citation("MTUS", "Chronic Pain Medical Treatment Guidelines", topic="Opioids"), "mtus-chronic-pain",
         "MTUS Chronic Pain Medical Treatment Guidelines"),
        (Citation("MTUS", "Postsurgical Treatment Guidelines"), "mtus-postsurgical", "MTUS Postsurgical Treatment Guidelines"),
        (Citation("MTUS", "Acupuncture Medical Treatment Guidelines"), "mtus-acupuncture",
         "MTUS Acupuncture Medical Treatment Guidelines"),
        (Citation("ODG", "ODG", "Low Back", "Vertebroplasty"), "odg-low-back", "ODG Low Back"),
        (Citation("ODG", "ODG", "Lumbar", "Vertebroplasty"), "odg-low-back", "ODG Low Back"),
        (Citation("ODG", "ODG", None, raw="Official Disability Guidelines (ODG) Lumbar Chapter, Vertebroplasty"),
         "odg-low-back", "ODG Low Back"),
        (Citation("ODG", "ODG", None, raw="Official Disability Guidelines (ODG) Low Back chapter-Hardware removal"),
         "odg-low-back", "ODG Low Back"),
        (Citation("ODG", "ODG", "Neck & Upper Back"), "odg-neck-and-upper-back", "ODG Neck and Upper Back"),
        (Citation("ODG", "ODG", "Pain (Chronic)"), "odg-pain", "ODG Pain"),
        (Citation("ODG", "ODG", "Knee and Leg"), "odg-knee-leg", "ODG Knee & Leg"),
        (Citation("ODG", "ODG", None, raw="Official Disability Guidelines (ODG), Radiography (x-rays)"), "odg",
         "ODG (chapter not stated)"),
        (Citation("other", raw="American College of Surgeons, Physicians as Assistants at Surgery"), "other-acs",
         "American College of Surgeons"),
        (Citation("other", raw="ACC/AHA 2014 Guideline on Perioperative Cardiovascular Evaluation"), "other-acc-aha",
         "ACC/AHA Guidelines"),
        (Citation("other", raw="ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 7, page 127"), "other-acoem",
         "ACOEM (Non-MTUS)"),
        (Citation("other", raw="Smith J. Spine 2010;35:1-10"), "other", "Other guidelines and peer-reviewed literature"),
        (Citation("none"), "none", "No medical evidence cited"),
    ],
)
def test_guideline_identity(citation: Citation, key: str, title: str) -> None:
    assert guideline_identity(citation) == (key, title)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Lumbar Chapter", "Low Back"),
        ("Low Back Chapter", "Low Back"),
        ("Low Back - Lumbar & Thoracic (Acute & Chronic)", "Low Back"),
        ("Low Back Procedure Summary", "Low Back"),
        ("Neck Chapter", "Neck and Upper Back"),
        ("Cervical", "Neck and Upper Back"),
        ("Shoulder (Acute & Chronic)", "Shoulder"),
        ("Forearm, Wrist, & Hand", "Forearm, Wrist & Hand"),
        ("Hand Chapter", "Forearm, Wrist & Hand"),
        ("Carpal Tunnel", "Carpal Tunnel Syndrome"),
        ("Hip and Pelvis", "Hip & Pelvis"),
        ("Knee Chapter", "Knee & Leg"),
        ("Ankle and Foot", "Ankle & Foot"),
        ("Chronic Pain Chapter", "Pain"),
        ("Stress & Mental Illness", "Mental Illness & Stress"),
        ("Head (trauma, headaches, etc.)", "Head"),
        ("Traumatic Brain Injury", "Head"),
        ("Radiography", None),
    ],
)
def test_odg_chapter_aliases(alias: str, canonical: str | None) -> None:
    assert odg_chapter(alias) == canonical


# ------------------------------------------------------------------ associated items and whole letters


def _item(request: str, rationale: str = "") -> Item:
    return Item(request=request, decision="upheld", rationale=rationale,
                guidelines=Guidelines(reviewer=(Citation("none"),)))


STOCK = "Since the primary procedure is not medically necessary, none of the associated services are medically necessary."


def test_associated_items_point_at_their_primary(tax) -> None:
    letter = Letter(id="x", source="x", items=(
        _item("Norco 10/325 #120", "Opioids are not supported."),
        _item("L4-5 laminectomy", "The requested surgery is not medically necessary."),
        _item("Associated surgical service: Assistant surgeon", STOCK),
        _item("Pre-op EKG", STOCK),
        _item("Post-op physical therapy 2 x 6", "The guidelines support 16 visits after surgery."),
        _item("Soma 350mg #60", "Not recommended for longer than 2 to 3 weeks."),
    ))
    out = normalize_letter(letter, tax)
    assert [it.associated_with for it in out.items] == [None, None, 1, 1, 1, None]
    assert letter.items[2].associated_with is None  # the input is not modified


def test_retrospective_label_still_associated(tax) -> None:
    letter = Letter(id="x", source="x", items=(
        _item("ACDF C5-C6", "The requested surgery is medically necessary."),
        _item("Retrospective pre-op PT/PTT", "Coagulation studies are supported before surgery."),
        _item("Retrospective request for MRI of the knee", "No red flags."),
    ))
    out = normalize_letter(letter, tax)
    assert [it.associated_with for it in out.items] == [None, 0, None]


def test_no_primary_no_link(tax) -> None:
    letter = Letter(id="x", source="x", items=(_item("Pre-op EKG", STOCK),))
    assert normalize_letter(letter, tax).items[0].associated_with is None


def test_bundled_letters_all_mapped_and_keyed(tax) -> None:
    letters = [normalize_letter(parse_path(p), tax) for p in sorted(LETTERS.glob("*.txt"))]
    got = [it.procedure for lt in letters for it in lt.items]
    assert got == [
        "vertebroplasty", "mri-lumbar-spine", "lumbar-fusion", "xray-thoracic-spine", "mri-thoracic-spine",
        "hardware-removal-lumbar", "assistant-surgeon", "intraoperative-neuromonitoring", "electrocardiogram",
        "lab-cbc", "lab-cmp", "lab-pt-ptt", "lab-urinalysis", "xray-chest", "medical-clearance", "cervical-collar",
        "aquatic-therapy", "inpatient-stay",
    ]
    cites = [c for lt in letters for it in lt.items
             for c in (*it.guidelines.claims_administrator, *it.guidelines.reviewer)]
    assert cites and all(c.key and c.title for c in cites)
    last = letters[-1]
    assert [it.associated_with for it in last.items] == [None] + [0] * 12
    assert last.items[-2].visits == 12
    first = letters[0].items[0].guidelines
    assert [c.key for c in first.reviewer] == ["odg-low-back"]
    assert [c.key for c in first.claims_administrator] == ["odg-low-back"]  # "Lumbar Chapter" = "Low Back"
    cov = coverage(letters)
    assert (cov.items, cov.mapped, cov.share, cov.unmapped) == (18, 18, 1.0, ())


# ------------------------------------------------------------------ the generated corpus (sample)

SAMPLE = 300


@pytest.fixture(scope="module")
def generated():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_corpus as gc
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return list(gc.iter_letters(SAMPLE, seed=7))


def test_generated_sample_mapped_and_not_merged(generated, tax) -> None:
    total = right = 0
    by_truth: dict[str, Counter[str | None]] = defaultdict(Counter)
    for rel, text, truth in generated:
        letter = normalize_letter(parse_text(text, rel, rel), tax)
        if len(letter.items) != len(truth["items"]):
            # the parser's business; measure normalisation on the truth's own request texts instead
            got = [normalize_request(t["request"], tax).procedure for t in truth["items"]]
        else:
            got = [it.procedure for it in letter.items]
        for t, g in zip(truth["items"], got):
            total += 1
            right += g == t["procedure"]
            by_truth[t["procedure"]][g] += 1
    assert total > 400
    assert right / total >= 0.97, f"{right}/{total} mapped to the generator's procedure"
    # no two of the generator's procedures end up on one page
    majority = {slug: c.most_common(1)[0][0] for slug, c in by_truth.items()}
    owners: dict[str | None, list[str]] = defaultdict(list)
    for slug, page in majority.items():
        owners[page].append(slug)
    merged = {page: slugs for page, slugs in owners.items() if len(slugs) > 1}
    assert merged == {}
