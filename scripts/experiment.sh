#!/bin/sh
# The main job: does QK-norm let a small GPT train where the baseline fails?
# The baseline and QK-norm at two learning rates (0.05, 0.2) on 8 matched
# seeds each (configs/sweeps/quick.ini: 32 runs of a d_model-64 model, a few
# minutes on 2 cores), then a Markdown/HTML report with failure curves and
# plots. Prints one sentence saying what the runs show. Resumable.
# Usage: scripts/experiment.sh [SWEEP.ini] [CORPUS] [OUT]   (after scripts/setup.sh)
# OUT defaults to runs/<name of SWEEP>; LMSTAB names another lmstab binary
# (its plugins beside it), as the tests do. Relative paths are taken from
# the repository's root (the script runs there).
set -eu
cd "$(dirname "$0")/.."
sweep="${1:-configs/sweeps/quick.ini}"
corpus="$(scripts/get_corpus.sh "${2:-}")"
out="${3:-runs/$(basename "$sweep" .ini)}"
lmstab="${LMSTAB:-./build/lmstab}"
"$lmstab" sweep "$sweep" --data "$corpus" --out "$out"
report=$("$lmstab" report "$out")
echo
echo "$report" | sed -n 1p
echo "report: $out/report.md (and report.html, plots in $out/plots/)"
