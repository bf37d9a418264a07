#!/bin/sh
# Put a published sweep's runs back under runs/<name>/ so that the same
# `lmstab sweep` command continues it (a long sweep is spread over sessions:
# publish what has finished, restore it in the next session, run on).
# Finished runs only, whole: a run that has finished here is kept as it is;
# one that had not (a checkpoint, no summary.json) is replaced by its
# published, finished self, unless a process holds it. The manifest and
# edge bands come too, so report and compare read the runs at once. The
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
# unpacked beside dst, on its filesystem: each run then moves into place by
# one rename, so a sweep reading runs/ (one that reuses these) never sees a
# summary.json before the run's other files
mkdir -p "$(dirname "$dst")"
work=$(mktemp -d "$(dirname "$dst")/.restore.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the first publication's runs, then those each later one added
tar -C "$work" -xJf "$src/runs.tar.xz"
n=2
while [ -f "$src/runs.part$n.tar.xz" ]; do tar -C "$work" -xJf "$src/runs.part$n.tar.xz"; n=$((n + 1)); done
mkdir -p "$dst"
kept=0 restored=0 busy=0
for r in $(cd "$work" && find . -name summary.json | sed 's|/summary.json$||' | LC_ALL=C sort); do
    if [ -f "$dst/$r/summary.json" ]; then kept=$((kept + 1)); continue; fi
    if [ -f "$dst/$r/.lock" ] && ! flock -n "$dst/$r/.lock" true 2>/dev/null; then
        echo "restore_runs: $dst/$r is in use by a running process: left as it is" >&2
        busy=$((busy + 1)); continue
    fi
    rm -rf "$dst/$r"
    mkdir -p "$(dirname "$dst/$r")"
    mv "$work/$r" "$dst/$r"
    restored=$((restored + 1))
done
[ -f "$dst/sweep.json" ] || cp "$src/sweep.json" "$dst/"
if [ -f "$src/edges.json" ]; then
    if [ -f "$dst/edges.json" ]; then
        cmp -s "$src/edges.json" "$dst/edges.json" || { echo "restore_runs: $dst/edges.json differs from $src/edges.json (the edge bands of another sweep?): left as it is" >&2; exit 1; }
    else cp "$src/edges.json" "$dst/"; fi
fi
msg="$dst: $restored runs restored, $kept already here"
[ "$busy" -eq 0 ] || msg="$msg, $busy in use"
echo "$msg"
