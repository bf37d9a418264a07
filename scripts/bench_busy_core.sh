#!/bin/sh
# Training speed beside a busy core (docs/performance.md, issue 14 item 4):
# one busy loop on the machine, then `lmstab train` with 1 thread, with
# --threads 2 held fixed ([training] adapt_threads = false), and with
# --threads 2 adapting (the default); then the same three without the
# busy loop. Prints tokens/s and the mean thread count of each run.
#   scripts/bench_busy_core.sh [LMSTAB] [BASELINE_STEPS] [LARGE_STEPS]
set -eu
cd "$(dirname "$0")/.."
LMSTAB=${1:-build/lmstab}
S1=${2:-400}
S2=${3:-40}
OUT=$(mktemp -d)
trap 'kill $HOG 2>/dev/null || true; rm -rf "$OUT"' EXIT
runs() { # label
    for cfg in baseline bench_large; do
        steps=$S1; [ $cfg = bench_large ] && steps=$S2
        for mode in "--threads 1" "--threads 2 --set training.adapt_threads=false" "--threads 2"; do
            # shellcheck disable=SC2086
            "$LMSTAB" train configs/$cfg.ini --set training.max_steps=$steps \
                --set training.eval_every=0 $mode --out "$OUT/r" --overwrite --quiet
            tps=$(sed -n 's/.*"tokens_per_sec":[[:space:]]*\([0-9.]*\).*/\1/p' "$OUT/r/summary.json")
            mean=$(sed -n 's/.*"threads_mean":[[:space:]]*\([0-9.]*\).*/\1/p' "$OUT/r/summary.json")
            printf '%s %s %s: %.0f tokens/s, mean threads %s\n' "$1" "$cfg" "$mode" "$tps" "$mean"
        done
    done
}
sh -c 'while :; do :; done' & HOG=$!
sleep 1
runs busy
kill $HOG
sleep 1
runs quiet
