"""The synthetic corpus generator's own procedure catalog.

Written independently from sitegen's taxonomy on purpose: the taxonomy is
measured against the ground truth this catalog produces, so it must not be
derived from it.

Placeholders in request phrasings (filled in by ``generate_corpus``):

``{side}`` / ``{Side}``
    laterality word ("left", "right", "bilateral"), lower / title case; sets
    the item's ``laterality``.
``{llev}`` / ``{clev}``
    a lumbar / cervical spinal level ("L4-5", "C5-C6").
``{freq}``
    a therapy frequency ("2 x 6", "x 8 sessions", "twice a week for six
    weeks"); sets the item's ``visits``.

Medication templates use ``{s}`` (strength as written, e.g. "10/325") and
``{q}`` (quantity, e.g. 120).  The ground-truth strength is ``"<s> <unit>"``
("10/325 mg"), or ``"<s>%"`` for percentages.

Citation specs (``cites``) are tuples:

``("acoem", chapter, pages)``        MTUS ACOEM chapter ("12", "303-304")
``("cpmtg", topic, pages)``          MTUS Chronic Pain Medical Treatment Guidelines
``("post", topic, pages)``           MTUS Postsurgical Treatment Guidelines
``("acu", None, None)``              MTUS Acupuncture Medical Treatment Guidelines
``("odg", chapter, topic)``          ODG, canonical chapter (or None) and topic
``("other", text, None)``            another nationally recognised source
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    slug: str
    category: str
    body_region: str | None
    phrasings: tuple[str, ...]
    cites: tuple[tuple[str, str | None, str | None], ...] = ()
    weight: float = 1.0
    """Relative frequency within its category."""


@dataclass(frozen=True)
class Drug:
    slug: str
    generic: str
    """Generic name as the ground truth gives it ("hydrocodone/acetaminophen")."""
    templates: tuple[str, ...]
    """Request templates with {s} (strength) and {q} (quantity)."""
    strengths: tuple[str, ...]
    unit: str
    quantities: tuple[int, ...]
    cites: tuple[tuple[str, str | None, str | None], ...] = ()
    weight: float = 1.0
    brands: tuple[str, ...] = ()


# --------------------------------------------------------------------------- citations
_LB_IMG = (("acoem", "12", "303-304"), ("odg", "Low Back", "MRIs (magnetic resonance imaging)"))
_NECK_IMG = (("acoem", "8", "177-178"), ("odg", "Neck and Upper Back", "Magnetic resonance imaging (MRI)"))
_KNEE_IMG = (("acoem", "13", "341-343"), ("odg", "Knee & Leg", "MRI's (magnetic resonance imaging)"))
_SH_IMG = (("acoem", "9", "207-209"), ("odg", "Shoulder", "Magnetic resonance imaging (MRI)"))
_PREOP = (("odg", "Low Back", "Preoperative testing, general"), ("other", "American College of Cardiology/American Heart Association (ACC/AHA) 2014 Guideline on Perioperative Cardiovascular Evaluation", None))
_OPIOID = (("cpmtg", "Opioids", "74-96"), ("cpmtg", "Criteria for use of opioids", "76-80"), ("cpmtg", "Opioids, dosing", "86-87"))
_NSAID = (("cpmtg", "NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73"), ("cpmtg", "NSAIDs, GI symptoms & cardiovascular risk", "68-69"))
_MR = (("cpmtg", "Muscle relaxants (for pain)", "63-66"),)
_TOPICAL = (("cpmtg", "Topical Analgesics", "111-113"), ("odg", "Pain", "Topical analgesics"))
_PT = (("cpmtg", "Physical Medicine", "98-99"), ("post", None, "10-12"))
_POSTOP_DME = (("odg", "Knee & Leg", "Continuous-flow cryotherapy"), ("odg", "Shoulder", "Continuous-flow cryotherapy"), ("odg", "Low Back", "Back brace, post operative (fusion)"))

# --------------------------------------------------------------------------- procedures
PROCEDURES: tuple[Procedure, ...] = (
    # imaging
    Procedure("mri-lumbar-spine", "imaging", "lumbar spine", (
        "MRI of the lumbar spine", "MRI lumbar spine without contrast", "Magnetic Resonance Imaging of the Lumbar Spine without Contrast",
        "MRI of the lumbar spine with and without contrast", "Lumbar MRI", "MRI L-spine", "Repeat MRI of the lumbosacral spine"), _LB_IMG, 3),
    Procedure("mri-cervical-spine", "imaging", "cervical spine", (
        "MRI of the cervical spine", "MRI cervical spine without dye", "Magnetic Resonance Imaging (MRI) of the Cervical Spine",
        "MRI C-spine", "Cervical MRI without contrast"), _NECK_IMG, 2),
    Procedure("mri-thoracic-spine", "imaging", "thoracic spine", (
        "MRI of the thoracic spine without dye", "Magnetic Resonance Imaging of the Thoracic Spine", "MRI T-spine",
        "Thoracic spine MRI"), (("acoem", "8", "177-178"), ("odg", "Low Back", "MRIs (magnetic resonance imaging)"))),
    Procedure("mri-knee", "imaging", "knee", (
        "MRI of the {side} knee", "MRI {side} knee without contrast", "Magnetic Resonance Imaging of the {Side} Knee",
        "{Side} knee MRI", "MRI of the knee"), _KNEE_IMG, 1.5),
    Procedure("mri-shoulder", "imaging", "shoulder", (
        "MRI of the {side} shoulder", "MRI {side} shoulder without contrast", "Magnetic Resonance Imaging of the {Side} Shoulder",
        "{Side} shoulder MRI"), _SH_IMG, 1.5),
    Procedure("mri-brain", "imaging", "head", (
        "MRI of the brain", "MRI brain with and without contrast", "Magnetic Resonance Imaging of the Brain"),
        (("odg", "Head", "MRI (magnetic resonance imaging)"),), 0.4),
    Procedure("mri-hip", "imaging", "hip", (
        "MRI of the {side} hip", "MRI {side} hip without contrast", "Magnetic Resonance Imaging of the {Side} Hip"),
        (("odg", "Hip & Pelvis", "MRI (magnetic resonance imaging)"),), 0.5),
    Procedure("mri-wrist", "imaging", "wrist/hand", (
        "MRI of the {side} wrist", "MRI {side} wrist without contrast", "Magnetic Resonance Imaging of the {Side} Wrist"),
        (("acoem", "11", "268-269"), ("odg", "Forearm, Wrist & Hand", "MRI's (magnetic resonance imaging)")), 0.5),
    Procedure("mri-ankle", "imaging", "ankle/foot", (
        "MRI of the {side} ankle", "MRI {side} ankle without contrast", "Magnetic Resonance Imaging of the {Side} Ankle"),
        (("acoem", "14", "372-374"), ("odg", "Ankle & Foot", "Magnetic resonance imaging (MRI)")), 0.5),
    Procedure("ct-lumbar-spine", "imaging", "lumbar spine", (
        "CT scan of the lumbar spine", "CT of the lumbar spine without contrast", "Computed Tomography (CT) of the Lumbar Spine",
        "Lumbar CT scan"), (("acoem", "12", "303-304"), ("odg", "Low Back", "CT (computed tomography)")), 0.6),
    Procedure("ct-cervical-spine", "imaging", "cervical spine", (
        "CT scan of the cervical spine", "CT of the cervical spine without contrast", "Computed Tomography of the Cervical Spine"),
        (("acoem", "8", "177-179"), ("odg", "Neck and Upper Back", "Computed tomography (CT)")), 0.4),
    Procedure("ct-head", "imaging", "head", (
        "CT scan of the head", "CT of the brain without contrast", "Computed Tomography (CT) of the Head"),
        (("odg", "Head", "CT (computed tomography)"),), 0.3),
    Procedure("xray-lumbar-spine", "imaging", "lumbar spine", (
        "X-ray of the lumbar spine", "X-rays lumbar spine (2 views)", "Radiographs of the lumbosacral spine",
        "Lumbar spine x-rays with flexion/extension views"), (("acoem", "12", "303-304"), ("odg", "Low Back", "Radiography (x-rays)"))),
    Procedure("xray-cervical-spine", "imaging", "cervical spine", (
        "X-ray of the cervical spine", "X-rays cervical spine (3 views)", "Radiographs of the cervical spine", "Cervical spine x-rays"),
        (("acoem", "8", "177-178"), ("odg", "Neck and Upper Back", "Radiography (x-rays)")), 0.6),
    Procedure("xray-thoracic-spine", "imaging", "thoracic spine", (
        "X-ray exam of the thoracic spine", "X-rays of the thoracic spine", "Thoracic spine radiographs (2 views)"),
        (("acoem", "8", "177-178"), ("odg", "Low Back", "Radiography (x-rays)")), 0.4),
    Procedure("xray-chest", "imaging", "chest", (
        "Chest x-ray", "X-ray of the chest", "Chest radiograph (2 views)"), _PREOP, 0.3),
    Procedure("xray-knee", "imaging", "knee", (
        "X-ray of the {side} knee", "X-rays {side} knee (3 views)", "Radiographs of the {Side} Knee"),
        (("acoem", "13", "341-343"), ("odg", "Knee & Leg", "Radiography")), 0.5),
    Procedure("xray-shoulder", "imaging", "shoulder", (
        "X-ray of the {side} shoulder", "X-rays {side} shoulder (2 views)", "Radiographs of the {Side} Shoulder"),
        (("acoem", "9", "207-209"), ("odg", "Shoulder", "Radiography")), 0.4),
    Procedure("bone-scan", "imaging", None, (
        "Bone scan", "Whole body bone scan", "Three-phase bone scan", "Nuclear medicine bone scan"),
        (("odg", "Low Back", "Bone scan"), ("odg", "Knee & Leg", "Bone scan")), 0.3),
    Procedure("mr-arthrogram-shoulder", "imaging", "shoulder", (
        "MR arthrogram of the {side} shoulder", "Magnetic Resonance Arthrogram of the {Side} Shoulder", "MRA {side} shoulder"),
        (("acoem", "9", "207-209"), ("odg", "Shoulder", "MR arthrogram")), 0.3),
    Procedure("ct-myelogram-lumbar", "imaging", "lumbar spine", (
        "CT myelogram of the lumbar spine", "Lumbar CT myelogram", "Computed tomography myelogram of the lumbar spine"),
        (("acoem", "12", "303-304"), ("odg", "Low Back", "Myelography")), 0.3),
    # surgery
    Procedure("lumbar-fusion", "surgery", "lumbar spine", (
        "Posterior lumbar interbody fusion at {llev}", "Possible Posterior Fusion {llev}", "Lumbar fusion {llev}",
        "Anterior/posterior lumbar fusion at {llev}", "Transforaminal lumbar interbody fusion (TLIF) {llev}"),
        (("acoem", "12", "305-307"), ("odg", "Low Back", "Fusion (spinal)")), 1.5),
    Procedure("cervical-fusion", "surgery", "cervical spine", (
        "Anterior cervical discectomy and fusion at {clev}", "ACDF {clev}", "Cervical fusion {clev}"),
        (("acoem", "8", "179-180"), ("odg", "Neck and Upper Back", "Fusion, anterior cervical")), 1.0),
    Procedure("lumbar-laminectomy-discectomy", "surgery", "lumbar spine", (
        "Lumbar laminectomy and discectomy at {llev}", "Microdiscectomy {llev}", "Hemilaminectomy and discectomy {llev}",
        "Lumbar decompression {llev}"), (("acoem", "12", "305-307"), ("odg", "Low Back", "Discectomy/laminectomy")), 1.2),
    Procedure("hardware-removal-lumbar", "surgery", "lumbar spine", (
        "Hardware removal at {llev}", "Removal of lumbar hardware {llev}", "Lumbar spinal hardware removal"),
        (("odg", "Low Back", "Hardware removal"),), 0.5),
    Procedure("vertebroplasty", "surgery", None, (
        "Percutaneous Vertebroplasty under Fluoroscope", "Vertebroplasty", "Percutaneous vertebroplasty"),
        (("odg", "Low Back", "Vertebroplasty"),), 0.3),
    Procedure("kyphoplasty", "surgery", None, (
        "Kyphoplasty", "Balloon kyphoplasty", "Percutaneous kyphoplasty"), (("odg", "Low Back", "Kyphoplasty"),), 0.3),
    Procedure("shoulder-arthroscopy-subacromial-decompression", "surgery", "shoulder", (
        "{Side} shoulder arthroscopy with subacromial decompression", "Arthroscopic subacromial decompression {side} shoulder",
        "{Side} shoulder arthroscopy, subacromial decompression and distal clavicle excision"),
        (("acoem", "9", "209-211"), ("odg", "Shoulder", "Surgery for impingement syndrome")), 1.2),
    Procedure("rotator-cuff-repair", "surgery", "shoulder", (
        "{Side} shoulder rotator cuff repair", "Arthroscopic rotator cuff repair {side} shoulder", "Rotator cuff repair"),
        (("acoem", "9", "209-211"), ("odg", "Shoulder", "Surgery for rotator cuff repair")), 1.0),
    Procedure("knee-arthroscopy-meniscectomy", "surgery", "knee", (
        "{Side} knee arthroscopy with partial meniscectomy", "Arthroscopic partial medial meniscectomy {side} knee",
        "{Side} knee arthroscopy, meniscectomy and chondroplasty"),
        (("acoem", "13", "344-345"), ("odg", "Knee & Leg", "Meniscectomy")), 1.2),
    Procedure("total-knee-arthroplasty", "surgery", "knee", (
        "{Side} total knee arthroplasty", "Total knee replacement {side}", "{Side} total knee replacement"),
        (("odg", "Knee & Leg", "Knee joint replacement"),), 0.8),
    Procedure("carpal-tunnel-release", "surgery", "wrist/hand", (
        "{Side} carpal tunnel release", "Open carpal tunnel release {side} wrist", "Endoscopic carpal tunnel release, {side}"),
        (("acoem", "11", "270"), ("odg", "Carpal Tunnel Syndrome", "Carpal tunnel release surgery (CTR)")), 1.0),
    Procedure("trigger-finger-release", "surgery", "wrist/hand", (
        "{Side} trigger finger release", "Trigger finger release, {side} ring finger", "Release of {side} long finger trigger digit"),
        (("acoem", "11", "271"), ("odg", "Forearm, Wrist & Hand", "Percutaneous release (of the trigger finger)")), 0.5),
    Procedure("assistant-surgeon", "surgery", None, (
        "Assistant surgeon", "Associated surgical service: Assistant surgeon", "Associated surgical service: Assistant Surgeon (PA-C)"),
        (("other", "American College of Surgeons, Physicians as Assistants at Surgery, 2016", None),), 0.0),
    # injections
    Procedure("epidural-steroid-injection-lumbar", "injection", "lumbar spine", (
        "Lumbar epidural steroid injection at {llev}", "{Side} {llev} transforaminal epidural steroid injection",
        "Lumbar ESI {llev}", "Caudal epidural steroid injection", "{llev} interlaminar epidural steroid injection"),
        (("cpmtg", "Epidural steroid injections (ESIs)", "46"),), 3),
    Procedure("epidural-steroid-injection-cervical", "injection", "cervical spine", (
        "Cervical epidural steroid injection at {clev}", "Cervical ESI {clev}", "{clev} interlaminar epidural steroid injection"),
        (("cpmtg", "Epidural steroid injections (ESIs)", "46"),), 1.5),
    Procedure("facet-injection-lumbar", "injection", "lumbar spine", (
        "Lumbar facet injections {llev}", "Bilateral facet joint injections at {llev}", "Intra-articular facet blocks {llev}"),
        (("acoem", "12", "300"), ("odg", "Low Back", "Facet joint intra-articular injections (therapeutic blocks)")), 1),
    Procedure("facet-injection-cervical", "injection", "cervical spine", (
        "Cervical facet injections {clev}", "Bilateral cervical facet joint injections at {clev}", "Cervical intra-articular facet blocks {clev}"),
        (("acoem", "8", "181"), ("odg", "Neck and Upper Back", "Facet joint therapeutic steroid injections")), 0.5),
    Procedure("medial-branch-block-lumbar", "injection", "lumbar spine", (
        "Bilateral lumbar medial branch blocks at {llev}", "Lumbar medial branch block {llev}", "Diagnostic medial branch blocks {llev}"),
        (("odg", "Low Back", "Facet joint diagnostic blocks (injections)"),), 1),
    Procedure("radiofrequency-ablation-lumbar", "injection", "lumbar spine", (
        "Radiofrequency ablation {llev}", "Lumbar radiofrequency rhizotomy {llev}", "Bilateral RFA at {llev}"),
        (("acoem", "12", "300-301"), ("odg", "Low Back", "Facet joint radiofrequency neurotomy")), 0.8),
    Procedure("trigger-point-injection", "injection", None, (
        "Trigger point injections", "Trigger point injections x 4", "TPI to the lumbar paraspinals"),
        (("cpmtg", "Trigger point injections", "122"),), 1),
    Procedure("knee-injection-corticosteroid", "injection", "knee", (
        "Cortisone injection {side} knee", "{Side} knee corticosteroid injection", "Steroid injection to the {side} knee"),
        (("acoem", "13", "339"), ("odg", "Knee & Leg", "Corticosteroid injections")), 0.6),
    Procedure("knee-injection-hyaluronic-acid", "injection", "knee", (
        "Synvisc injection {side} knee", "Hyaluronic acid injections to the {side} knee x 3", "Orthovisc injections {side} knee"),
        (("odg", "Knee & Leg", "Hyaluronic acid injections"),), 0.6),
    Procedure("shoulder-injection", "injection", "shoulder", (
        "{Side} shoulder subacromial injection", "Cortisone injection {side} shoulder", "{Side} shoulder corticosteroid injection"),
        (("acoem", "9", "213"), ("odg", "Shoulder", "Steroid injections")), 0.5),
    Procedure("prp-injection", "injection", None, (
        "Platelet rich plasma injection", "PRP injection {side} elbow", "Platelet-rich plasma (PRP) injection {side} knee"),
        (("odg", "Knee & Leg", "Platelet-rich plasma (PRP)"), ("odg", "Elbow", "Platelet-rich plasma (PRP)")), 0.4),
    Procedure("sacroiliac-joint-injection", "injection", "lumbar spine", (
        "{Side} sacroiliac joint injection", "SI joint injection {side}", "Sacroiliac joint block"),
        (("odg", "Hip & Pelvis", "Sacroiliac joint blocks"),), 0.6),
    # therapy
    Procedure("physical-therapy", "therapy", None, (
        "Physical therapy {freq}", "Additional physical therapy {freq}", "PT {freq}", "Physiotherapy {freq}"), _PT, 1.5),
    Procedure("physical-therapy-lumbar-spine", "therapy", "lumbar spine", (
        "Physical therapy {freq} lumbar spine", "Physical therapy for the lumbar spine {freq}", "PT {freq} for the low back"), _PT, 2),
    Procedure("physical-therapy-cervical-spine", "therapy", "cervical spine", (
        "Physical therapy {freq} cervical spine", "Physical therapy for the neck {freq}", "PT {freq} for the cervical spine"), _PT, 1.2),
    Procedure("physical-therapy-shoulder", "therapy", "shoulder", (
        "Physical therapy {freq} {side} shoulder", "Physical therapy for the {side} shoulder {freq}", "Post-op physical therapy {freq} {side} shoulder"),
        _PT, 1),
    Procedure("physical-therapy-knee", "therapy", "knee", (
        "Physical therapy {freq} {side} knee", "Physical therapy for the {side} knee {freq}", "Post-op physical therapy {freq} {side} knee"), _PT, 1),
    Procedure("chiropractic-lumbar-spine", "therapy", "lumbar spine", (
        "Chiropractic care {freq} lumbar spine", "Chiropractic treatment {freq} for the low back", "Chiropractic manipulation {freq} lumbar spine"),
        (("cpmtg", "Manual therapy & manipulation", "58-60"),), 1),
    Procedure("chiropractic-cervical-spine", "therapy", "cervical spine", (
        "Chiropractic care {freq} cervical spine", "Chiropractic treatment {freq} for the neck", "CMT {freq} cervical spine"),
        (("cpmtg", "Manual therapy & manipulation", "58-60"),), 0.7),
    Procedure("acupuncture", "therapy", None, (
        "Acupuncture {freq}", "Additional acupuncture {freq}", "Acupuncture {freq} for the lumbar spine"), (("acu", None, None),), 1.2),
    Procedure("aquatic-therapy", "therapy", None, (
        "Aquatic therapy {freq}", "Aqua therapy {freq}", "Pool therapy {freq}", "Post-op aqua therapy {freq}"),
        (("cpmtg", "Aquatic therapy", "22"),), 0.8),
    Procedure("occupational-therapy", "therapy", None, (
        "Occupational therapy {freq}", "OT {freq} {side} hand", "Occupational therapy {freq} for the {side} wrist"),
        (("post", None, "15-16"), ("cpmtg", "Physical Medicine", "98-99")), 0.6),
    Procedure("psychotherapy-cbt", "therapy", None, (
        "Cognitive behavioral therapy {freq}", "Psychotherapy {freq}", "CBT sessions {freq}"),
        (("cpmtg", "Behavioral interventions", "23"), ("odg", "Mental Illness & Stress", "Cognitive therapy for depression")), 0.8),
    Procedure("biofeedback", "therapy", None, (
        "Biofeedback {freq}", "Biofeedback therapy {freq}", "EMG biofeedback {freq}"), (("cpmtg", "Biofeedback", "24-25"),), 0.3),
    Procedure("massage-therapy", "therapy", None, (
        "Massage therapy {freq}", "Massage {freq}", "Myofascial release massage {freq}"), (("cpmtg", "Massage therapy", "60"),), 0.4),
    # dme
    Procedure("tens-unit", "dme", None, (
        "TENS unit", "TENS unit purchase", "Transcutaneous electrical nerve stimulation (TENS) unit rental x 30 days", "TENS unit with supplies"),
        (("cpmtg", "Transcutaneous electrotherapy", "114-116"),), 1.5),
    Procedure("h-wave-unit", "dme", None, (
        "H-wave unit", "Home H-wave device purchase", "H-Wave unit rental x 30 days"), (("cpmtg", "H-wave stimulation (HWT)", "117-118"),), 0.6),
    Procedure("interferential-unit", "dme", None, (
        "Interferential unit", "Interferential current stimulator rental", "IF unit purchase"),
        (("cpmtg", "Interferential Current Stimulation (ICS)", "118-120"),), 0.6),
    Procedure("cold-therapy-unit", "dme", None, (
        "Cold therapy unit", "Post-op cold therapy unit rental x 7 days", "Vascutherm cold compression unit", "Cryotherapy unit purchase"),
        _POSTOP_DME[:2], 0.8),
    Procedure("lumbar-brace", "dme", "lumbar spine", (
        "Lumbar brace", "LSO back brace", "Lumbar support brace purchase", "Post-op lumbar brace"),
        (("acoem", "12", "301"), ("odg", "Low Back", "Lumbar supports")), 0.8),
    Procedure("cervical-collar", "dme", "cervical spine", (
        "Cervical collar", "Post-op purchase of cervical collar", "Miami J collar", "Soft cervical collar"),
        (("odg", "Neck and Upper Back", "Collars (cervical)"),), 0.4),
    Procedure("shoulder-sling", "dme", "shoulder", (
        "Shoulder sling", "Post-op {side} shoulder sling", "Ultrasling"), (("odg", "Shoulder", "Postoperative abduction pillow sling"),), 0.4),
    Procedure("wrist-splint", "dme", "wrist/hand", (
        "{Side} wrist splint", "Wrist brace {side}", "Night splint for the {side} wrist"), (("acoem", "11", "264-265"),), 0.5),
    Procedure("dvt-compression-pump", "dme", None, (
        "DVT compression pump", "Post-op DVT prophylaxis unit", "Intermittent pneumatic compression device rental"),
        (("odg", "Knee & Leg", "Venous thrombosis"),), 0.4),
    Procedure("bone-growth-stimulator", "dme", None, (
        "Bone growth stimulator", "Post-op bone growth stimulator purchase", "External bone stimulator"),
        (("odg", "Low Back", "Bone growth stimulators (BGS)"),), 0.3),
    Procedure("cane", "dme", None, ("Cane", "Single point cane", "Quad cane purchase"), (("odg", "Knee & Leg", "Walking aids"),), 0.3),
    Procedure("walker", "dme", None, ("Front wheeled walker", "Walker", "Four-wheeled walker with seat"),
        (("odg", "Knee & Leg", "Walking aids"),), 0.3),
    Procedure("home-exercise-kit", "dme", None, (
        "Home exercise kit", "Home exercise kit for the {side} shoulder", "Home exercise equipment"),
        (("odg", "Shoulder", "Home exercise kits"),), 0.3),
    # diagnostic tests
    Procedure("emg-ncv-lower-extremities", "diagnostic-test", "lower extremities", (
        "EMG/NCV of the bilateral lower extremities", "EMG/NCS bilateral lower extremities",
        "Electromyography (EMG) and nerve conduction velocity (NCV) studies of the bilateral lower extremities",
        "Electrodiagnostic studies of the lower extremities"),
        (("acoem", "12", "303"), ("odg", "Low Back", "Nerve conduction studies (NCS)")), 1.5),
    Procedure("emg-ncv-upper-extremities", "diagnostic-test", "upper extremities", (
        "EMG/NCV of the bilateral upper extremities", "EMG/NCS bilateral upper extremities",
        "Electromyography (EMG) and nerve conduction velocity (NCV) studies of the upper extremities", "EMG/NCV BUE"),
        (("acoem", "8", "178"), ("acoem", "11", "261"), ("odg", "Neck and Upper Back", "Electromyography (EMG)")), 1.2),
    Procedure("electrocardiogram", "diagnostic-test", None, (
        "Pre-op EKG", "Pre-operative electrocardiogram (EKG)", "Preoperative ECG", "Electrocardiogram"), _PREOP, 0.5),
    Procedure("echocardiogram", "diagnostic-test", None, ("Echocardiogram", "2D echocardiogram", "Transthoracic echocardiogram"),
        (("other", "American College of Cardiology Appropriate Use Criteria for Echocardiography", None),), 0.2),
    Procedure("sleep-study", "diagnostic-test", None, ("Sleep study", "Polysomnography", "Overnight sleep study"),
        (("odg", "Pain", "Polysomnography"),), 0.3),
    Procedure("intraoperative-neuromonitoring", "diagnostic-test", None, (
        "Intra-operative neurophysiological monitoring", "Intraoperative neuromonitoring", "Intraoperative SSEP/MEP monitoring"),
        (("odg", "Low Back", "Intraoperative neurophysiological monitoring (during surgery)"),), 0.3),
    Procedure("discogram", "diagnostic-test", "lumbar spine", ("Lumbar discogram {llev}", "Discography {llev}", "Provocative discogram"),
        (("acoem", "12", "304"), ("odg", "Low Back", "Discography")), 0.2),
    # evaluations
    Procedure("consultation-orthopedic", "evaluation", None, (
        "Orthopedic consultation", "Consultation with an orthopedic surgeon", "Referral to orthopedic spine surgeon"),
        (("acoem", "7", "127"),), 1),
    Procedure("consultation-pain-management", "evaluation", None, (
        "Pain management consultation", "Referral to pain management", "Consultation with a pain management specialist"),
        (("acoem", "7", "127"),), 1),
    Procedure("consultation-psychiatry", "evaluation", None, (
        "Psychiatric consultation", "Consultation with a psychiatrist", "Referral to psychiatry"),
        (("acoem", "15", "398"), ("acoem", "7", "127")), 0.5),
    Procedure("psychological-evaluation", "evaluation", None, (
        "Psychological evaluation", "Psychological consultation and testing", "Psych evaluation"),
        (("cpmtg", "Psychological evaluations", "100-101"),), 0.6),
    Procedure("functional-capacity-evaluation", "evaluation", None, (
        "Functional capacity evaluation", "FCE", "Functional Capacity Evaluation (FCE)"),
        (("acoem", "7", "137-138"), ("odg", "Fitness for Duty", "Functional capacity evaluation (FCE)")), 0.8),
    Procedure("medical-clearance", "evaluation", None, (
        "Pre-op medical clearance", "Pre-operative medical clearance with internist", "Pre-op H&P", "Medical clearance"), _PREOP, 0.5),
    Procedure("follow-up-visit", "evaluation", None, (
        "Follow-up visit", "Follow up office visits x 6", "Follow-up evaluation with the treating physician", "Office visit"),
        (("acoem", "7", "127"), ("odg", "Pain", "Office visits")), 0.8),
    # programs
    Procedure("functional-restoration-program", "program", None, (
        "Functional restoration program x 160 hours", "Functional restoration program", "FRP x 10 days",
        "Functional restoration program, 20 full-day sessions"), (("cpmtg", "Chronic pain programs (functional restoration programs)", "30-34"),), 1),
    Procedure("work-hardening", "program", None, ("Work hardening program", "Work hardening x 10 sessions", "Work hardening"),
        (("cpmtg", "Work conditioning, work hardening", "125-126"),), 0.4),
    Procedure("work-conditioning", "program", None, ("Work conditioning", "Work conditioning 3 x 4", "Work conditioning program x 12 visits"),
        (("cpmtg", "Work conditioning, work hardening", "125-126"),), 0.4),
    Procedure("detox-program", "program", None, ("Detoxification program", "Inpatient detox program", "Outpatient opioid detoxification"),
        (("cpmtg", "Detoxification", "42"),), 0.3),
    Procedure("weight-loss-program", "program", None, ("Weight loss program", "Medically supervised weight loss program", "Weight Watchers program"),
        (("other", "Annals of Internal Medicine, Evaluation of commercial weight-loss programs, 2005", None),), 0.3),
    # labs
    Procedure("lab-cbc", "lab", None, ("Pre-op labs, CBC", "Complete blood count (CBC)", "Pre-op CBC", "CBC"), _PREOP, 0.5),
    Procedure("lab-cmp", "lab", None, ("Pre-op CMP", "Pre-op labs: CMP", "Pre-op comprehensive metabolic panel", "Comprehensive metabolic panel"), _PREOP, 0.5),
    Procedure("lab-pt-ptt", "lab", None, ("Pre-op PT/PTT", "Prothrombin time/partial thromboplastin time", "Pre-op labs: PT/PTT"), _PREOP, 0.4),
    Procedure("lab-urinalysis", "lab", None, ("Pre-op urinalysis", "Pre-op UA", "Urinalysis"), _PREOP, 0.4),
    Procedure("urine-drug-screen", "lab", None, (
        "Urine drug screen", "Urine toxicology screening", "UDS", "Urine drug test (UDT)", "Random urine drug screen x 4 per year"),
        (("cpmtg", "Drug testing", "43"), ("odg", "Pain", "Urine drug testing (UDT)")), 1.5),
    # other
    Procedure("inpatient-stay", "other", None, (
        "Associated surgical service: Inpatient stay x 1 day", "Inpatient stay x 2 days", "Hospital stay, 3 days", "Inpatient hospital stay x 1 day"),
        (("odg", "Low Back", "Hospital length of stay (LOS)"),), 0.3),
    Procedure("home-health-care", "other", None, (
        "Home health care 4 hours a day x 6 weeks", "Home health aide", "Home health services"),
        (("cpmtg", "Home health services", "51"),), 0.5),
    Procedure("transportation", "other", None, (
        "Transportation to and from medical appointments", "Medical transportation", "Non-emergency transportation"),
        (("odg", "Knee & Leg", "Transportation (to & from appointments)"),), 0.4),
    Procedure("gym-membership", "other", None, ("Gym membership", "Gym membership x 6 months", "One year gym membership with pool access"),
        (("odg", "Low Back", "Gym memberships"),), 0.4),
)

# --------------------------------------------------------------------------- medications
DRUGS: tuple[Drug, ...] = (
    Drug("hydrocodone-acetaminophen", "hydrocodone/acetaminophen", (
        "Norco {s}mg #{q}", "Norco {s} #{q}", "Hydrocodone/APAP {s}mg #{q}", "Hydrocodone/Acetaminophen {s} mg #{q}",
        "Vicodin {s}mg #{q}", "Norco {s}mg"), ("10/325", "7.5/325", "5/325", "10/300"), "mg", (60, 90, 120, 180), _OPIOID, 4,
        ("Norco", "Vicodin", "Lortab")),
    Drug("oxycodone-acetaminophen", "oxycodone/acetaminophen", (
        "Percocet {s}mg #{q}", "Oxycodone/APAP {s}mg #{q}", "Endocet {s} #{q}", "Oxycodone/Acetaminophen {s} mg #{q}"),
        ("10/325", "5/325", "7.5/325"), "mg", (60, 90, 120), _OPIOID, 1.5, ("Percocet", "Endocet")),
    Drug("oxycodone-er", "oxycodone ER", ("OxyContin {s}mg #{q}", "Oxycodone ER {s}mg #{q}", "Oxycontin {s} mg #{q}"),
        ("20", "30", "40", "10"), "mg", (60, 90), _OPIOID, 0.8, ("OxyContin",)),
    Drug("oxycodone", "oxycodone", ("Oxycodone {s}mg #{q}", "Roxicodone {s}mg #{q}", "Oxycodone IR {s} mg #{q}"),
        ("15", "10", "30", "5"), "mg", (60, 90, 120), _OPIOID, 0.8, ("Roxicodone",)),
    Drug("tramadol", "tramadol", ("Tramadol {s}mg #{q}", "Ultram {s}mg #{q}", "Tramadol HCL {s} mg #{q}"),
        ("50",), "mg", (60, 90, 120), (("cpmtg", "Tramadol", "113"),) + _OPIOID, 2, ("Ultram",)),
    Drug("tramadol-er", "tramadol ER", ("Tramadol ER {s}mg #{q}", "Ultram ER {s}mg #{q}", "Tramadol extended release {s} mg #{q}"),
        ("150", "100", "200"), "mg", (30, 60, 90), (("cpmtg", "Tramadol", "113"),) + _OPIOID, 1, ("Ultram ER",)),
    Drug("tramadol-acetaminophen", "tramadol/acetaminophen", ("Ultracet {s}mg #{q}", "Tramadol/APAP {s} #{q}", "Ultracet {s} mg #{q}"),
        ("37.5/325",), "mg", (60, 90, 120), (("cpmtg", "Tramadol", "113"),), 0.5, ("Ultracet",)),
    Drug("tapentadol", "tapentadol", ("Nucynta {s}mg #{q}", "Tapentadol {s}mg #{q}", "Nucynta ER {s} mg #{q}"),
        ("50", "75", "100"), "mg", (60, 90), _OPIOID, 0.5, ("Nucynta",)),
    Drug("morphine-er", "morphine ER", ("MS Contin {s}mg #{q}", "Morphine sulfate ER {s}mg #{q}", "MS Contin {s} mg #{q}"),
        ("15", "30", "60"), "mg", (60, 90), _OPIOID, 0.4, ("MS Contin",)),
    Drug("buprenorphine", "buprenorphine", ("Butrans patch {s}mcg/hr #{q}", "Buprenorphine {s}mcg/hr patch #{q}", "Butrans {s}mcg/hr #{q}"),
        ("10", "5", "20"), "mcg/hr", (4, 8), (("cpmtg", "Buprenorphine", "26-27"),), 0.4, ("Butrans",)),
    Drug("carisoprodol", "carisoprodol", ("Soma {s}mg #{q}", "Carisoprodol {s}mg #{q}", "Soma {s} mg #{q}"),
        ("350", "250"), "mg", (30, 60, 90), (("cpmtg", "Carisoprodol (Soma)", "29"),) + _MR, 1, ("Soma",)),
    Drug("cyclobenzaprine", "cyclobenzaprine", ("Flexeril {s}mg #{q}", "Fexmid {s}mg #{q}", "Cyclobenzaprine {s}mg #{q}", "Cyclobenzaprine HCL {s} mg #{q}"),
        ("10", "7.5", "5"), "mg", (30, 60, 90, 120), (("cpmtg", "Cyclobenzaprine (Flexeril)", "41-42"),) + _MR, 2, ("Flexeril", "Fexmid", "Amrix")),
    Drug("tizanidine", "tizanidine", ("Zanaflex {s}mg #{q}", "Tizanidine {s}mg #{q}", "Tizanidine HCL {s} mg #{q}"),
        ("4", "2"), "mg", (60, 90, 120), (("cpmtg", "Tizanidine (Zanaflex)", "66"),) + _MR, 0.8, ("Zanaflex",)),
    Drug("gabapentin", "gabapentin", ("Neurontin {s}mg #{q}", "Gabapentin {s}mg #{q}", "Gabapentin {s} mg #{q}"),
        ("600", "300", "800", "100"), "mg", (60, 90, 120, 180), (("cpmtg", "Gabapentin (Neurontin)", "18-19"), ("cpmtg", "Antiepilepsy drugs (AEDs)", "16-22")), 1.5,
        ("Neurontin",)),
    Drug("pregabalin", "pregabalin", ("Lyrica {s}mg #{q}", "Pregabalin {s}mg #{q}", "Lyrica {s} mg #{q}"),
        ("75", "50", "150"), "mg", (60, 90), (("cpmtg", "Pregabalin (Lyrica)", "19-20"), ("cpmtg", "Antiepilepsy drugs (AEDs)", "16-22")), 0.8,
        ("Lyrica",)),
    Drug("duloxetine", "duloxetine", ("Cymbalta {s}mg #{q}", "Duloxetine {s}mg #{q}", "Cymbalta {s} mg #{q}"),
        ("60", "30"), "mg", (30, 60), (("cpmtg", "Duloxetine (Cymbalta)", "43-44"), ("cpmtg", "Antidepressants for chronic pain", "13-16")), 0.6,
        ("Cymbalta",)),
    Drug("zolpidem", "zolpidem", ("Ambien {s}mg #{q}", "Zolpidem {s}mg #{q}", "Ambien CR {s} mg #{q}", "Zolpidem tartrate {s}mg #{q}"),
        ("10", "5", "12.5", "6.25"), "mg", (30,), (("odg", "Pain", "Insomnia treatment"), ("odg", "Mental Illness & Stress", "Zolpidem (Ambien)")), 0.8,
        ("Ambien",)),
    Drug("omeprazole", "omeprazole", ("Prilosec {s}mg #{q}", "Omeprazole {s}mg #{q}", "Omeprazole DR {s} mg #{q}"),
        ("20", "40"), "mg", (30, 60, 90), (("cpmtg", "NSAIDs, GI symptoms & cardiovascular risk", "68-69"),), 1.2, ("Prilosec",)),
    Drug("naproxen-sodium", "naproxen sodium", ("Anaprox DS {s}mg #{q}", "Naproxen sodium {s}mg #{q}", "Anaprox DS {s} mg #{q}", "Naproxen Sodium DS {s}mg #{q}"),
        ("550", "275"), "mg", (60, 90, 100), _NSAID, 1.2, ("Anaprox DS", "Anaprox")),
    Drug("celecoxib", "celecoxib", ("Celebrex {s}mg #{q}", "Celecoxib {s}mg #{q}", "Celebrex {s} mg #{q}"),
        ("200", "100"), "mg", (30, 60), _NSAID, 0.6, ("Celebrex",)),
    Drug("meloxicam", "meloxicam", ("Mobic {s}mg #{q}", "Meloxicam {s}mg #{q}", "Meloxicam {s} mg #{q}"),
        ("15", "7.5"), "mg", (30, 60), _NSAID, 0.6, ("Mobic",)),
    Drug("ibuprofen", "ibuprofen", ("Motrin {s}mg #{q}", "Ibuprofen {s}mg #{q}", "Ibuprofen {s} mg #{q}"),
        ("800", "600"), "mg", (60, 90, 120), _NSAID, 0.6, ("Motrin",)),
    Drug("lidocaine-patch", "lidocaine", ("Lidoderm {s}% patch #{q}", "Lidoderm patches {s}% #{q}", "Lidocaine {s}% patch #{q}", "Lidoderm patch #{q}"),
        ("5",), "%", (30, 60, 90), (("cpmtg", "Lidoderm (lidocaine patch)", "56-57"),) + _TOPICAL, 1.2, ("Lidoderm",)),
    Drug("diclofenac-topical", "diclofenac", ("Voltaren {s}% gel 100gm", "Voltaren gel {s}% #{q}", "Flector patch {s}% #{q}", "Diclofenac sodium {s}% gel 100gm"),
        ("1", "1.3"), "%", (30, 60), (("cpmtg", "Topical Analgesics", "111-113"), ("cpmtg", "Voltaren Gel (diclofenac)", "112")), 0.8,
        ("Voltaren Gel", "Flector")),
    Drug("ondansetron", "ondansetron", ("Ondansetron {s}mg ODT #{q}", "Zofran {s}mg #{q}", "Ondansetron ODT {s} mg #{q}"),
        ("8", "4"), "mg", (10, 20, 30), (("odg", "Pain", "Antiemetics (for opioid nausea)"),), 0.6, ("Zofran",)),
    Drug("compounded-topical", "compounded topical", (
        "Compounded cream: Flurbiprofen 20%/Lidocaine 5% 180gm", "Flurbiprofen 20%/Cyclobenzaprine 4%/Menthol 5% cream 240gm",
        "Compound: Ketoprofen 20% cream 120gm", "Compounded topical: Gabapentin 10%/Cyclobenzaprine 5%/Lidocaine 5%",
        "Capsaicin 0.025%/Flurbiprofen 15%/Tramadol 15%/Menthol 2%/Camphor 2% 240gm", "Terocin patches #{q}",
        "Compounded medication: Amitriptyline 4%/Dextromethorphan 10%/Tramadol 20% 210gm"),
        ("",), "", (30, 60), _TOPICAL, 2),
    Drug("medical-food", "medical food", ("Theramine #{q}", "Sentra AM #{q}", "Trepadone #{q}", "Sentra PM #{q}", "Gabadone #{q}"),
        ("",), "", (60, 90, 120), (("odg", "Pain", "Medical food"),), 0.5),
)

#: Every slug the generator can emit, with its category.
CATEGORY_OF: dict[str, str] = {p.slug: p.category for p in PROCEDURES} | {d.slug: "medication" for d in DRUGS}
SLUGS: frozenset[str] = frozenset(CATEGORY_OF)
BY_SLUG: dict[str, Procedure] = {p.slug: p for p in PROCEDURES}
DRUG_BY_SLUG: dict[str, Drug] = {d.slug: d for d in DRUGS}

# --------------------------------------------------------------------------- surgery packages
#: Associated items that follow a primary surgical item (slug, phrasings override or ()).
ASSOCIATED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assistant-surgeon", ("Associated surgical service: Assistant surgeon", "Assistant surgeon", "Associated surgical service: Assistant Surgeon (PA-C)")),
    ("intraoperative-neuromonitoring", ("Intra-operative neurophysiological monitoring", "Intraoperative neuromonitoring")),
    ("electrocardiogram", ("Pre-op EKG", "Pre-operative electrocardiogram (EKG)", "Preoperative ECG")),
    ("lab-cbc", ("Pre-op labs, CBC", "Pre-op CBC")),
    ("lab-cmp", ("Pre-op CMP", "Pre-op labs: CMP", "Pre-op comprehensive metabolic panel")),
    ("lab-pt-ptt", ("Pre-op PT/PTT", "Pre-op labs: PT/PTT")),
    ("lab-urinalysis", ("Pre-op urinalysis", "Pre-op UA")),
    ("xray-chest", ("Pre-op chest x-ray", "Pre-operative chest x-ray")),
    ("medical-clearance", ("Pre-op medical clearance", "Pre-operative medical clearance with internist")),
    ("cold-therapy-unit", ("Post-op cold therapy unit rental x 7 days", "Post-op cold therapy unit")),
    ("dvt-compression-pump", ("Post-op DVT compression pump", "Post-op DVT prophylaxis unit")),
    ("aquatic-therapy", ("Post-op aqua therapy {freq}",)),
    ("inpatient-stay", ("Associated surgical service: Inpatient stay x 1 day", "Associated surgical service: Inpatient stay x 2 days")),
)
#: Region-specific post-op items for a primary's body region.
POSTOP_BY_REGION: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "cervical spine": (("cervical-collar", ("Post-op purchase of cervical collar", "Post-op cervical collar")),
                       ("physical-therapy-cervical-spine", ("Post-op physical therapy {freq} cervical spine",))),
    "lumbar spine": (("lumbar-brace", ("Post-op lumbar brace", "Post-op purchase of LSO brace")),
                     ("bone-growth-stimulator", ("Post-op bone growth stimulator purchase",)),
                     ("physical-therapy-lumbar-spine", ("Post-op physical therapy {freq} lumbar spine",))),
    "shoulder": (("shoulder-sling", ("Post-op {side} shoulder sling", "Post-op Ultrasling")),
                 ("physical-therapy-shoulder", ("Post-op physical therapy {freq} {side} shoulder",))),
    "knee": (("physical-therapy-knee", ("Post-op physical therapy {freq} {side} knee",)),
             ("walker", ("Post-op front wheeled walker",))),
    "wrist/hand": (("wrist-splint", ("Post-op {side} wrist splint",)),
                   ("occupational-therapy", ("Post-op occupational therapy {freq}",))),
}

# --------------------------------------------------------------------------- reviewers
SPECIALTIES: tuple[tuple[str, float], ...] = (
    ("Physical Medicine and Rehabilitation", 5), ("Occupational Medicine", 3), ("Orthopaedic Surgery", 2.5),
    ("Orthopedic Surgery", 1), ("Anesthesiology", 2), ("Pain Medicine", 1), ("Family Medicine", 1.5), ("Family Practice", 0.5),
    ("Internal Medicine", 1.5), ("Neurological Surgery", 0.8), ("Neurology", 0.6), ("Preventive Medicine", 0.5),
    ("Psychiatry", 0.5), ("Psychologist", 0.5), ("Chiropractor", 0.6), ("Acupuncture", 0.2), ("Hand Surgery", 0.3),
    ("Plastic Surgery", 0.3), ("Cardiovascular Disease", 0.2),
)
SUBSPECIALTIES: tuple[str, ...] = ("Interventional Spine", "Pain Medicine", "Sports Medicine", "Spine Surgery", "Hand Surgery")
STATES: tuple[tuple[str, float], ...] = (
    ("California", 12), ("Texas", 1), ("New York", 1), ("Illinois", 1), ("Florida", 1), ("Arizona", 0.6), ("Nevada", 0.6),
    ("Washington", 0.6), ("Oregon", 0.5), ("Colorado", 0.5), ("Pennsylvania", 0.6), ("Ohio", 0.5), ("Michigan", 0.5),
    ("Massachusetts", 0.5), ("Maryland", 0.4), ("Montana", 0.3), ("Georgia", 0.4), ("Virginia", 0.3), ("Tennessee", 0.3),
    ("North Carolina", 0.3), ("Minnesota", 0.3), ("Wisconsin", 0.3), ("New Jersey", 0.4), ("Connecticut", 0.2),
)

# --------------------------------------------------------------------------- ODG chapter aliases
#: Canonical ODG chapter -> ways letters write it (the canonical name first).
ODG_ALIASES: dict[str, tuple[str, ...]] = {
    "Low Back": ("Low Back", "Low Back - Lumbar & Thoracic (Acute & Chronic)", "Lumbar", "low back"),
    "Neck and Upper Back": ("Neck and Upper Back", "Neck & Upper Back", "Neck", "Cervical", "Neck and Upper Back (Acute & Chronic)"),
    "Shoulder": ("Shoulder", "Shoulder (Acute & Chronic)"),
    "Elbow": ("Elbow", "Elbow (Acute & Chronic)"),
    "Forearm, Wrist & Hand": ("Forearm, Wrist & Hand", "Forearm, Wrist, & Hand", "Hand", "Wrist"),
    "Carpal Tunnel Syndrome": ("Carpal Tunnel Syndrome", "Carpal Tunnel"),
    "Hip & Pelvis": ("Hip & Pelvis", "Hip and Pelvis"),
    "Knee & Leg": ("Knee & Leg", "Knee and Leg", "Knee"),
    "Ankle & Foot": ("Ankle & Foot", "Ankle and Foot"),
    "Pain": ("Pain", "Pain (Chronic)", "Chronic Pain"),
    "Mental Illness & Stress": ("Mental Illness & Stress", "Mental Illness and Stress", "Stress & Mental Illness"),
    "Head": ("Head", "Head (trauma, headaches, etc.)"),
    "Fitness for Duty": ("Fitness for Duty",),
}

#: ACOEM chapter titles as cited.
ACOEM_TITLES: dict[str, str] = {
    "3": "Initial Approaches to Treatment", "6": "Pain, Suffering, and the Restoration of Function",
    "7": "Independent Medical Examinations and Consultations", "8": "Neck and Upper Back Complaints",
    "9": "Shoulder Complaints", "10": "Elbow Disorders (Revised 2007)", "11": "Forearm, Wrist, and Hand Complaints",
    "12": "Low Back Complaints", "13": "Knee Complaints", "14": "Ankle and Foot Complaints", "15": "Stress Related Conditions",
}
