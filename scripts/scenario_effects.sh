#!/usr/bin/env bash
# The figures quoted in scenarios/README.md: baseline_2025 and each what-if, 3 replications,
# compared over months 25-84 (2026-2030). Usage: scripts/scenario_effects.sh [BIN] [OUTDIR]
# About a minute on 2 cores. Rerun after any change to the model and update the README.
set -euo pipefail
bin=${1:-build/labourshift}
out=${2:-out/effects}
mkdir -p "$out"
files=()
for s in baseline_2025 ai_acceleration capex_bust reskilling_subsidy reskilling_subsidy_2026 \
         retraining_mandate disclosure_rule \
         founder_support ui_extension policy_package; do
  "$bin" run "scenarios/$s.toml" --replications 3 -o "$out/$s.h5" --overwrite --quiet > /dev/null
  files+=("$out/$s.h5")
done
"$bin" compare --months 25:84 --baseline "${files[0]}" "${files[@]:1}"
