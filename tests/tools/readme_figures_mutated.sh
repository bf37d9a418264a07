#!/bin/sh
# readme_figures.sh fails when a figure or a quoted reading drifts: run on a
# copy of the README and the reports with one figure changed at a time.
set -u
src="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs/results"
for d in "$src"/docs/results/*/; do
    [ -f "$d/report.md" ] || continue
    mkdir -p "$tmp/docs/results/$(basename "$d")"
    for f in report.md curves.csv sweep.json report_null.csv report_dependence.csv; do
        [ ! -f "$d/$f" ] || cp "$d/$f" "$tmp/docs/results/$(basename "$d")/"
    done
done
check() { sh "$src/tests/tools/readme_figures.sh" "$tmp" 2> "$tmp/err"; }
cp "$src/README.md" "$tmp/README.md"
check || { cat "$tmp/err"; echo "FAIL: the unchanged copy does not pass" >&2; exit 1; }
# each mutation: a perl substitution over the whole README (figures may
# break across lines) that must make the check fail
for m in 's/(\d)(\s+runs,\s+)([\d.]+)(\s+core-hours)/${1}${2}9${3}${4}/' \
         's/(\d)(\s+runs,\s+[\d.]+\s+core-hours)/${1}9${2}/' \
         's/(report\.md\),\s+)([\d.]+)(\s+core-hours)/${1}9${2}${3}/' \
         's/^(> At learning rate [\d.]+, baseline failed in )(\d)/${1}9${2}/m' \
         's/(\d+\.\d)\d(\s+core-hours)/${1}.${2}/' \
         's/\z/\nA paragraph without a link: 3 runs, 1.00 core-hours.\n/' \
         's/(\n> At learning rate [^\n]*\n)(?!> )/${1}> and a second line no report has\n/' \
         's/^(\| qk_norm_cap \(method 3\) \| )(\d)((?:[^|\n]*\|){3,5})$/${1}9${2}${3}/m' \
         's/^(\| qk_norm_cap \(method 3\) \|(?:[^|\n]*\|){4} \[)(\d)/${1}9${2}/m' \
         's/^(\| variant \| default rule \| lenient rule \| strict rule \|[^\n]*\n\|---[|-]*\n)\|[^\n]*\n/${1}/m' \
         's/^(\| baseline \|(?:[^|\n]*\|){3} )0\.(\d)/${1}0.9${2}/m' \
         's/(excluded 1 in )(\d+\.\d)(–)/${1}9${2}${3}/' \
         's/(excluded 1 in [\d.]+–[\d.]+% of )(\d+)/${1}9${2}/' \
         's/(a higher-LR claim in [\d.]+–)(\d)/${1}9${2}/' \
         's/(excluded 1 in )(\d+\.\d)(–[\d.]+%\s+of\s+\d+\s+held-out)/${1}9${2}${3}/' \
         's/(lay above 1 in [\d.]+–)(\d)/${1}9${2}/' \
         's/(p\s+of\s+as\s+few\s+inversions\s+[\d.]+–)(\d)/${1}9${2}/' \
         's/(copula\s+ρ\s+[\d.]+–)(\d)/${1}9${2}/' \
         's/(excluded 1 in )(\d+\.\d)(–[\d.]+%\s+of\s+\d+\s+dependent)/${1}9${2}${3}/' \
         's/(lay above 1 in [\d.]+–)(\d+\.\d%\s+of\s+\d+\s+dependent)/${1}9${2}/' \
         's/(in [\d.]+–[\d.]+% of )(\d+)(\s+dependent)/${1}9${2}${3}/'; do
    perl -0pe "$m" "$src/README.md" > "$tmp/README.md"
    cmp -s "$src/README.md" "$tmp/README.md" && { printf 'FAIL: %s changed nothing (no such figure in the README?)\n' "$m" >&2; exit 1; }
    check && { printf 'FAIL: readme_figures.sh passed a README changed by %s\n' "$m" >&2; exit 1; }
done
exit 0
