#!/bin/sh
# Put a published sweep's runs back under runs/<name>/ so that the same
# `lmstab sweep` command continues it (a long sweep is spread over sessions:
# publish what has finished, restore it in the next session, run on).
# Finished runs only: a run that was in progress starts again. Nothing here
# is overwritten: a run already under runs/<name>/ is kept as it is. The
# sweep notes it if this machine's matrix-product kernels differ from the
# published runs' (their summary.json say which) and how to keep them.
# Usage: scripts/restore_runs.sh NAME   (docs/results/NAME -> runs/NAME;
# LMSTAB_RESULTS and LMSTAB_RUNS move either, for tests)
set -eu
cd "$(dirname "$0")/.."
name="$1"
src="${LMSTAB_RESULTS:-docs/results}/$name"
dst="${LMSTAB_RUNS:-runs}/$name"
[ -f "$src/runs.tar.xz" ] || { echo "restore_runs: $src/runs.tar.xz not found" >&2; exit 1; }
mkdir -p "$dst"
# the first publication's runs, then those each later one added
for a in $(find "$src" -maxdepth 1 -name 'runs*.tar.xz' | sort -V); do
    tar -C "$dst" --skip-old-files -xJf "$a"
done
# the manifest, so that report and compare read the runs before any rerun
[ -f "$dst/sweep.json" ] || cp "$src/sweep.json" "$dst/"
if [ -f "$src/edges.json" ]; then
    if [ -f "$dst/edges.json" ]; then
        cmp -s "$src/edges.json" "$dst/edges.json" || { echo "restore_runs: $dst/edges.json differs from $src/edges.json (the edge bands of another sweep?): left as it is" >&2; exit 1; }
    else cp "$src/edges.json" "$dst/"; fi
fi
echo "$dst: $(find "$dst" -name summary.json | wc -l) finished runs"
