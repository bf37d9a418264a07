#!/bin/sh
# Copy a finished sweep's report into docs/results/<name>/ for the repository:
# report.md/html, the table and CSVs, the figures and their data. The per-run
# directories (metrics.csv of every run) stay in runs/ (not committed).
# Usage: scripts/publish_results.sh runs/paper [name]
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
cp "$src"/plots/*.png "$src"/plots/report.gp "$dst/plots/"
cp "$src"/plots/data/*.dat "$dst/plots/data/"
echo "$dst"
