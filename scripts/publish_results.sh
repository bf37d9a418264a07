#!/bin/sh
# Copy a sweep's report into docs/results/<name>/ for the repository:
# report.md/html, the tables and CSVs (results, cells, variants, curves), the
# figures and their data, and every run's raw metrics.csv and summary.json in
# runs.tar.xz (the data every verdict and curve is recomputed from: untar and
# run `lmstab sweep --aggregate` or `lmstab verdict` on it). A sweep still
# running can be published: the report says how many runs it has. A
# relabelled sweep's runs.tar.xz holds its summaries only (its metrics.csv
# files are its source's).
# Usage: scripts/publish_results.sh runs/curves [name]
set -eu
cd "$(dirname "$0")/.."
src="$1"
name="${2:-$(basename "$src")}"
dst="docs/results/$name"
[ -f "$src/sweep.json" ] || { echo "publish_results: $src is not a sweep directory" >&2; exit 1; }
./build/lmstab report "$src" > /dev/null
rm -rf "$dst"
mkdir -p "$dst/plots/data"
cp "$src"/report.md "$src"/report.html "$src"/table.md "$src"/results.csv \
   "$src"/cells.csv "$src"/variants.csv "$src"/sweep.json "$dst/"
for f in curves.csv edges.json; do [ ! -f "$src/$f" ] || cp "$src/$f" "$dst/"; done
cp "$src"/plots/*.png "$src"/plots/report.gp "$dst/plots/"
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
# A relabelled sweep (lmstab relabel) links its runs' metrics.csv to its
# source's, published with the source: only its summaries are kept here.
if [ -n "$list" ]; then
    # shellcheck disable=SC2086
    (cd "$src" && for d in $list; do echo "$d/summary.json"
                                      [ $relabelled = 1 ] || echo "$d/metrics.csv"; done) |
        tar -C "$src" -cJf "$dst/runs.tar.xz" --owner=0 --group=0 --mtime=@0 -T -
fi
echo "$dst"
