#!/usr/bin/env bash
# The whole process (set-up, simulation, output) of bench/scale_us.toml, or of the same scenario at
# other sizes: wall time and peak memory from /usr/bin/time, the phase times and the memory report
# by component from the run itself. Usage: bench/scale_us.sh [BIN] [THREADS] [WORKERS...]
# (default: build/labourshift, 2 threads, 170000000). Not a test: timings depend on the machine.
# Record results in docs/performance.md.
set -euo pipefail
bin=${1:-build/labourshift}
threads=${2:-2}
shift $(( $# > 2 ? 2 : $# ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(170000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "scenario: bench/scale_us.toml   binary: $bin   threads: $threads"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GB"
for w in "${sizes[@]}"; do
  echo
  echo "== $w workers x 120 months"
  LABOURSHIFT_PHASE_TIMES=1 /usr/bin/time -f 'process: %e s wall, %M KB peak resident' \
    "$bin" run bench/scale_us.toml --set population.workers="$w" -o "$tmp/out.h5" --overwrite \
    --quiet --verbose --threads "$threads" 2>&1 | grep -v '^$'
  rm -f "$tmp/out.h5"
done
