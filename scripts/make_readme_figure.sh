#!/usr/bin/env bash
# Regenerate docs/img/baseline_2025.png, the README's picture of the default scenario: runs
# scenarios/baseline_2025.toml with 4 replications into a temporary folder and draws the 2x2 panel
# with labourshift_analysis.figures.readme_panel.
#
#   scripts/make_readme_figure.sh [BUILD_DIR]      (default: build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bin="$build/labourshift"
[ -x "$bin" ] || { echo "make_readme_figure: $bin not found; build first (make build)" >&2; exit 1; }

# The interpreter CMake chose (it has h5py, numpy, matplotlib), else Debian's.
python="$(sed -n 's/^LABOURSHIFT_PYTHON:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)"
[ -n "$python" ] && [ -x "$python" ] || python=/usr/bin/python3

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" run "$root/scenarios/baseline_2025.toml" -o "$tmp/baseline_2025.h5" --replications 4 --quiet
mkdir -p "$root/docs/img"
PYTHONPATH="$root/analysis" MPLBACKEND=Agg "$python" -m labourshift_analysis.figures \
  "$tmp/baseline_2025.h5" "$root/docs/img/baseline_2025.png"
