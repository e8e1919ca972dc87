"""Request normalisation: procedure slugs, brands, laterality, strength, quantity, visits."""

from __future__ import annotations

import pytest

from sitegen.normalize import NormalizedRequest, load_taxonomy, normalize_request
from sitegen.normalize.requests import laterality, quantity, strength, visits


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def slug(text: str, tax) -> str | None:
    return normalize_request(text, tax).procedure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same procedure written many ways
        ("MRI of the thoracic spine without dye", "mri-thoracic-spine"),
        ("Magnetic Resonance Imaging of the Thoracic Spine", "mri-thoracic-spine"),
        ("MRI T-spine", "mri-thoracic-spine"),
        ("Magnetic Resonance Imaging of the Lumbar Spine without Contrast", "mri-lumbar-spine"),
        ("MRI L/S with and without contrast", "mri-lumbar-spine"),
        ("Lumbar MRI", "mri-lumbar-spine"),
        ("X-ray exam of the thoracic spine", "xray-thoracic-spine"),
        ("Cervical spine radiographs (2 views)", "xray-cervical-spine"),
        ("CT scan of the lumbar spine", "ct-lumbar-spine"),
        ("CT myelogram lumbar spine", "ct-myelogram-lumbar"),
        ("MR arthrogram of the right shoulder", "mr-arthrogram-shoulder"),
        ("Percutaneous Vertebroplasty under Fluoroscope", "vertebroplasty"),
        ("Possible Posterior Fusion L2-3, L3-4", "lumbar-fusion"),
        ("ACDF C5-6", "cervical-fusion"),
        ("Hardware removal at L3-5", "hardware-removal-lumbar"),
        ("Right knee arthroscopy with partial meniscectomy", "knee-arthroscopy-meniscectomy"),
        ("Left carpal tunnel release", "carpal-tunnel-release"),
        # labels and pre-/post-op do not change the slug
        ("Associated surgical service: Assistant surgeon", "assistant-surgeon"),
        ("Intra-operative neurophysiological monitoring", "intraoperative-neuromonitoring"),
        ("Pre-op EKG", "electrocardiogram"),
        ("Pre-operative electrocardiogram (EKG)", "electrocardiogram"),
        ("Pre-op labs, CBC", "lab-cbc"),
        ("Pre-op CMP", "lab-cmp"),
        ("Pre-op PT/PTT", "lab-pt-ptt"),  # prothrombin time, not physical therapy
        ("Pre-op urinalysis", "lab-urinalysis"),
        ("Urine drug screen", "urine-drug-screen"),  # not a urinalysis
        ("Pre-op chest x-ray", "xray-chest"),
        ("Pre-op medical clearance", "medical-clearance"),
        ("Post-op purchase of cervical collar", "cervical-collar"),
        ("Post-op aqua therapy 2 x 6", "aquatic-therapy"),
        ("Associated surgical service: Inpatient stay x 1 day", "inpatient-stay"),
        ("Post-op lumbar brace", "lumbar-brace"),
        ("TENS unit with supplies", "tens-unit"),
        ("TENS electrodes x 2 packs", "tens-supplies"),
        # injections: region and type both matter
        ("L5-S1 TFESI", "epidural-steroid-injection-lumbar"),
        ("Caudal epidural steroid injection", "epidural-steroid-injection-lumbar"),
        ("Cervical epidural steroid injection C6-7", "epidural-steroid-injection-cervical"),
        ("Bilateral lumbar facet injections L4-5", "facet-injection-lumbar"),
        ("Bilateral lumbar medial branch blocks at L3-4", "medial-branch-block-lumbar"),
        ("Radiofrequency ablation L4-5 bilateral", "radiofrequency-ablation-lumbar"),
        ("Synvisc-One injection right knee", "knee-injection-hyaluronic-acid"),
        ("Cortisone injection left knee", "knee-injection-corticosteroid"),
        # therapy and programs
        ("Physical therapy 2x6 for the lumbar spine", "physical-therapy-lumbar-spine"),
        ("Physiotherapy x 12 visits", "physical-therapy"),
        ("Chiropractic manipulation of the cervical spine x 6", "chiropractic-cervical-spine"),
        ("Functional restoration program x 160 hours", "functional-restoration-program"),
        ("Office visit", "follow-up-visit"),
        ("Referral to an orthopedic surgeon", "consultation-orthopedic"),
        ("One year gym membership with pool access", "gym-membership"),
    ],
)
def test_phrasing_variants(text: str, expected: str, tax) -> None:
    assert slug(text, tax) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MRI of the lumbar spine", "MRI of the cervical spine"),
        ("MRI of the lumbar spine", "CT of the lumbar spine"),
        ("MRI of the lumbar spine", "X-rays of the lumbar spine"),
        ("Norco 10/325mg #120", "Percocet 10/325mg #120"),
        ("Oxycodone 15mg #60", "OxyContin 20mg #60"),
        ("Tramadol 50mg #60", "Tramadol ER 150mg #30"),
        ("Tramadol 50mg #60", "Ultracet 37.5/325 #60"),
        ("Naproxen 500mg #60", "Anaprox DS 550mg #60"),
        ("Diclofenac sodium ER 100mg #30", "Voltaren 1% gel 100gm"),
        ("Lidoderm 5% patch #30", "Compounded cream: Flurbiprofen 20%/Lidocaine 5% 180gm"),
        ("Lumbar facet injection L4-5", "Lumbar medial branch block L4-5"),
        ("Pre-op PT/PTT", "Physical therapy 2 x 6"),
        ("Urinalysis", "Urine drug screen"),
    ],
)
def test_different_procedures_stay_apart(a: str, b: str, tax) -> None:
    sa, sb = slug(a, tax), slug(b, tax)
    assert sa is not None and sb is not None
    assert sa != sb


@pytest.mark.parametrize(
    ("text", "expected", "drug"),
    [
        ("Norco 10/325mg #120", "hydrocodone-acetaminophen", "hydrocodone/acetaminophen"),
        ("Hydrocodone/APAP 10/325 #90", "hydrocodone-acetaminophen", "hydrocodone/acetaminophen"),
        ("Percocet 10/325mg #90", "oxycodone-acetaminophen", "oxycodone/acetaminophen"),
        ("Oxycodone/APAP 5/325mg #60", "oxycodone-acetaminophen", "oxycodone/acetaminophen"),
        ("OxyContin 20mg #60", "oxycodone-er", "oxycodone ER"),
        ("Ultram 50mg #60", "tramadol", "tramadol"),
        ("Ultram ER 150mg #90", "tramadol-er", "tramadol ER"),
        ("Ultracet 37.5/325 #60", "tramadol-acetaminophen", "tramadol/acetaminophen"),
        ("Soma 350mg #60", "carisoprodol", "carisoprodol"),
        ("Flexeril 10mg #60", "cyclobenzaprine", "cyclobenzaprine"),
        ("Fexmid 7.5mg #60", "cyclobenzaprine", "cyclobenzaprine"),
        ("Neurontin 600mg #90", "gabapentin", "gabapentin"),
        ("Lyrica 75mg #60", "pregabalin", "pregabalin"),
        ("Lidoderm 5% patch #30", "lidocaine-patch", "lidocaine (patch)"),
        ("Voltaren 1% gel 100gm", "diclofenac-topical", "diclofenac (topical)"),
        ("Flector patch 1.3% #30", "diclofenac-topical", "diclofenac (topical)"),
        ("Prilosec 20mg #60", "omeprazole", "omeprazole"),
        ("Anaprox DS 550mg #60", "naproxen-sodium", "naproxen sodium"),
        ("Naproxen Sodium DS 275mg #60", "naproxen-sodium", "naproxen sodium"),
        ("MS Contin 30mg #60", "morphine-er", "morphine ER"),
        ("Theramine #120", "medical-food", None),
        ("Terocin patches #30", "compounded-topical", "compounded topical"),
    ],
)
def test_brands_map_to_generics(text: str, expected: str, drug: str | None, tax) -> None:
    n = normalize_request(text, tax)
    assert (n.procedure, n.category, n.drug) == (expected, "medication", drug)


def test_medication_details(tax) -> None:
    assert normalize_request("Norco 10/325mg #120", tax) == NormalizedRequest(
        procedure="hydrocodone-acetaminophen", category="medication", drug="hydrocodone/acetaminophen",
        strength="10/325 mg", quantity=120,
    )
    n = normalize_request("Fexmid 7.5 mg #60 with 2 refills", tax)
    assert (n.strength, n.quantity) == ("7.5 mg", 60)
    n = normalize_request("Butrans 10mcg/hr patch #4", tax)
    assert (n.procedure, n.strength, n.quantity) == ("buprenorphine", "10 mcg/hr", 4)
    n = normalize_request("Lidoderm 5% patch #30", tax)
    assert (n.strength, n.quantity) == ("5%", 30)
    # compounds: the percentages describe ingredients, and 180gm is a pack size
    n = normalize_request("Compounded cream: Flurbiprofen 20%/Lidocaine 5% 180gm", tax)
    assert (n.procedure, n.strength, n.quantity) == ("compounded-topical", None, None)


def test_strength_and_quantity_helpers() -> None:
    assert strength("Norco 10/325mg") == "10/325 mg"
    assert strength("Norco 10 / 325 mg") == "10/325 mg"
    assert strength("Ultracet 37.5/325 #60") == "37.5/325 mg"
    assert strength("Duragesic 25mcg/hr") == "25 mcg/hr"
    assert strength("Theramine #120") is None
    assert quantity("Norco 10/325mg #120") == 120
    assert quantity("Norco 10/325 Qty: 90") == 90
    assert quantity("Motrin 800mg (60 tablets)") == 60
    assert quantity("Norco 10/325mg") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Post-op aqua therapy 2 x 6", 12),
        ("Physical therapy 2x6", 12),
        ("Physical therapy 3 x 4 weeks", 12),
        ("Physical therapy 2 times a week for 6 weeks", 12),
        ("Chiropractic care twice a week for six weeks", 12),
        ("Acupuncture x 8 sessions", 8),
        ("Twelve (12) sessions of chiropractic care", 12),
        ("Physiotherapy times 6 visits", 6),
        ("Post-op physical therapy x 6 left shoulder", 6),
        ("Physical therapy for the lumbar spine", None),
        ("Inpatient stay x 1 day", None),
        ("Physical therapy 2 x 6 for L4-5", 12),
    ],
)
def test_visits(text: str, expected: int | None) -> None:
    assert visits(text) == expected


def test_visits_only_for_visit_based_services(tax) -> None:
    assert normalize_request("Post-op aqua therapy 2 x 6", tax).visits == 12
    assert normalize_request("Norco 10/325 2 x 6", tax).visits is None
    assert normalize_request("Associated surgical service: Inpatient stay x 1 day", tax).visits is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Right knee arthroscopy", "right"),
        ("MRI of the left shoulder", "left"),
        ("Bilateral L5-S1 facet injections", "bilateral"),
        ("EMG/NCV BUE", "bilateral"),
        ("Left and right knee x-rays", "bilateral"),
        ("Rt wrist splint", "right"),
        ("MRI of the lumbar spine", None),
        ("Lightweight cane", None),  # 'left' / 'right' must be whole words
    ],
)
def test_laterality(text: str, expected: str | None) -> None:
    assert laterality(text) == expected


def test_laterality_and_region_in_record(tax) -> None:
    n = normalize_request("Right knee arthroscopy with partial meniscectomy", tax)
    assert (n.category, n.body_region, n.laterality) == ("surgery", "knee", "right")
    n = normalize_request("Physical therapy 2 x 4 for the right wrist", tax)
    assert (n.procedure, n.body_region, n.laterality, n.visits) == ("physical-therapy", "wrist/hand", "right", 8)
    n = normalize_request("Trigger point injections to the lumbar paraspinals x 4", tax)
    assert (n.procedure, n.body_region) == ("trigger-point-injection", "lumbar spine")


def test_unmapped_stays_none(tax) -> None:
    n = normalize_request("Something nobody has ever requested", tax)
    assert n == NormalizedRequest()
