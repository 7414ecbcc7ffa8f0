#!/usr/bin/env bash
# Worker-months per second and peak memory of a scale scenario at 1 and 2 threads (and more if
# given). Usage: bench/run_bench.sh [BIN] [SCENARIO] [THREADS...]
# Not a test: timings depend on the machine. Record results in docs/performance.md.
set -euo pipefail
bin=${1:-build/labourshift}
scenario=${2:-bench/scale_1m.toml}
shift $(( $# > 2 ? 2 : $# ))
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 2)
rounds=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "scenario: $scenario   binary: $bin   rounds: $rounds (best of)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%-8s %-10s %-22s %-14s\n' threads wall_s worker_months_per_s peak_rss_MB
declare -A best
for t in "${threads[@]}"; do
  best_wall=""
  for r in $(seq "$rounds"); do
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" run "$scenario" -o "$tmp/out.h5" --overwrite --quiet \
      --threads "$t" > "$tmp/stdout"
    line=$(grep -E 'worker-months/s' "$tmp/stdout")
    wall=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s .*/\1/')
    rate=$(echo "$line" | sed -E 's/.*\(([0-9.]+) M worker-months\/s.*/\1/')
    rss=$(( $(cut -d' ' -f2 "$tmp/time") / 1024 ))
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall; best_rate=$rate; best_rss=$rss
    fi
  done
  best[$t]=$best_wall
  printf '%-8s %-10s %-22s %-14s\n' "$t" "$best_wall" "${best_rate}M" "$best_rss"
done
if [ -n "${best[1]:-}" ] && [ -n "${best[2]:-}" ]; then
  awk "BEGIN{printf \"speed-up 1 -> 2 threads: %.2f\n\", ${best[1]} / ${best[2]}}"
fi
