#!/bin/sh
# The README's figures taken from published reports agree with them, so a
# republished sweep cannot leave the README quoting an older state:
#  - every quoted reading ("> At learning rate ...") is a line of a report
#    under docs/results;
#  - every "N runs, H core-hours" and every "report.md), H core-hours" is
#    the Compute line of the docs/results report linked last before it in
#    the same paragraph.
# Usage: readme_figures.sh SOURCE_DIR
set -u
cd "$1" || exit 2
bad=0
grep '^> At learning rate' README.md | sed 's/^> //' > "${TMPDIR:-/tmp}/readme_quotes.$$"
while IFS= read -r q; do
    if ! cat docs/results/*/report.md | grep -qF -- "$q"; then
        echo "README.md quotes a reading no report under docs/results has: $q" >&2; bad=1
    fi
done < "${TMPDIR:-/tmp}/readme_quotes.$$"
rm -f "${TMPDIR:-/tmp}/readme_quotes.$$"
# paragraphs on one line each; then, in order, the links and the figures
awk 'BEGIN { RS = "" } { gsub(/\n/, " "); print }' README.md |
    grep -o 'docs/results/[a-z0-9_]*/\|[0-9][0-9,]* runs, [0-9][0-9.]* core-hours\|report\.md), [0-9][0-9.]* core-hours\|^' > "${TMPDIR:-/tmp}/readme_tokens.$$"
cur=""
while IFS= read -r t; do
    case "$t" in
    "") cur="" ;; # a new paragraph
    docs/results/*) cur="$t" ;;
    *core-hours)
        h=$(echo "$t" | sed 's/.* \([0-9.]*\) core-hours$/\1/')
        n=$(echo "$t" | sed -n 's/^\([0-9,]*\) runs,.*/\1/p' | tr -d ,)
        if [ -z "$cur" ] || [ ! -f "${cur}report.md" ]; then
            echo "README.md: '$t' follows no link to a report under docs/results" >&2; bad=1; continue
        fi
        line=$(grep -m1 '^- \*\*Compute:\*\* ' "${cur}report.md")
        echo "$line" | grep -q ", $h core-hours" || { echo "README.md: '$t', but ${cur}report.md says: $line" >&2; bad=1; }
        [ -z "$n" ] || echo "$line" | grep -q "Compute:\*\* $n runs finished" || { echo "README.md: '$t', but ${cur}report.md says: $line" >&2; bad=1; }
        ;;
    esac
done < "${TMPDIR:-/tmp}/readme_tokens.$$"
rm -f "${TMPDIR:-/tmp}/readme_tokens.$$"
exit $bad
