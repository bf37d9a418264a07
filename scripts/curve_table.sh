#!/bin/sh
# The README's table of a failure-curve sweep, from its curves.csv: each
# variant's LR50 over the reference's (sweep.json "reference") with the 95%
# bootstrap interval, under the default, lenient and strict rules;
# ", poor fit" where the fit test's p is below 0.05 for the variant or for
# the reference (protocol section 3: no claim rests on such a ratio), "-"
# where a variant or the reference has no curve.
# With report_null.csv (lmstab report --null-check N), a last column: the
# p of no difference of the default-rule ratio (the share of N simulated
# sweeps whose variant has the reference's edge with a ratio at least as
# far from 1; "-" where it has none; "stale" where the check's ratio is
# not curves.csv's: it was made on other runs, and the report must be run
# again with --null-check), and the default-rule ratio's calibrated 95%
# interval calibrated for the test of 1 (the null check's levels:
# docs/cli.md; "-" where it has none)
# where report_null.csv has them (an older null check has not).
# tests/tools/readme_figures.sh checks every such table in the README
# against this script's output for the report it follows.
# Usage: scripts/curve_table.sh DIR   (a sweep or a published docs/results one)
set -eu
dir="${1:?usage: curve_table.sh DIR}"
[ -f "$dir/curves.csv" ] || { echo "curve_table: $dir/curves.csv not found" >&2; exit 1; }
ref=$(sed -n 's/^[[:space:]]*"reference":[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/sweep.json")
[ -n "$ref" ] || { echo "curve_table: $dir/sweep.json names no reference" >&2; exit 1; }
null="$dir/report_null.csv"
if [ -f "$null" ]; then
    if head -1 "$null" | grep -q ',cal_lo,'; then
        echo "| variant | default rule | lenient rule | strict rule | default rule: p of no difference | default rule: interval calibrated at 1 |"
        echo "|---|---|---|---|---|---|"
    else
        echo "| variant | default rule | lenient rule | strict rule | default rule: p of no difference |"
        echo "|---|---|---|---|---|"
    fi
else
    echo "| variant | default rule | lenient rule | strict rule |"
    echo "|---|---|---|---|"
    null=/dev/null
fi
awk -F, -v ref="$ref" -v withp="$([ "$null" = /dev/null ] && echo 0 || echo 1)" '
FNR == 1 && FILENAME != ARGV[1] { nulls = 1 }
nulls && FNR == 1 { for (i = 1; i <= NF; i++) ncol[$i] = i; withcal = ("cal_lo" in ncol); next }
nulls {
    pv[$ncol["variant"]] = $ncol["p"]; obs[$ncol["variant"]] = $ncol["observed"]
    if (withcal) { clo[$ncol["variant"]] = $ncol["cal_lo"]; chi[$ncol["variant"]] = $ncol["cal_hi"] }
    next
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    v = $col["variant"]; r = $col["rule"]
    if (!(v in seen)) { seen[v] = 1; order[n++] = v }
    x[v, r] = $col["ratio50"]; lo[v, r] = $col["ratio50_lo"]; hi[v, r] = $col["ratio50_hi"]
    p = $col["gof_p"]
    poor[v, r] = p != "" && p != "-" && p != "nan" && p + 0 < 0.05
}
END {
    for (i = 0; i < n; i++)
        for (k = 0; k < 3; k++) {
            v = order[i]; r = (k == 0) ? "default" : (k == 1) ? "lenient" : "strict"
            if (x[v, r] == "nan" || lo[v, r] == "nan" || hi[v, r] == "nan" || x[v, r] == "")
                cell[v, r] = "-"
            else
                cell[v, r] = sprintf("%.3g [%.3g, %.3g]%s", x[v, r], lo[v, r], hi[v, r],
                                     (poor[v, r] || poor[ref, r]) ? ", poor fit" : "")
        }
    label["qk_fc_norm"] = " (method 1)"; label["qkv_norm"] = " (method 2)"
    label["qk_norm_cap"] = " (method 3)"
    for (i = 0; i < n; i++) {
        v = order[i]
        if (v == ref) continue
        printf "| %s%s | %s | %s | %s |", v, label[v], cell[v, "default"], cell[v, "lenient"], cell[v, "strict"]
        # a null check of other runs (the sweep went on after it): not shown
        d = (v in obs) ? obs[v] - x[v, "default"] : 0
        if (withp && (v in obs) && d * d > (1e-5 * x[v, "default"]) ^ 2)
            printf " stale (of %s, not %s) |%s", obs[v], x[v, "default"], withcal ? " stale |" : ""
        else if (withp) {
            printf " %s |", (v in pv && pv[v] != "nan") ? sprintf("%.2g", pv[v]) : "-"
            if (withcal)
                printf " %s |", (v in clo && clo[v] != "nan" && chi[v] != "nan") ? sprintf("[%.3g, %.3g]", clo[v], chi[v]) : "-"
        }
        printf "\n"
    }
}' "$dir/curves.csv" "$null"
