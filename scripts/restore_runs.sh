#!/bin/sh
# Put a published sweep's runs back under runs/<name>/ so that the same
# `lmstab sweep` command continues it (a long sweep is spread over sessions:
# publish what has finished, restore it in the next session, run on).
# Finished runs only: a run that was in progress starts again.
# Usage: scripts/restore_runs.sh NAME   (docs/results/NAME -> runs/NAME)
set -eu
cd "$(dirname "$0")/.."
name="$1"
src="docs/results/$name"
dst="runs/$name"
[ -f "$src/runs.tar.xz" ] || { echo "restore_runs: $src/runs.tar.xz not found" >&2; exit 1; }
mkdir -p "$dst"
tar -C "$dst" -xJf "$src/runs.tar.xz"
[ ! -f "$src/edges.json" ] || cp "$src/edges.json" "$dst/"
echo "$dst: $(find "$dst" -name summary.json | wc -l) finished runs"
