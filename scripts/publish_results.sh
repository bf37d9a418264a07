#!/bin/sh
# Copy a sweep's report into docs/results/<name>/ for the repository:
# report.md/html, the tables and CSVs (results, cells, variants, curves), the
# figures and their data, and every run's raw metrics.csv and summary.json
# (the data every verdict and curve is recomputed from: restore them with
# scripts/restore_runs.sh and run `lmstab sweep --aggregate` or `lmstab
# verdict` on them). A sweep still running can be published, and again
# later: the first publication's runs are in runs.tar.xz, and each later one
# adds only the runs finished since, in runs.part<N>.tar.xz, so the
# repository does not hold a sweep's runs once per publication. A run
# already published must not have changed (checked; --fresh rebuilds one
# archive of every run). A relabelled sweep's archive holds its summaries
# only (its metrics.csv files are its source's).
# Usage: scripts/publish_results.sh [--fresh] runs/curves [name]
# (LMSTAB_RESULTS: where the results go instead of docs/results; LMSTAB: the
# lmstab binary instead of build/lmstab; for tests)
set -eu
cd "$(dirname "$0")/.."
fresh=0
[ "${1:-}" = --fresh ] && { fresh=1; shift; }
src="$1"
name="${2:-$(basename "$src")}"
dst="${LMSTAB_RESULTS:-docs/results}/$name"
[ -f "$src/sweep.json" ] || { echo "publish_results: $src is not a sweep directory" >&2; exit 1; }
"${LMSTAB:-./build/lmstab}" report "$src" > /dev/null
# the archives of earlier publications are kept aside while the page is
# rebuilt, then back
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
if [ $fresh = 0 ] && [ -d "$dst" ]; then
    find "$dst" -maxdepth 1 -name 'runs*.tar.xz' -exec mv {} "$keep/" \;
fi
rm -rf "$dst"
mkdir -p "$dst/plots/data"
cp "$src"/report.md "$src"/report.html "$src"/table.md "$src"/results.csv \
   "$src"/cells.csv "$src"/variants.csv "$src"/sweep.json "$dst/"
for f in curves.csv edges.json; do [ ! -f "$src/$f" ] || cp "$src/$f" "$dst/"; done
# (no figures where gnuplot is missing: the report says so)
find "$src/plots" -maxdepth 1 -type f \( -name '*.png' -o -name report.gp \) -exec cp {} "$dst/plots/" \;
# A relabelled sweep's per-run series are its source's (published with it):
# only the data its own figures add (the curves, the loss per LR) are kept.
relabelled=0
grep -q '"relabelled_from"' "$src/sweep.json" && relabelled=1
if [ $relabelled = 1 ]; then
    find "$src/plots/data" -maxdepth 1 -type f \( -name 'curve_*' -o -name 'val_*' \) \
        -exec cp {} "$dst/plots/data/" \;
else
    find "$src/plots/data" -maxdepth 1 -type f ! -name 'split_*' -exec cp {} "$dst/plots/data/" \;
fi
# the raw runs: finished runs only (a run in progress has no summary.json)
list=$(cd "$src" && find . -name summary.json | sed 's|/summary.json$||' | sort)
files() { # the files of run directories given on stdin
    while read -r d; do echo "$d/summary.json"
                        [ $relabelled = 1 ] || echo "$d/metrics.csv"; done
}
mv "$keep"/runs*.tar.xz "$dst/" 2>/dev/null || true
old=$(find "$dst" -maxdepth 1 -name 'runs*.tar.xz' | sort -V)
published=""
if [ -n "$old" ]; then
    # a published run must be the run on disk: only the runs finished
    # since are added, so a changed one would be left stale in the archive
    for a in $old; do
        changed=$(tar -C "$src" -dJf "$a" 2>&1 | grep -e ': Contents differ$' -e ': Size differs$' || true)
        [ -z "$changed" ] || { echo "publish_results: $a no longer matches $src:" >&2; echo "$changed" | head -5 >&2
                               echo "publish_results: publish again with --fresh" >&2; exit 1; }
    done
    published=$(for a in $old; do tar -tJf "$a"; done | sed -n 's|/summary.json$||p' | sort -u)
fi
new="$list"
[ -z "$published" ] || new=$(echo "$list" | grep -vxF -e "$published" || true)
if [ -n "$new" ]; then
    if [ -z "$old" ]; then out="$dst/runs.tar.xz"
    else out="$dst/runs.part$(($(echo "$old" | wc -l) + 1)).tar.xz"; fi
    echo "$new" | files | tar -C "$src" -cJf "$out" --owner=0 --group=0 --mtime=@0 -T -
fi
echo "$dst"
