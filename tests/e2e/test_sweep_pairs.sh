# [sweep] pairs: variants set against each other besides the reference.
# Each rule's table gives the second's LR50 over the first's (the ratio of
# the two curves in curves.csv) and their runs at the same LR and seed,
# whose failures add up to each variant's own; pairs.csv holds the same;
# the manifest keeps the pairs (report and aggregate read them); a pair
# that is not two variants of the sweep is refused at its line.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline, qk_norm, qk_norm_cap
reference = qk_norm
pairs = baseline:qk_norm_cap, qk_norm_cap : baseline
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 3
lr_ratio = 3
seeds = 1-3
grid_seeds = 3
jobs = 2
out = $TMP/out

[overrides]
$TINY_OVERRIDES
training.max_steps = 40
training.warmup_steps = 6
training.eval_every = 20
training.eval_batches = 2
training.log_every = 5
verdict.default_margin = -0.05
EOT
"$LMSTAB" sweep "$TMP/s.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2> "$TMP/log" || { cat "$TMP/log"; fail "sweep failed"; }
grep -q '"pairs"' "$TMP/out/sweep.json" || fail "the manifest does not keep the pairs"
pcsv="$TMP/out/pairs.csv"
[ "$(($(wc -l < "$pcsv") - 1))" -eq 6 ] || { cat "$pcsv"; fail "pairs.csv: expected 2 pairs x 3 rules"; }
[ "$(grep -c '^| baseline → qk_norm_cap | ' "$TMP/out/table.md")" -eq 3 ] || fail "no pair row per rule in table.md"
finite=0
for r in strict default lenient; do
    for p in "baseline qk_norm_cap" "qk_norm_cap baseline"; do
        set -- $p
        row=$(awk -F, -v a=$1 -v b=$2 -v r=$r '$1 == a && $2 == b && $3 == r' "$pcsv")
        [ -n "$row" ] || fail "no pairs.csv row for $1 $2 $r"
        shared=$(echo "$row" | cut -d, -f8); both=$(echo "$row" | cut -d, -f9)
        fo=$(echo "$row" | cut -d, -f10); so=$(echo "$row" | cut -d, -f11)
        ca=$(awk -F, -v v=$1 -v r=$r '$1 == v && $2 == r { print $3 " " $4 }' "$TMP/out/curves.csv")
        cb=$(awk -F, -v v=$2 -v r=$r '$1 == v && $2 == r { print $3 " " $4 }' "$TMP/out/curves.csv")
        # every run is shared (one grid, every seed on it)
        [ "$shared $((both + fo))" = "$ca" ] || fail "$1 $2 $r: $row against $1's curve ($ca)"
        [ "$shared $((both + so))" = "$cb" ] || fail "$1 $2 $r: $row against $2's curve ($cb)"
        la=$(awk -F, -v v=$1 -v r=$r '$1 == v && $2 == r { print $7 }' "$TMP/out/curves.csv")
        lb=$(awk -F, -v v=$2 -v r=$r '$1 == v && $2 == r { print $7 }' "$TMP/out/curves.csv")
        got=$(echo "$row" | cut -d, -f4)
        if [ "$la" != nan ] && [ "$lb" != nan ]; then
            want=$(awk -v a="$la" -v b="$lb" 'BEGIN { printf "%.3g", b / a }')
            [ "$(awk -v x="$got" 'BEGIN { printf "%.3g", x }')" = "$want" ] || fail "$1 $2 $r: ratio $got, curves.csv gives $lb / $la"
            finite=$((finite + 1))
        else
            [ "$got" = nan ] || fail "$1 $2 $r: a ratio ($got) without both LR50s"
        fi
    done
done
[ "$finite" -ge 1 ] || { cat "$TMP/out/curves.csv"; fail "no pair has both LR50s: the ratio check checked nothing"; }
"$LMSTAB" report "$TMP/out" > /dev/null 2>&1 || fail "report failed"
grep -q "^Declared pairs (\`\[sweep\] pairs\`), rule default" "$TMP/out/report.md" || fail "the report lacks the pairs"
grep -q "files differ" "$TMP/out/report.md" && fail "one data file reported as several"
# runs whose data differ by content (here one summary edited, then put
# back) are named with their SHA-256s, so a mix cannot hide behind the
# first run's
one=$(find "$TMP/out" -name summary.json | sort | head -1)
cp "$one" "$TMP/one.json"
sed 's/"data_sha256":[[:space:]]*"[0-9a-f]*"/"data_sha256": "0000000000000000000000000000000000000000000000000000000000000000"/' "$TMP/one.json" > "$one"
"$LMSTAB" report "$TMP/out" > /dev/null 2>&1 || fail "report of mixed data failed"
cp "$TMP/one.json" "$one"
line=$(grep "^- \*\*The runs' data files differ\*\* (by SHA-256): " "$TMP/out/report.md")
echo "$line" | grep -q "\`0000000000000000000000000000000000000000000000000000000000000000\` (1 run)" \
    && echo "$line" | grep -q "\`[0-9a-f]\{64\}\` ($(($(find "$TMP/out" -name summary.json | wc -l) - 1)) runs)" \
    || { grep -i differ "$TMP/out/report.md"; fail "runs of two data files are not named"; }
# the report's null check covers each pair with both LR50s (second/first)
# and its ratio is pairs.csv's (default rule); a pair against the
# reference would be a variant's row already
# (the memory-safety build: a few simulations, the same code)
sims=40
[ "${LMS_TEST_SANITIZED:-0}" = 1 ] && sims=4
"$LMSTAB" report "$TMP/out" --null-check $sims > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "report --null-check failed"; }
awk -F, 'NR == FNR { if ($3 == "default" && $4 != "nan") want[$2 "/" $1] = $4; next }
    FNR > 1 && index($1, "/") { got[$1] = $7 }
    END { for (k in want) { n++; if (!(k in got) || (got[k] - want[k]) ^ 2 > (1e-5 * want[k]) ^ 2) { print k, want[k], got[k]; bad = 1 } }
          exit bad || !n }' "$TMP/out/pairs.csv" "$TMP/out/report_null.csv" \
    || { cat "$TMP/out/report_null.csv"; fail "report_null.csv: a declared pair missing, or its ratio not pairs.csv's"; }
# one seed: the ratio without an interval (resampling one seed gives it
# back); the sweep's first seed alone, aggregated again (no training)
cp -r "$TMP/out" "$TMP/one" && find "$TMP/one" -type d -name 'seed_[2-9]' -exec rm -rf {} + \
    && "$LMSTAB" sweep --aggregate "$TMP/one" > /dev/null 2> "$TMP/log" || { cat "$TMP/log"; fail "cannot make the one-seed sweep"; }
grep -q "^| qk_norm_cap → baseline | [0-9.e+-]* (one seed: no interval) | " "$TMP/one/table.md" \
    || { grep "→" "$TMP/one/table.md"; fail "a one-seed pair shows an interval, or no ratio"; }
# refused: a name that is not a variant, a pair of one variant, no colon
for bad in "baseline:nope" "qk_norm:qk_norm" "baseline"; do
    sed "s/^pairs = .*/pairs = $bad/" "$TMP/s.ini" > "$TMP/bad.ini"
    expect_error "bad.ini:4: [sweep] pairs: each pair is FIRST:SECOND" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt"
done
# one pair given twice
sed "s/^pairs = .*/pairs = baseline:qk_norm, baseline : qk_norm/" "$TMP/s.ini" > "$TMP/bad.ini"
expect_error "bad.ini:4: [sweep] pairs: the pair baseline:qk_norm is given twice" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt"
# 17 pairs (short config names, for a line the parser takes)
mkdir -p "$TMP/cfg" && cp "$SRC/configs/baseline.ini" "$TMP/cfg/a.ini" && cp "$SRC/configs/qk_norm.ini" "$TMP/cfg/b.ini"
many=$(i=0; while [ $i -lt 17 ]; do [ $i -gt 0 ] && printf ', '; printf 'a:b'; i=$((i + 1)); done)
sed -e "s/^pairs = .*/pairs = $many/" -e "s/^variants = .*/variants = a, b/" -e "s/^reference = .*/reference = a/" \
    -e "s|^configs_dir = .*|configs_dir = $TMP/cfg|" "$TMP/s.ini" > "$TMP/bad.ini"
expect_error "bad.ini:4: [sweep] pairs: at most 16 pairs" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt"
# a manifest whose pair names no variant of the sweep is refused by the report
sed -i 's/\["baseline", "qk_norm_cap"\]/["baseline", "nope"]/' "$TMP/out/sweep.json"
grep -q '"nope"' "$TMP/out/sweep.json" || fail "the manifest edit did not apply"
expect_error "$TMP/out/sweep.json: malformed sweep.json (pair [\"baseline\",\"nope\"])" "$LMSTAB" report "$TMP/out"
exit 0
