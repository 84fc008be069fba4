"""The grammar of tumor text: qualifiers + histology + site.

A tumor as a clinician writes it is a histology and a site wrapped in qualifiers:
``"moderately differentiated adenocarcinoma of the sigmoid colon, pT3N1, relapsed"``.
This module reads the qualifiers by meaning (stage, TNM, FIGO, Gleason/ISUP, grade,
laterality and sub-site, course of disease), rewrites sub-sites to the site word the
vocabularies use (``sigmoid colon`` -> ``colon``), and leaves the histology + site core
for :mod:`actionable.tumors` to look up or compose. It knows words, not OncoTree: the
only codes here are the graded nodes a grade selects (:data:`GRADED`).

>>> from actionable.tumors.grammar import normalise, read
>>> r = read(normalise("Moderately differentiated adenocarcinoma of the sigmoid colon, pT3N1"))
>>> r.core, r.grade, r.subsite, r.qualifiers
('adenocarcinoma of the colon', '2', 'sigmoid colon', ('pT3N1',))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "GRADED",
    "SITES",
    "Reading",
    "graded_code",
    "molecular",
    "normalise",
    "not_a_tumor",
    "prepare",
    "read",
    "site_in",
]

# --------------------------------------------------------------------------- text

# Spelling variants are rewritten on both sides, so names from OncoTree
# ("Polycythaemia Vera Myelofibrosis") and input meet whatever spelling either uses.
_BRITISH = (
    ("tumour", "tumor"),
    ("leukaem", "leukem"),
    ("haem", "hem"),
    ("anaem", "anem"),
    ("aemia", "emia"),
    ("oestr", "estr"),
    ("paediatr", "pediatr"),
    ("gynaec", "gynec"),
    ("caec", "cec"),
    ("centre", "center"),
)
# "pancreas", "thymus", "mycosis" are singular; "carcinomas" is not.
_PLURAL_KEEP = ("ss", "us", "is", "os")


def normalise(text: str) -> str:
    """Case, accents, punctuation, spacing, British spelling and plural ``s``.

    >>> normalise("Oesophageal Tumours")
    'esophageal tumor'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("+", " positive ").replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    # Not a plain replace: American "gastroesophageal" contains "oesophag".
    text = re.sub(r"\boesophag|(?<=gastro)oesophag", "esophag", text)
    for old, new in _BRITISH:
        text = text.replace(old, new)
    return " ".join(_singular(token) for token in text.split())


def _singular(token: str) -> str:
    plural = token.endswith("s") and not token.endswith(_PLURAL_KEEP)
    plural = plural and (not token.endswith("as") or token.endswith("mas"))
    if plural and len(token) >= 4 and token.isalpha():
        return token[:-1]
    return token


# --------------------------------------------------------------------------- raw text

# Forms whose meaning lives in symbols that normalising would turn into words
# ("4+3" would read as "4 positive 3"): read them before normalising.
_GLEASON_RE = re.compile(
    r"\b(?:gleason(?:\s+score)?|gs)\s*[:=]?\s*(?:\d\s*\+\s*\d(?:\s*=\s*\d{1,2})?|\d{1,2})"
    r"(?:\s*\(\s*\d\s*\+\s*\d\s*\))?"
    r"|\b(?:isup\s*(?:grade\s*group|grade|gg)?|grade\s+group|gg)\s*[:=]?\s*[1-5]\b",
    re.IGNORECASE,
)
_RR_RE = re.compile(r"\br\s*/\s*r\b", re.IGNORECASE)
# Alterations written into the tumor text ("KRAS G12C NSCLC", "EGFR-mutant", "MSI-H"):
# not part of the type; set aside when the type cannot be read with them.
_MOLECULAR_RE = re.compile(
    r"\b(?:[A-Z][A-Z0-9]{1,9}(?:[-/:][A-Z0-9]{2,9})?(?:[\s-]+|(?=[-]))"
    r"(?:mutant|mutated|mutation|amplified|amplification|rearranged|rearrangement|fusion"
    r"|fusion-positive|wild-?type|wt|altered|alteration|deficient|proficient|driven|positive"
    r"|negative|exon\s+\d+\s+\w+|p\.[A-Za-z0-9*_]+|[A-Z]\d{1,4}(?:[A-Z]|fs|\*|del))"
    r"|MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|dMMR|pMMR|TMB-?H(?:igh)?)(?=[\s,;()]|$)"
)


def molecular(text: str) -> tuple[str, tuple[str, ...]]:
    """Alterations written into a tumor text, and the text without them.

    >>> molecular("KRAS G12C NSCLC")
    ('NSCLC', ('KRAS G12C',))
    """
    found = tuple(hit.group(0).strip() for hit in _MOLECULAR_RE.finditer(text))
    return " ".join(_MOLECULAR_RE.sub(" ", text).split()), found


def prepare(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with Gleason / ISUP statements set aside (returned verbatim) and
    ``R/R`` spelled out.

    >>> prepare("prostate adenocarcinoma, Gleason 4+3=7, ISUP grade group 3")
    ('prostate adenocarcinoma, ,', ('Gleason 4+3=7', 'ISUP grade group 3'))
    """
    found = tuple(hit.group(0).strip() for hit in _GLEASON_RE.finditer(text))
    text = _GLEASON_RE.sub(" ", text)
    text = _RR_RE.sub("relapsed refractory", text)
    return " ".join(text.split()), found


# --------------------------------------------------------------------------- qualifiers

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

# Stage and extent: read and set aside (never change the type).
_STAGE = (
    r"(?:(?:figo|ajcc|tnm|clinical|pathologic(?:al)?)\s+)?(?:\d{4}\s+)?"
    # The sub-stage letter must be attached: "stage IV B-ALL" is B-ALL.
    r"stage\s+(?:0|i{1,3}|iv|[1-4])(?:[a-c][1-3]?)?"
    r"|figo\s+(?:\d{4}\s+)?(?:i{1,3}|iv|[1-4])(?:[a-c][1-3]?)?"
    r"|(?:extensive|limited|early|late)\s+stage(?:\s+disease)?"
)
_TNM = (
    r"(?:yp|rp|[cpyra])?t(?:[0-4x]|is)[a-d]?(?:\s?[1-3])?"
    r"(?:\s?(?:yp|[cp])?n[0-3x][a-c]?(?:\s?mi)?)?(?:\s?(?:yp|[cp])?m[01x][a-c]?)?"
    r"|(?:yp|[cp])?n[0-3x][a-c]?\s?(?:yp|[cp])?m[01x][a-c]?"
)
_OTHER_QUALIFIERS = (
    r"r[0-2]\s+resection|resected|unresected|resectable|borderline\s+resectable|operable"
    r"|localized|de\s+novo|treatment\s+naive|untreated|previously\s+untreated"
    r"|previously\s+treated|heavily\s+pretreated|pretreated|persistent|progressive"
    r"|progressing|nos\s+primary|diagnosed\s+\d{4}|diagnosed\s+in\s+\d{4}|biopsy\s+proven"
    r"|histologically\s+confirmed|confirmed|disease|s p\s+\w+"
    r"|bclc\s+(?:stage\s+)?[0a-d]|child\s+pugh\s+[abc]\d{0,2}"
    r"|(?:on\s+(?:a\s+)?background\s+of|in\s+(?:the\s+)?setting\s+of|arising\s+in)"
    r"\s+(?:cirrhosi[s]?|hepatitis\s+[bc]|nash|masld)"
    r"|(?:hpv|p16|ebv)\s+(?:positive|negative|associated|related|driven|mediated|independent)"
    r"|(?:non\s+)?muscle\s+invasive|platinum\s+(?:sensitive|resistant|refractory)"
    r"|(?:very\s+)?(?:high|low|intermediate)(?:\s+1|\s+2)?\s+risk|siewert\s+(?:i{1,3}|[1-3])"
    r"|(?:es|ls)(?=\s+sclc)|(?<=sclc\s)(?:extensive|limited)(?:\s+stage|\s+disease)?"
    r"|(?:distal|middle|upper|lower|mid)\s+third"
    r"|(?:who\s+)?type\s+(?:ab|a|b1|b2|b3)(?=\s|$)"
)

# Course of disease words -> the PatientFacts.course value they state.
_COURSE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"relapsed\s+refractory|relapsed\s+or\s+refractory", ("relapsed", "refractory")),
    (r"(?:in\s+)?(?:first|second|third|1st|2nd|3rd|early|late|multiply)\s+relapse[d]?"
     r"|(?:in\s+)?relapse|relapsed|relapsing", ("relapsed",)),
    (r"(?:primary|rai|radioiodine|iodine)\s+refractory|refractory", ("refractory",)),
    (r"locally\s+recurrent|recurrent|recurrence|recurring", ("recurrent",)),
    (r"newly\s+diagnosed|new\s+diagnosis", ("newly diagnosed",)),
    (r"(?:in\s+)?chronic\s+phase|(?<=cml\s)cp", ("chronic phase",)),
    (r"(?:in\s+)?accelerated\s+phase|(?<=cml\s)ap", ("accelerated phase",)),
    (r"(?:in\s+)?(?:myeloid\s+|lymphoid\s+)?blast(?:ic)?\s+(?:phase|crisis)|(?<=cml\s)bp"
     r"|(?<=cml\s)bc", ("blast phase",)),
    (r"castration\s+resistant|castrate\s+resistant|hormone\s+refractory",
     ("castration-resistant",)),
    (r"castration\s+sensitive|castrate\s+sensitive|hormone\s+sensitive|hormone\s+naive",
     ("hormone-sensitive",)),
    (r"locally\s+advanced", ("locally advanced",)),
    (r"unresectable|inoperable|non\s+resectable", ("unresectable",)),
    (r"(?:with|to)\s+(?:the\s+)?(?:liver|lung|bone|brain|peritoneal|nodal|lymph\s+node|distant"
     r"|visceral|cns|leptomeningeal|adrenal|pleural|hepatic|osseous)"
     r"(?:\s+and\s+\w+)?\s+metasta(?:sis|se|tic\s+disease|tase)"
     r"|with\s+metasta(?:sis|se|tase)|metastatic\s+to\s+(?:the\s+)?\w+(?:\s+and\s+\w+)?"
     r"|(?:with\s+)?(?:liver|lung|bone|brain|nodal|lymph\s+node|peritoneal|distant|adrenal"
     r"|osseous|skin|leptomeningeal)\s+(?:metasta(?:sis|se|tic\s+disease)|met)"
     r"(?:\s+(?:from|of))?"
     r"|metasta(?:sis|se)\s+(?:from|of)"
     r"|(?<=\s)to\s+(?:the\s+)?(?:liver|lung|bone|brain|lymph\s+node|peritoneum)\b"
     r"|metastatic|metastasized|metastasised|disseminated|widespread|oligometastatic",
     ("metastatic",)),
    (r"advanced", ("advanced",)),
)  # fmt: skip

# Abbreviations that carry a course word; the type itself is resolved elsewhere.
_COURSE_ABBREVIATIONS: Mapping[str, tuple[str, ...]] = {
    "mcrpc": ("metastatic", "castration-resistant"),
    "crpc": ("castration-resistant",),
    "mhspc": ("metastatic", "hormone-sensitive"),
    "mcspc": ("metastatic", "hormone-sensitive"),
    "mcrc": ("metastatic",),
    "mbc": (),  # OncoTree's Metaplastic Breast Cancer, not "metastatic"
    "advsm": ("advanced",),
    "muc": ("metastatic",),
}

# Grades: numeric and worded. "anaplastic" is WHO grade 3 only for the diffuse gliomas.
_GRADE = (
    r"(?:(?:who|cns\s?who|who\s+cns|histologic(?:al)?|nuclear|nottingham|fnclcc|fuhrman"
    r"|isup)\s+)?grade\s+(?P<num>[1-4]|i{1,3}|iv)(?:\s?[ab])?(?:\s+of\s+[34]|\s+[34])?"
    r"|\bg(?P<g>[1-4])\b"
    r"|(?P<word>low|high|intermediate)\s+grade"
    r"|(?P<diff>well|moderately|moderate|poorly)(?:\s+to\s+(?:moderately|poorly))?"
    r"\s+differentiated"
    r"|(?P<ana>anaplastic)(?=\s+(?:oligodendroglioma|astrocytoma))"
)
_DIFFERENTIATION = {"well": "1", "moderately": "2", "moderate": "2", "poorly": "3"}

_LATERALITY = r"(?:left|right)\s+sided|(?:left|right)\s+side|bilateral|left|right"


@dataclass(frozen=True)
class Site:
    """A site as the vocabularies name it, with the forms used in names."""

    forms: tuple[str, ...]
    """Words for the site as they occur in OncoTree names and synonyms, best first."""
    tissue: str
    """The OncoTree tissue (level-1 code) the site belongs to."""


SITES: Mapping[str, Site] = {
    "colon": Site(("colon", "colonic", "colon and rectum", "colorectal"), "BOWEL"),
    "rectum": Site(("rectal", "rectum", "colon and rectum", "colorectal"), "BOWEL"),
    "colorectal": Site(("colorectal",), "BOWEL"),
    "small bowel": Site(("small bowel", "small intestinal"), "BOWEL"),
    "duodenum": Site(("duodenal", "small bowel", "small intestinal"), "BOWEL"),
    "appendix": Site(("appendiceal",), "BOWEL"),
    "anus": Site(("anal",), "BOWEL"),
    "stomach": Site(("gastric", "stomach"), "STOMACH"),
    "esophagus": Site(("esophageal",), "STOMACH"),
    "gastroesophageal junction": Site(("gastroesophageal junction", "gej"), "STOMACH"),
    "lung": Site(("lung", "pulmonary"), "LUNG"),
    "breast": Site(("breast",), "BREAST"),
    "pancreas": Site(("pancreatic", "pancrea"), "PANCREAS"),
    "liver": Site(("liver", "hepatic"), "LIVER"),
    "gallbladder": Site(("gallbladder",), "BILIARY_TRACT"),
    "bile duct": Site(("bile duct", "biliary tract"), "BILIARY_TRACT"),
    "bladder": Site(("bladder",), "BLADDER"),
    "upper tract": Site(("upper tract",), "BLADDER"),
    "urethra": Site(("urethral",), "BLADDER"),
    "kidney": Site(("renal", "kidney"), "KIDNEY"),
    "prostate": Site(("prostate",), "PROSTATE"),
    "ovary": Site(("ovarian", "ovary"), "OVARY"),
    "endometrium": Site(("endometrial",), "UTERUS"),
    "uterus": Site(("uterine",), "UTERUS"),
    "cervix": Site(("cervical",), "CERVIX"),
    "salivary gland": Site(("salivary", "salivary gland"), "HEAD_NECK"),
    "oral cavity": Site(("oral cavity", "oral"), "HEAD_NECK"),
    "oropharynx": Site(("oropharynx", "oropharyngeal"), "HEAD_NECK"),
    "larynx": Site(("larynx", "laryngeal"), "HEAD_NECK"),
    "nasopharynx": Site(("nasopharyngeal",), "HEAD_NECK"),
    "head and neck": Site(("head and neck",), "HEAD_NECK"),
    "thyroid": Site(("thyroid",), "THYROID"),
    "skin": Site(("skin", "cutaneous"), "SKIN"),
    "brain": Site(("brain",), "BRAIN"),
    "testis": Site(("testicular",), "TESTIS"),
    "vulva": Site(("vulvar", "vulva vagina", "vulva"), "VULVA"),
    "penis": Site(("penile",), "PENIS"),
    "adrenal gland": Site(("adrenal", "adrenocortical"), "ADRENAL_GLAND"),
    "pleura": Site(("pleural",), "PLEURA"),
    "peritoneum": Site(("peritoneal",), "PERITONEUM"),
    "thymus": Site(("thymic",), "THYMUS"),
    "bone": Site(("bone",), "BONE"),
}
"""Sites by canonical name. The grammar rewrites sub-sites and adjectives to the
canonical name; :mod:`actionable.tumors` composes it with the histology using the
forms."""

# Sub-sites and site words (normalised text) -> canonical site ("" for a body region).
# Longest first wins:
# "sigmoid colon" before "colon". Plain site words are listed so that "of the colon"
# and "colonic" are found as sites.
_SUBSITES: tuple[tuple[str, str, bool], ...] = (
    # (pattern, canonical site, is a sub-site worth keeping)
    (r"(?:ascending|transverse|descending|sigmoid|proximal|distal|right|left)\s+colon(?!\s+and)"
     r"|sigmoid|cecum|cecal|hepatic\s+flexure|splenic\s+flexure|ileocecal\s+valve", "colon", True),
    (r"(?:low|lower|mid|middle|upper|distal|proximal)\s+(?:third\s+of\s+(?:the\s+)?)?rectum",
     "rectum", True),
    (r"rectosigmoid(?:\s+junction)?|rectosigmoid\s+colon", "colorectal", True),
    (r"colon\s+and\s+rectum|colorectum", "colorectal", False),
    (r"duodenum|duodenal\s+bulb|periampullary\s+duodenum", "duodenum", True),
    (r"jejunum|ileum|jejunal|ileal|small\s+intestine", "small bowel", True),
    (r"gastric\s+(?:antrum|body|fundus|cardia)|antrum|fundus|cardia|pylorus|pyloric"
     r"|lesser\s+curvature|greater\s+curvature", "stomach", True),
    (r"(?:distal|lower|middle|mid|upper)\s+(?:third\s+of\s+(?:the\s+)?)?esophagu[s]?", "esophagus",
     True),
    (r"gastro\s?esophageal\s+junction|goj|esophagogastric\s+junction", "gastroesophageal junction",
     False),
    (r"(?:(?:right|left)\s+)?(?:upper|middle|lower)\s+lobe(?:\s+of\s+(?:the\s+)?"
     r"(?:(?:right|left)\s+)?lung)?|lingula|\brul\b|\brml\b|\brll\b|\blul\b|\blll\b"
     r"|(?:right|left)\s+lung|(?:right|left)\s+hilum", "lung", True),
    (r"(?:upper|lower)\s+(?:outer|inner)\s+quadrant(?:\s+of\s+(?:the\s+)?"
     r"(?:(?:right|left)\s+)?breast)?|retroareolar|subareolar|(?:right|left)\s+breast"
     r"|axillary\s+tail", "breast", True),
    (r"(?:pancreatic\s+(?:head|body|tail|neck)|(?:head|body|tail|neck)\s+of\s+(?:the\s+)?"
     r"pancrea[s]?|uncinate\s+process)", "pancreas", True),
    (r"bladder\s+(?:dome|trigone|neck|wall)|(?:dome|trigone|neck)\s+of\s+(?:the\s+)?bladder"
     r"|(?:lateral|posterior|anterior)\s+wall\s+of\s+(?:the\s+)?bladder"
     r"|urinary\s+bladder", "bladder", True),
    (r"ureter|ureteral|ureteric|renal\s+pelvi[sc]|pelvicalyceal|upper\s+urinary\s+tract"
     r"|upper\s+tract", "upper tract", True),
    (r"(?:right|left)\s+kidney|(?:upper|lower)\s+pole\s+of\s+(?:the\s+)?(?:(?:right|left)\s+)?"
     r"kidney", "kidney", True),
    (r"(?:right|left)\s+ovary|bilateral\s+ovarie|ovarie", "ovary", True),
    (r"parotid(?:\s+gland)?|submandibular(?:\s+gland)?|sublingual\s+gland"
     r"|minor\s+salivary\s+gland|salivary\s+gland", "salivary gland", True),
    (r"oral\s+tongue|(?:lateral\s+)?tongue|floor\s+of\s+(?:the\s+)?mouth|buccal\s+mucosa"
     r"|gingiva|hard\s+palate|retromolar\s+trigone", "oral cavity", True),
    (r"base\s+of\s+(?:the\s+)?tongue|tonsil|tonsillar|soft\s+palate", "oropharynx", True),
    (r"glottic|supraglottic|subglottic|glottis|vocal\s+cord", "larynx", True),
    (r"(?:right|left)\s+lobe\s+of\s+(?:the\s+)?liver|liver\s+segment\s+\d", "liver", True),
    (r"(?:upper|lower)\s+(?:back|limb)|back|trunk|scalp|face|cheek|forearm|upper\s+arm|arm|leg"
     r"|thigh|shin|calf|foot|sole|hand|finger|toe|shoulder|abdominal\s+wall"
     r"|(?:distal\s+|proximal\s+)?(?:femur|tibia|fibula|humerus|radius|ulna)|femoral|tibial"
     r"|spine|vertebra|sacrum|skull|rib|pelvi[sc]", "", True),
    (r"(?:frontal|temporal|parietal|occipital)\s+lobe|brainstem|cerebellum|cerebellar"
     r"|thalamus|corpus\s+callosum", "brain", True),
    (r"colonic|colon", "colon", False),
    (r"rectal|rectum", "rectum", False),
    (r"lung|pulmonary", "lung", False),
    (r"breast", "breast", False),
    (r"pancreatic|pancreas", "pancreas", False),
    (r"gastric|stomach", "stomach", False),
    (r"esophageal|esophagus", "esophagus", False),
    (r"bladder", "bladder", False),
    (r"renal|kidney", "kidney", False),
    (r"ovarian|ovary", "ovary", False),
    (r"endometrial|endometrium", "endometrium", False),
    (r"uterine|uterus", "uterus", False),
    (r"cervical|cervix", "cervix", False),
    (r"prostate|prostatic", "prostate", False),
    (r"thyroid", "thyroid", False),
    (r"small\s+bowel", "small bowel", False),
    (r"appendiceal|appendix", "appendix", False),
    (r"anal\s+canal|anal\s+margin|anal|anu[s]?", "anus", False),
    (r"liver|hepatic", "liver", False),
    (r"gallbladder|gall\s+bladder", "gallbladder", False),
    (r"bile\s+duct|biliary", "bile duct", False),
    (r"salivary", "salivary gland", False),
    (r"skin|cutaneous", "skin", False),
    (r"brain", "brain", False),
    (r"oropharyngeal|oropharynx", "oropharynx", False),
    (r"laryngeal|larynx", "larynx", False),
    (r"nasopharyngeal|nasopharynx", "nasopharynx", False),
    (r"oral\s+cavity", "oral cavity", False),
    (r"testicular|testi[s]?", "testis", False),
    (r"vulvar|vulval|vulva", "vulva", False),
    (r"penile|peni[s]?", "penis", False),
    (r"adrenal", "adrenal gland", False),
    (r"pleural|pleura", "pleura", False),
    (r"peritoneal|peritoneum", "peritoneum", False),
    (r"thymic|thymu[s]?", "thymus", False),
)  # fmt: skip

# Every name and form of every site, longest first so that "colon and rectum" wins over
# "colon" at the same place.
_SITE_NAMES: dict[str, str] = {canonical: canonical for canonical in SITES}
for _canonical, _spec in SITES.items():
    for _form in _spec.forms:
        _SITE_NAMES.setdefault(_form, _canonical)
_SITE_NAME_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(_SITE_NAMES, key=len, reverse=True)) + r")\b"
)

_SITE_RES = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), site, keep) for pattern, site, keep in _SUBSITES
)

_QUALIFIER_RE = re.compile(
    rf"\b(?:(?P<stage>{_STAGE})|(?P<tnm>{_TNM})|(?P<other>{_OTHER_QUALIFIERS}))\b"
)
_COURSE_RES = tuple((re.compile(rf"\b(?:{p})\b"), words) for p, words in _COURSE)
_GRADE_RE = re.compile(rf"\b(?:{_GRADE})\b")
_LATERALITY_RE = re.compile(rf"\b(?:{_LATERALITY})\b")
# "primary" is read last and only where a name does not need it: "primary CNS
# lymphoma" and "primary myelofibrosis" are found before the grammar runs.
_PRIMARY_RE = re.compile(r"\b(?<!unknown )primary\b(?! site)")
_FILLER_RE = re.compile(r"\b(?:with|and|in|of|the|on|at|from|site|arising|involving)\s*$")

# Placeholders that are not a tumor: refused with advice, never approximated.
_PLACEHOLDER_RE = re.compile(
    r"(?:n\s?a|na|n\s?k|nk|unk|unknown|not\s+known|not\s+stated|not\s+given|not\s+provided"
    r"|not\s+available|not\s+applicable|not\s+specified|unspecified|none|nil|null|tbd|tbc"
    r"|to\s+be\s+(?:confirmed|determined|decided)|pending|awaiting(?:\s+\w+)*"
    r"|\w+\s+pending|see\s+\w+(?:\s+\w+)*|as\s+above|as\s+per\s+\w+(?:\s+\w+)*"
    r"|tumou?r\s+board(?:\s+\w+)*|mdt(?:\s+\w+)*|mdm(?:\s+\w+)*|discuss(?:ed)?(?:\s+\w+)*"
    r"|test|dummy|xxx+|\?+|query(?:\s+\w+)*|tumou?r|cancer|malignancy|neoplasm|mass|lesion"
    r"|nodule|biopsy|specimen|sample|normal|benign|healthy|control|no\s+tumou?r"
    r"|no\s+malignancy|various|multiple|mixed\s+bag|other\s+cancer|other\s+tumou?r)"
)


@dataclass(frozen=True)
class Reading:
    """What the grammar read in a normalised tumor text."""

    core: str
    """The histology + site left for lookup, sub-sites rewritten to their site."""
    soft_core: str
    """The text with only stage, TNM, FIGO, course and laterality words removed (grade
    and "primary" kept): names such as "low-grade glioma" need them."""
    plain_core: str = ""
    """``soft_core`` without the word "primary"."""
    grade: str | None = None
    grade_text: str | None = None
    course: tuple[str, ...] = ()
    subsite: str | None = None
    site: str | None = None
    laterality: str | None = None
    qualifiers: tuple[str, ...] = field(default=())


def read(key: str, raw_qualifiers: tuple[str, ...] = ()) -> Reading:
    """Read the qualifiers of a normalised tumor text (see :func:`normalise`).

    >>> r = read(normalise("relapsed/refractory AML in first relapse"))
    >>> r.core, r.course
    ('aml', ('relapsed', 'refractory'))
    >>> r = read(normalise("left-sided colon adenocarcinoma"))
    >>> r.core, r.site, r.subsite
    ('colon adenocarcinoma', 'colon', 'left sided')
    """
    qualifiers: list[str] = list(raw_qualifiers)
    course: dict[str, None] = {}
    for abbreviation in key.split():
        course.update(dict.fromkeys(_COURSE_ABBREVIATIONS.get(abbreviation, ())))

    def qualifier(hit: re.Match[str]) -> str:
        qualifiers.append(_show(hit.group(0)))
        return " "

    text = _QUALIFIER_RE.sub(qualifier, key)
    for pattern, words in _COURSE_RES:

        def course_word(hit: re.Match[str], words: tuple[str, ...] = words) -> str:
            course.update(dict.fromkeys(words))
            said = hit.group(0)
            if said not in words and " ".join(words) != said:
                qualifiers.append(said)
            return " "

        text = pattern.sub(course_word, text)
    # No OncoTree name says left or right: laterality can go before the first lookup.
    soft = _tidy(_LATERALITY_RE.sub(" ", text))
    plain = _tidy(_PRIMARY_RE.sub(" ", soft))

    grade: str | None = None
    grade_text: str | None = None
    # "well-differentiated NET, G1": every grade statement is read; the first decides.
    for hit in reversed(list(_GRADE_RE.finditer(text))):
        grade, grade_text = _grade(hit), hit.group(0)
        text = text[: hit.start()] + " " + text[hit.end() :]

    site: str | None = None
    subsite: str | None = None
    for pattern, canonical, keep in _SITE_RES:
        found = pattern.search(text)
        if found is None:
            continue
        # A body region ("back", "thigh") says where, not which organ: no site word.
        site = canonical or None
        if keep:
            subsite = found.group(0)
        text = text[: found.start()] + " " + canonical + " " + text[found.end() :]
        break

    laterality: str | None = None
    lat = _LATERALITY_RE.search(text)
    if lat is not None:
        laterality = lat.group(0)
        text = _LATERALITY_RE.sub(" ", text)
        if subsite is None and "sided" in laterality:
            subsite = laterality
    text = _PRIMARY_RE.sub(" ", text)
    return Reading(
        core=_tidy(text),
        soft_core=soft,
        plain_core=plain,
        grade=grade,
        grade_text=grade_text,
        course=tuple(course),
        subsite=subsite,
        site=site,
        laterality=laterality,
        qualifiers=tuple(qualifiers),
    )


def _tidy(text: str) -> str:
    words = text.split()
    # Leading and trailing function words left behind ("of the", "with").
    while words and words[0] in ("of", "the", "in", "with", "and", "at", "on", "from"):
        words.pop(0)
    text = " ".join(words)
    while True:
        shorter = _FILLER_RE.sub("", text).strip()
        if shorter == text:
            return text
        text = shorter


def _show(text: str) -> str:
    """A qualifier as clinicians print it: TNM in its usual case (``ypT2N0M1``)."""
    if re.fullmatch(_TNM, text):
        return re.sub(
            r"(yp|rp|[cpyra])?([tnm])",
            lambda m: (m.group(1) or "") + m.group(2).upper(),
            text.replace(" ", ""),
        )
    return text


def _grade(hit: re.Match[str]) -> str:
    if hit.group("num"):
        return _ROMAN.get(hit.group("num"), hit.group("num"))
    if hit.group("g"):
        return hit.group("g")
    if hit.group("word"):
        return {"intermediate": "2"}.get(hit.group("word"), hit.group("word"))
    if hit.group("diff"):
        return _DIFFERENTIATION[hit.group("diff")]
    return "3"  # anaplastic astrocytoma / oligodendroglioma: WHO grade 3


def site_in(core: str) -> tuple[str, str] | None:
    """The canonical site named in a core and the core without it, or ``None``.

    >>> site_in("adenocarcinoma of the colon")
    ('colon', 'adenocarcinoma')
    """
    hit = _SITE_NAME_RE.search(core)
    if hit is None:
        return None
    rest = (core[: hit.start()] + " " + core[hit.end() :]).split()
    rest = [w for w in rest if w not in ("of", "the", "in", "arising", "from")]
    if not rest:
        return None
    return _SITE_NAMES[hit.group(0)], " ".join(rest)


Grade = Literal["1", "2", "3", "4", "low", "high"]

GRADED: Mapping[str, Mapping[str, str]] = {
    # Glioma, NOS: WHO grades 1-2 are low grade, 3-4 high grade.
    "GNOS": {"1": "LGGNOS", "2": "LGGNOS", "low": "LGGNOS",
             "3": "HGGNOS", "4": "HGGNOS", "high": "HGGNOS"},
    # Astrocytoma, IDH-mutant, and oligodendroglioma carry CNS WHO grades as nodes.
    "ASTR": {"2": "ASTR2", "3": "ASTR3", "4": "ASTR4"},
    "ODG": {"2": "ODG2", "3": "ODG3"},
    # Serous ovarian carcinoma is two-tier (MD Anderson): grade 1 is low grade, 3 high.
    "SOC": {"1": "LGSOC", "low": "LGSOC", "3": "HGSOC", "high": "HGSOC"},
    # Endometrial stromal sarcoma, low and high grade.
    "ESS": {"low": "LGESS", "1": "LGESS", "high": "HGESS", "3": "HGESS"},
}  # fmt: skip
"""OncoTree nodes a grade refines: node -> grade -> graded node."""


def graded_code(code: str, grade: str | None) -> str | None:
    """The graded OncoTree node a grade selects under ``code``, if the tree has one.

    >>> graded_code("ODG", "3"), graded_code("GNOS", "2"), graded_code("COAD", "2")
    ('ODG3', 'LGGNOS', None)
    """
    if grade is None:
        return None
    return GRADED.get(code, {}).get(grade)


def not_a_tumor(key: str) -> bool:
    """Whether a normalised text names no tumor at all (``N/A``, ``awaiting
    histology``, ``see attached``, ``tumour board``).

    >>> not_a_tumor(normalise("awaiting histology")), not_a_tumor(normalise("AML"))
    (True, False)
    """
    return _PLACEHOLDER_RE.fullmatch(key) is not None or not key.strip(" ?-")
