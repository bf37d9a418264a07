#!/bin/sh
# Copy a sweep's report into docs/results/<name>/ for the repository:
# report.md/html, the tables and CSVs (results, cells, variants, curves,
# pairs), the figures and their data, and every run's raw metrics.csv and
# summary.json (the data every verdict and curve is recomputed from: restore
# them with scripts/restore_runs.sh and run `lmstab sweep --aggregate` or
# `lmstab verdict` on them). A sweep still running can be published, and
# again later: the first publication's runs are in runs.tar.xz, and each
# later one adds only the runs finished since, in runs.part<N>.tar.xz, so
# the repository does not hold a sweep's runs once per publication. Every
# run already published must be on disk as published (checked before
# anything is written; --fresh instead archives every run anew, in one
# runs.tar.xz). A relabelled sweep's archive holds its summaries only (its
# metrics.csv files are its source's). The new page replaces the old one
# only once it is complete.
# A directory of `lmstab compare` (compare.md, no sweep.json) is published
# as its page: compare.md/html, its CSVs (compare, compare_change,
# compare_runs, and compare_null after --null-check) and the
# figures with their data and gnuplot script (its runs are the compared
# sweeps', published with them).
# --null-check N: the report checks its ratios on N simulated sweeps per
# variant (lmstab report --null-check; report_null.csv and
# report_dependence.csv are published too).
# Usage: scripts/publish_results.sh [--fresh] [--null-check N] runs/curves [name]
#        scripts/publish_results.sh runs/ladder [name]   (a compare directory)
# (LMSTAB_RESULTS: where the results go instead of docs/results; LMSTAB: the
# lmstab binary instead of build/lmstab; for tests)
set -eu
cd "$(dirname "$0")/.."
fresh=0 null=""
while :; do
    case "${1:-}" in
    --fresh) fresh=1; shift ;;
    --null-check) [ $# -ge 2 ] || { echo "publish_results: --null-check needs N" >&2; exit 1; }
        null="--null-check $2"; shift 2 ;;
    *) break ;;
    esac
done
src="$1"
name="${2:-$(basename "$src")}"
dst="${LMSTAB_RESULTS:-docs/results}/$name"
die() { echo "publish_results: $*" >&2; exit 1; }
if [ ! -f "$src/sweep.json" ] && [ -f "$src/compare.md" ]; then
    [ -z "$null" ] || die "--null-check is for a sweep's report; a comparison's is \`lmstab compare --null-check N\`, before publishing"
    mkdir -p "$(dirname "$dst")"
    page="$(dirname "$dst")/.publish.$$"
    trap 'rm -rf "$page"' EXIT
    mkdir -p "$page/plots/data"
    for f in compare.md compare.html compare.csv compare_change.csv compare_runs.csv; do
        [ -f "$src/$f" ] || die "$src/$f is missing: not a complete lmstab compare directory"
        cp "$src/$f" "$page/"
    done
    [ ! -f "$src/compare_null.csv" ] || cp "$src/compare_null.csv" "$page/" # (--null-check)
    [ ! -f "$src/compare_line.csv" ] || cp "$src/compare_line.csv" "$page/" # (not before stop 28)
    find "$src/plots" -maxdepth 1 -type f \( -name '*.png' -o -name '*.gp' \) -exec cp {} "$page/plots/" \;
    # (not a writer's temporary: *.tmp.<pid>.<host>, left by a killed command)
    find "$src/plots/data" -maxdepth 1 -type f ! -name '*.tmp.*' -exec cp {} "$page/plots/data/" \; 2>/dev/null || true
    rm -rf "$dst"
    mv "$page" "$dst"
    echo "$dst"
    exit 0
fi
[ -f "$src/sweep.json" ] || die "$src is not a sweep directory (nor a compare directory)"
relabelled=0
grep -q '"relabelled_from"' "$src/sweep.json" && relabelled=1
work=$(mktemp -d)
mkdir -p "$(dirname "$dst")"
page="$(dirname "$dst")/.publish.$$" # beside dst: swapped in by a rename
trap 'rm -rf "$work" "$page"' EXIT

# the archives of earlier publications, oldest first (fixed names)
archives() {
    [ -f "$dst/runs.tar.xz" ] || return 0
    echo runs.tar.xz
    n=2
    while [ -f "$dst/runs.part$n.tar.xz" ]; do echo "runs.part$n.tar.xz"; n=$((n + 1)); done
}
old=""
[ $fresh = 1 ] || old=$(archives)
: > "$work/published"
for a in $old; do
    st=0
    LC_ALL=C LANGUAGE='' tar -C "$src" -dJf "$dst/$a" > "$work/diff" 2>&1 || st=$?
    [ $st -le 1 ] || { head -3 "$work/diff" >&2; die "$dst/$a: cannot compare it with $src"; }
    if grep -e ': Contents differ$' -e ': Size differs$' -e 'Cannot stat' "$work/diff" > "$work/changed"; then
        head -5 "$work/changed" >&2
        die "$dst/$a: a published run changed or is missing in $src (restore it with scripts/restore_runs.sh, or publish with --fresh)"
    fi
    LC_ALL=C tar -tJf "$dst/$a" | sed -n 's|/summary.json$||p' >> "$work/published"
done
# the finished runs (a run in progress has no summary.json), and the new ones
(cd "$src" && find . -name summary.json) | sed 's|/summary.json$||' | LC_ALL=C sort > "$work/list"
grep -vxF -f "$work/published" "$work/list" > "$work/new" || true

# shellcheck disable=SC2086
"${LMSTAB:-./build/lmstab}" report "$src" $null > /dev/null
mkdir -p "$page/plots/data"
cp "$src"/report.md "$src"/report.html "$src"/table.md "$src"/results.csv \
   "$src"/cells.csv "$src"/variants.csv "$src"/sweep.json "$page/"
for f in curves.csv pairs.csv edges.json report_null.csv report_dependence.csv; do [ ! -f "$src/$f" ] || cp "$src/$f" "$page/"; done
# (no figures where gnuplot is missing: the report says so)
find "$src/plots" -maxdepth 1 -type f \( -name '*.png' -o -name report.gp \) -exec cp {} "$page/plots/" \;
# A relabelled sweep's per-run series are its source's (published with it):
# only the data its own figures add (the curves, the loss per LR) are kept.
if [ $relabelled = 1 ]; then
    find "$src/plots/data" -maxdepth 1 -type f \( -name 'curve_*' -o -name 'val_*' \) \
        ! -name '*.tmp.*' -exec cp {} "$page/plots/data/" \;
else
    find "$src/plots/data" -maxdepth 1 -type f ! -name 'split_*' ! -name '*.tmp.*' \
        -exec cp {} "$page/plots/data/" \;
fi
for a in $old; do cp "$dst/$a" "$page/"; done
if [ -s "$work/new" ]; then
    k=$(echo "$old" | grep -c . || true)
    if [ "$k" -eq 0 ]; then out=runs.tar.xz; else out="runs.part$((k + 1)).tar.xz"; fi
    while IFS= read -r d; do
        printf '%s/summary.json\n' "$d"
        [ $relabelled = 1 ] || printf '%s/metrics.csv\n' "$d"
    done < "$work/new" | tar -C "$src" -cJf "$page/$out" --owner=0 --group=0 --mtime=@0 -T -
fi
rm -rf "$dst"
mv "$page" "$dst"
echo "$dst"
