"""Cohorts: annotate MAFs OncoKB-annotator style, and screen a cohort into a funnel.

Two entry points:

* :func:`annotate` streams a MAF and writes it back with the columns of the widely
  used OncoKB annotator (``MUTATION_EFFECT``, ``MUTATION_EFFECT_CITATIONS``, ``ONCOGENIC``,
  ``HIGHEST_LEVEL``, ``LEVEL_1`` ... ``LEVEL_R2``) plus
  ``ACTIONABLE_RULE_IDS``, ``RATIONALE`` and ``ACTIONABLE_ERROR``;
* :func:`screen` reads a clinical table and variant files and returns a
  :class:`Funnel` (screened -> sequenced -> actionable -> treated), with one
  :class:`~actionable.models.Report` per sequenced patient.

Memory. Annotation never keeps rows: each row is read, annotated and written. Rows
whose gene has no rule (most of a MAF) are written with empty columns without being
parsed. Results are memoised per (variant, tumor code, prior therapies, patient
context) in a bounded LRU cache. Patient context (see below) is a dict
sample -> the few variants that rules' ``requires``/``excludes`` refer to, so it
grows with the number of samples, not rows. :func:`screen` groups variants per
sample (a dict sample -> parsed variants); samples are far fewer than rows and no
per-row object is kept.

Patient context. A rule can require or exclude another alteration of the patient
(``KRAS mutations`` vetoes anti-EGFR antibodies). When any loaded rule does, a first
pass over the MAF (and the CNA/fusion inputs) collects, per sample, the variants in
the genes those entries name; a row whose gene has such rules is then evaluated with
its sample's context. Other rows are evaluated alone (context cannot change them).
MAF input from a pipe (``-``) cannot be read twice: context then comes from the CNA
and fusion inputs and the clinical biomarkers only, and a warning says so.

Layout: :mod:`.columns` (the annotation columns and their values), :mod:`.annotator`
(:class:`Annotator` and the per-row loop), :mod:`.writer` (:func:`annotate`),
:mod:`.pool` (worker processes), :mod:`.funnel` (:func:`screen`, :class:`Funnel`),
:mod:`.progress` (progress on stderr).

>>> from actionable.cohort import ANNOTATION_COLUMNS
>>> ANNOTATION_COLUMNS[:4]
('MUTATION_EFFECT', 'MUTATION_EFFECT_CITATIONS', 'ONCOGENIC', 'HIGHEST_LEVEL')
"""

from __future__ import annotations

from .annotator import Annotator, load_clinical
from .columns import (
    ANNOTATION_COLUMNS,
    LEVEL_COLUMNS,
    ONCOGENICITY_COLUMNS,
    oncogenicity_columns,
    oncokb_columns,
)
from .funnel import Funnel, Patient, read_variant_files, screen
from .writer import AnnotateSummary, annotate

__all__ = [
    "ANNOTATION_COLUMNS",
    "LEVEL_COLUMNS",
    "ONCOGENICITY_COLUMNS",
    "AnnotateSummary",
    "Annotator",
    "Funnel",
    "Patient",
    "annotate",
    "load_clinical",
    "oncogenicity_columns",
    "oncokb_columns",
    "read_variant_files",
    "screen",
]
