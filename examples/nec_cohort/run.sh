#!/usr/bin/env sh
# Reproduce the study's screening funnel (48 -> 12 -> 2 -> 2) from the command line.
# Run from the repository root:  sh examples/nec_cohort/run.sh
set -eu
here=$(dirname "$0")
out=${OUT:-$here/out}
mkdir -p "$out"
actionable=${ACTIONABLE:-actionable}

# 1. Annotate every MAF row, OncoKB-annotator style.
$actionable annotate "$here/cohort.maf" --clinical "$here/clinical.tsv" -o "$out/annotated.tsv"

# 2. The funnel: screened -> sequenced -> actionable (level 2 or better) -> treated.
$actionable screen --clinical "$here/clinical.tsv" --maf "$here/cohort.maf" --threshold 2 \
    --plot "$out/funnel.png" --plot "$out/funnel.svg"

# 3. Tumor-board reports for the sequenced patients.
$actionable report --clinical "$here/clinical.tsv" --maf "$here/cohort.maf" \
    --html "$out/html" --markdown "$out/markdown" > /dev/null
echo "reports: $out/html/index.html"
