#!/bin/sh
# The README's figures taken from published reports agree with them, so a
# republished sweep cannot leave the README quoting an older state:
#  - every quoted reading ("> At learning rate ...", joined over its lines)
#    is in a report under docs/results;
#  - every "N runs, H core-hours" and every "report.md), H core-hours" is
#    the Compute line of the docs/results report linked last before it in
#    the same paragraph (one with no such link is an error);
#  - every table of LR50 ratios ("| variant | default rule | lenient rule |
#    strict rule |", and "default rule: p of no difference |" after a null
#    check) is scripts/curve_table.sh's for the sweep linked last before it;
#  - every "excluded 1 in A–B% of N simulated sweeps" (and "a higher-LR
#    claim in ...") gives the lowest and highest share (in percent, one
#    decimal) of report_null.csv's excludes (stated_above) over sims, and
#    its N, for the sweep linked last before it;
#  - every "excluded 1 (lay above 1) in A–B% of N held-out simulated
#    sweeps" gives the lowest and highest share of report_null.csv's
#    cv_excludes (cv_above) over cv_checked, and N, likewise;
#  - every "p of as few inversions A–B" gives the lowest and highest p
#    (two decimals) of report_dependence.csv, likewise, and every "copula
#    ρ A–B" its lowest and highest rho (of the variants that have one);
#  - every "excluded 1 (lay above 1) in A–B% of N dependent simulated
#    sweeps" gives the lowest and highest share of report_null.csv's
#    dep_cal_excludes (dep_cal_above) over dep_defined, over the rows
#    simulated with dependent seeds, and N, likewise.
# Usage: readme_figures.sh SOURCE_DIR
set -u
table="$(cd "$(dirname "$0")/../.." && pwd)/scripts/curve_table.sh"
cd "$1" || exit 2
bad=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat docs/results/*/report.md > "$tmp/reports"
# quotes: consecutive "> " lines, joined
awk '/^> / { q = q (q == "" ? "" : " ") substr($0, 3); next }
     { if (q != "") print q; q = "" }
     END { if (q != "") print q }' README.md | grep '^At learning rate' > "$tmp/quotes"
while IFS= read -r q; do
    grep -qF -- "$q" "$tmp/reports" || { echo "README.md quotes a reading no report under docs/results has: $q" >&2; bad=1; }
done < "$tmp/quotes"
# per paragraph, in order: a marker, then its report links and figures
awk 'BEGIN { RS = "" }
{
    gsub(/\n/, " "); gsub(/  +/, " "); print "PARAGRAPH"
    re = "docs/results/[a-z0-9_]+/|[0-9][0-9,]* runs, [0-9][0-9.]* core-hours|report\\.md\\), [0-9][0-9.]* core-hours|(excluded 1|a higher-LR claim) in [0-9.]+–[0-9.]+% of [0-9]+ simulated sweeps|(excluded 1|lay above 1) in [0-9.]+–[0-9.]+% of [0-9]+ held-out simulated sweeps|p of as few inversions [0-9.]+–[0-9.]+|copula ρ [0-9.]+–[0-9.]+|(excluded 1|lay above 1) in [0-9.]+–[0-9.]+% of [0-9]+ dependent simulated sweeps"
    while (match($0, re)) { print substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) }
}' README.md > "$tmp/tokens"
cur=""
while IFS= read -r t; do
    case "$t" in
    PARAGRAPH) cur="" ;;
    docs/results/*) cur="$t" ;;
    p\ of\ as\ few\ inversions*|copula\ ρ*)
        got=$(echo "$t" | sed 's/^.* \([0-9.]*\)–\([0-9.]*\)$/\1 \2/')
        f="${cur}report_dependence.csv"
        if [ -z "$cur" ] || [ ! -f "$f" ]; then
            echo "README.md: '$t' follows no link to a report with report_dependence.csv in its paragraph" >&2; bad=1; continue
        fi
        case "$t" in copula*) c=rho ;; *) c=p ;; esac
        want=$(awk -F, -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
            (c in k) && ($k[c] "") != "nan" { x = $k[c] + 0; if (n == 0 || x < lo) lo = x; if (n == 0 || x > hi) hi = x; n++ }
            END { if (n) printf "%.2f %.2f", lo, hi }' "$f")
        [ "$got" = "$want" ] || { echo "README.md: '$t', but $f gives: $want" >&2; bad=1; }
        ;;
    *simulated\ sweeps)
        # a share of report_null.csv's simulations (sims), or of those the
        # held-out check judged (cv_checked)
        got=$(echo "$t" | sed 's/^.* in \([0-9.]*\)–\([0-9.]*\)% of \([0-9]*\) .*/\1 \2 \3/')
        case "$t" in
        *held-out*) d=cv_checked; case "$t" in excluded*) c=cv_excludes ;; *) c=cv_above ;; esac ;;
        *dependent*) d=dep_defined; case "$t" in excluded*) c=dep_cal_excludes ;; *) c=dep_cal_above ;; esac ;;
        *) d=sims; case "$t" in excluded*) c=excludes ;; *) c=stated_above ;; esac ;;
        esac
        f="${cur}report_null.csv"
        if [ -z "$cur" ] || [ ! -f "$f" ]; then
            echo "README.md: '$t' follows no link to a report with a null check (report_null.csv) in its paragraph" >&2; bad=1; continue
        fi
        # (N: the simulated sweeps; a dependent share is of those of them
        # with an interval)
        sn=$d; [ "$d" = dep_defined ] && sn=dep_sims
        want=$(awk -F, -v c="$c" -v d="$d" -v sn="$sn" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
            (d in k) && $k[d] > 0 { x = 100 * $k[c] / $k[d]; if (n == 0 || x < lo) lo = x; if (n == 0 || x > hi) hi = x; s = $k[sn]; n++ }
            END { if (n) printf "%.1f %.1f %d", lo, hi, s }' "$f")
        [ "$got" = "$want" ] || { echo "README.md: '$t', but $f gives: $want" >&2; bad=1; }
        ;;
    *core-hours)
        h=$(echo "$t" | sed 's/.* \([0-9.]*\) core-hours$/\1/')
        n=$(echo "$t" | sed -n 's/^\([0-9,]*\) runs,.*/\1/p' | tr -d ,)
        if [ -z "$cur" ] || [ ! -f "${cur}report.md" ]; then
            echo "README.md: '$t' follows no link to a report under docs/results in its paragraph" >&2; bad=1; continue
        fi
        line=$(grep -m1 '^- \*\*Compute:\*\* ' "${cur}report.md")
        echo "$line" | grep -qF ", $h core-hours" || { echo "README.md: '$t', but ${cur}report.md says: $line" >&2; bad=1; }
        [ -z "$n" ] || echo "$line" | grep -qF "Compute:** $n runs finished" || { echo "README.md: '$t', but ${cur}report.md says: $line" >&2; bad=1; }
        ;;
    esac
done < "$tmp/tokens"
# ratio tables: each with the docs/results link last before it
awk -v dir="$tmp" '
/^\| variant \| default rule \| lenient rule \| strict rule \|( default rule: p of no difference \|( default rule: interval calibrated at 1 \|)?)?$/ {
    n++; f = dir "/table" n; print last > (f ".src"); close(f ".src"); intable = 1
}
intable && /^\|/ { print > (dir "/table" n); next }
{ intable = 0 }
{ s = $0; while (match(s, /docs\/results\/[a-z0-9_]+\//)) { last = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) } }
' README.md
for f in "$tmp"/table*.src; do
    [ -e "$f" ] || continue
    src=$(cat "$f")
    t=${f%.src}
    if [ -z "$src" ]; then echo "README.md: a table of LR50 ratios follows no link to docs/results" >&2; bad=1; continue; fi
    sh "$table" "$src" > "$t.want" 2>&1 || { cat "$t.want" >&2; bad=1; continue; }
    cmp -s "$t" "$t.want" || { echo "README.md: the table of LR50 ratios after the link to $src is not scripts/curve_table.sh $src:" >&2; diff "$t" "$t.want" >&2; bad=1; }
done
exit $bad
