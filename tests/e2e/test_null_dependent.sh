# The null check with dependent seeds on a published sweep (docs/results/
# curves, its runs restored): the copula's rho of each variant is the
# published one (it depends on the runs alone), some variant's seeds hang
# together (rho > 0), and exactly the rows whose variant or reference has
# rho > 0 are simulated again, all N of them.
. "$(dirname "$0")/lib.sh"
[ -f "$SRC/docs/results/curves/runs.tar.xz" ] || { echo "SKIP: no published curves sweep"; exit 0; }
# (a check of real data, not of memory safety: e2e_compare runs the same
# code on a small sweep under the sanitizers)
[ "${LMS_TEST_SANITIZED:-0}" = 1 ] && { echo "SKIP: sanitized build"; exit 0; }
N=12
LMSTAB_RUNS="$TMP/runs" sh "$SRC/scripts/restore_runs.sh" curves > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "restore failed"; }
"$LMSTAB" report "$TMP/runs/curves" --null-check $N > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "report --null-check failed"; }
dep="$TMP/runs/curves/report_dependence.csv"
cut -d, -f1,9 "$dep" > "$TMP/rho"
cut -d, -f1,9 "$SRC/docs/results/curves/report_dependence.csv" > "$TMP/rho.pub"
cmp -s "$TMP/rho" "$TMP/rho.pub" || { diff "$TMP/rho.pub" "$TMP/rho"; fail "rho is not the published one"; }
awk -F, -v n=$N 'function pos(r) { return (r "") != "nan" && r > 0 }
    FNR > 1 { d = pos($20) || pos($21); any += d
    if ($22 != (d ? n : 0)) { print; bad = 1 } }
    END { exit bad || !any }' "$TMP/runs/curves/report_null.csv" \
    || { cat "$TMP/runs/curves/report_null.csv"; fail "report_null.csv: no row with dependent seeds, or one simulated again when it should not be (or not when it should)"; }
grep -q "^### The same null with dependent seeds" "$TMP/runs/curves/report.md" || fail "no dependent-seeds section"
grep -q "^lmstab report: null check: .*, seeds dependent: $N simulations in [0-9]* s$" "$TMP/err" || { cat "$TMP/err"; fail "no progress line for the dependent simulations"; }
echo ok
