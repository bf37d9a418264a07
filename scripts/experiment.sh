#!/bin/sh
# The main job: a small stability experiment on the default corpus.
# Learning-rate sweep of baseline / QK-norm / QK-norm + cap (a few minutes on
# 2 cores), then a Markdown/HTML report with plots. Resumable.
# Usage: scripts/experiment.sh [SWEEP.ini] [CORPUS]   (after scripts/setup.sh)
set -eu
cd "$(dirname "$0")/.."
sweep="${1:-configs/sweeps/quick.ini}"
corpus="$(scripts/get_corpus.sh "${2:-}")"
out="runs/$(basename "$sweep" .ini)"
./build/lmstab sweep "$sweep" --data "$corpus" --out "$out"
./build/lmstab report "$out"
echo "report: $out/report.md (and report.html, plots in $out/plots/)"
