# lmstab compare: sweeps that differ in d_model side by side. Each sweep's
# LR50 in compare.csv is its own report's (curves.csv), the differing
# override names each sweep, the reading opens the page, and bad input
# (one directory, no --out, a directory that is not a sweep, two sweeps of
# one name, a damaged sweep.json) is refused with a clear message.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
sizes="16 24 32" steps=60 seeds=1-3 lr_min=0.01
if [ "${LMS_TEST_SANITIZED:-0}" = 1 ]; then sizes="16 32" steps=30 seeds=1-2 lr_min=0.09; fi
dirs=""
for d in $sizes; do
    cat > "$TMP/s$d.ini" <<EOT
[sweep]
variants = baseline, qk_norm
reference = qk_norm
configs_dir = $SRC/configs
lr_min = $lr_min
lr_max = 3
lr_ratio = 3
seeds = $seeds
grid_seeds = 9
jobs = 2
out = $TMP/d$d

[overrides]
model.d_model = $d
model.n_layer = 2
model.n_head = 2
model.context = 32
training.batch_size = 4
training.max_steps = $steps
training.warmup_steps = 6
training.eval_every = 30
training.eval_batches = 2
training.log_every = 5
; the default rule fails a run that ends 0.05 nats above the byte
; frequencies: these tiny runs do at the grid's high end
verdict.default_margin = -0.05
EOT
    sed -i "s/^grid_seeds = 9/grid_seeds = $(echo "$seeds" | cut -d- -f2)/" "$TMP/s$d.ini"
    "$LMSTAB" sweep "$TMP/s$d.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2> "$TMP/log" || { cat "$TMP/log"; fail "sweep d$d failed"; }
    dirs="$dirs $TMP/d$d"
done
# shellcheck disable=SC2086
"$LMSTAB" compare $dirs --out "$TMP/cmp" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err"; fail "compare failed"; }
page="$TMP/cmp/compare.md"
[ -s "$page" ] && [ -s "$TMP/cmp/compare.html" ] || fail "no compare.md or compare.html"
head -1 "$page" | grep -q "^# lmstab sweep comparison" || fail "page title"
reading=$(head -1 "$TMP/out")
[ -n "$reading" ] || fail "no reading printed"
grep -qF "**Reading.** $reading" "$page" || fail "the page does not open with the printed reading"
for d in $sizes; do
    grep -q "^| d$d | \`model.d_model=$d\` | [0-9]* | [0-9]* | " "$page" || { cat "$page"; fail "sweep d$d's row does not name its d_model"; }
done
grep -q "model.n_layer" "$page" && fail "an override all sweeps share is listed as a difference"
grep -q "^## Rule: default" "$page" && grep -q "^## Rule: strict" "$page" && grep -q "^## Rule: lenient" "$page" || fail "a rule's tables are missing"
grep -q "^## LR sensitivity (Wortsman et al. 2023)" "$page" || fail "no LR sensitivity table"
# one CSV row per sweep, variant and rule
n_sweeps=$(echo $sizes | wc -w)
rows=$(($(wc -l < "$TMP/cmp/compare.csv") - 1))
[ "$rows" -eq $((n_sweeps * 2 * 3)) ] || fail "compare.csv has $rows rows, expected $((n_sweeps * 6))"
# each sweep's LR50 is its own curves.csv's, rule by rule (the same fit)
finite=0
for d in $sizes; do
    for v in baseline qk_norm; do
        for r in strict default lenient; do
            own=$(awk -F, -v v=$v -v r=$r '$1 == v && $2 == r { print $7 }' "$TMP/d$d/curves.csv")
            fails=$(awk -F, -v v=$v -v r=$r '$1 == v && $2 == r { print $4 " " $3 }' "$TMP/d$d/curves.csv")
            got=$(awk -F, -v s=d$d -v v=$v -v r=$r '$1 == s && $4 == v && $5 == r { print $8 }' "$TMP/cmp/compare.csv")
            set -- $fails
            if [ "$1" -gt 0 ] && [ "$1" -lt "$2" ] && [ "$own" != nan ]; then
                [ "$got" = "$own" ] || fail "d$d $v $r: compare's LR50 $got, the sweep's own $own"
                finite=$((finite + 1))
            else
                [ "$got" = nan ] || fail "d$d $v $r: an LR50 ($got) where the sweep has no curve ($fails, $own)"
            fi
        done
    done
done
[ "$finite" -ge 1 ] || { cat "$TMP/cmp/compare.csv"; fail "no sweep has a failure curve: the check above checked nothing"; }
# run by run: every run of the later sweeps is shared with the first (same
# grid, every seed on it), so each variant's failures split into both /
# first only / later only exactly as the two sweeps' own curves count them,
# and the median change of the final loss is the one results.csv gives
grep -q "^## Run by run" "$page" || fail "no run-by-run section"
rcsv="$TMP/cmp/compare_runs.csv"
rows=$(($(wc -l < "$rcsv") - 1))
[ "$rows" -eq $(((n_sweeps - 1) * 2 * 3)) ] || { cat "$rcsv"; fail "compare_runs.csv has $rows rows, expected $(((n_sweeps - 1) * 6))"; }
set -- $sizes
first=$1; shift
for d in "$@"; do
    for v in baseline qk_norm; do
        for r in strict default lenient; do
            row=$(awk -F, -v s=d$d -v v=$v -v r=$r '$2 == s && $3 == v && $4 == r' "$rcsv")
            [ -n "$row" ] || fail "no run-by-run row for d$d $v $r"
            shared=$(echo "$row" | cut -d, -f5); fb=$(echo "$row" | cut -d, -f6)
            fa=$(echo "$row" | cut -d, -f7); fl=$(echo "$row" | cut -d, -f8)
            na=$(awk -F, -v v=$v -v r=$r '$1 == v && $2 == r { print $3 " " $4 }' "$TMP/d$first/curves.csv")
            nl=$(awk -F, -v v=$v -v r=$r '$1 == v && $2 == r { print $3 " " $4 }' "$TMP/d$d/curves.csv")
            [ "$shared $((fb + fa))" = "$na" ] || fail "d$d $v $r: $row against the first sweep's curves ($na)"
            [ "$shared $((fb + fl))" = "$nl" ] || fail "d$d $v $r: $row against the sweep's own curves ($nl)"
        done
        # (losses that are not numbers, a diverged run's, are left out as
        # compare leaves them out; results.csv rounds to 6 decimals)
        want=$(awk -F, -v v=$v 'function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
                              NR == FNR { if ($1 == v && num($8)) a[$2 "," $3] = $8; next }
                              $1 == v && num($8) && ($2 "," $3) in a { printf "%.6f\n", $8 - a[$2 "," $3] }' \
                   "$TMP/d$first/results.csv" "$TMP/d$d/results.csv" | sort -g |
               awk '{ x[NR] = $1 } END { if (NR) printf "%.6f", NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2 }')
        got=$(awk -F, -v s=d$d -v v=$v '$2 == s && $3 == v && $4 == "default" { print $10 }' "$rcsv")
        [ -n "$want" ] && awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d < 2e-5 && d > -2e-5) }' \
            || fail "d$d $v: median change of the final loss $got, results.csv gives $want"
    done
done
grep -q "^| d$1 vs d$first | baseline | " "$page" || fail "no run-by-run row on the page"
# the matched seeds are said
grep -q "the sweeps ran the same seeds" "$page" || fail "matched seeds not said"
# compare_change.csv: each change is the last sweep's value over the first's
# (compare.csv's), and its direction follows the declared rule: none unless
# the fits it rests on pass, grew/shrank only when the paired and the
# independent intervals both exclude 1 on that side
chg="$TMP/cmp/compare_change.csv"
head -1 "$chg" | grep -q "^variant,rule,quantity,from_sweep,to_sweep,from,to,change,lo,hi,undefined,lo_independent,hi_independent,undefined_independent,fits,direction$" \
    || fail "compare_change.csv header: $(head -1 "$chg")"
[ "$(wc -l < "$chg")" -gt 1 ] || fail "compare_change.csv has no change"
awk -F, 'NR > 1 {
    want = $16
    pass += $15 == "pass"
    if ($15 != "pass") d = "\"no direction\""
    else if ($9 == "nan" || $10 == "nan") d = "\"no interval\""
    else if ($9 > 1 && $12 > 1) d = "\"grew\""
    else if ($10 < 1 && $13 < 1) d = "\"shrank\""
    else d = "\"not resolved\""
    if (d != want && !(d == "\"not resolved\"" && want ~ /^"not resolved/)) { print "direction: " $0; bad = 1 }
    if ($6 > 0 && $7 > 0) { r = $7 / $6 / $8; if (r > 1.0001 || r < 0.9999) { print "change: " $0; bad = 1 } }
    if ($9 != "nan" && !($9 <= $8 && $8 <= $10)) { print "interval: " $0; bad = 1 }
} END { if (!pass) print "no change whose fits pass: the direction checks checked nothing"; exit bad || !pass }' "$chg" \
    || { cat "$chg"; fail "compare_change.csv is not consistent"; }
# compare_line.csv (3 or more sizes): each middle sweep's value over the
# line through the first's and the last's (compare_change.csv's from, to)
# at t, its place between them in log parameters; none with 2 sweeps
line="$TMP/cmp/compare_line.csv"
[ "$(head -1 "$line")" = "variant,rule,quantity,sweep,params,t,value,line,off,lo,hi,undefined" ] || fail "compare_line.csv header: $(head -1 "$line")"
if [ "$n_sweeps" -ge 3 ]; then
    grep -q "^### The middle sweeps against the line" "$page" || fail "no middle-sweep table with $n_sweeps sizes"
    # (params: compare.csv's third field; these settings hold no comma)
    p0=$(awk -F, -v s="d$(echo $sizes | awk '{ print $1 }')" '$1 == s { print $3; exit }' "$TMP/cmp/compare.csv")
    pz=$(awk -F, -v s="d$(echo $sizes | awk '{ print $NF }')" '$1 == s { print $3; exit }' "$TMP/cmp/compare.csv")
    awk -F, -v p0="$p0" -v pz="$pz" 'NR == FNR { if (FNR > 1) { from[$1 "," $2 "," $3] = $6; to[$1 "," $2 "," $3] = $7 } next }
        FNR > 1 { k = $1 "," $2 "," $3; m++; t = (log($5) - log(p0)) / (log(pz) - log(p0))
            l = exp((1 - $6) * log(from[k]) + $6 * log(to[k]))
            if (!(k in from) || ($6 - t) ^ 2 > 1e-8 || !($6 > 0 && $6 < 1) || ($8 / l - 1) ^ 2 > 1e-8 \
                || ($9 * $8 / $7 - 1) ^ 2 > 1e-8 || ($10 != "nan" && !($10 <= $11))) { print; bad = 1 } }
        END { exit bad || !m }' "$chg" "$line" || { cat "$line"; fail "compare_line.csv: a middle sweep off a line that is not the first's and the last's"; }
else
    [ "$(wc -l < "$line")" -eq 1 ] || fail "compare_line.csv has rows with 2 sweeps"
    grep -q "^### The middle sweeps against the line" "$page" && fail "a middle-sweep table with 2 sweeps"
fi
while IFS=, read -r v r q fs ts from to rest; do
    [ "$q" = lr50 ] || continue
    a=$(awk -F, -v s="$fs" -v v="$v" -v r="$r" '$1 == s && $4 == v && $5 == r { print $8 }' "$TMP/cmp/compare.csv")
    b=$(awk -F, -v s="$ts" -v v="$v" -v r="$r" '$1 == s && $4 == v && $5 == r { print $8 }' "$TMP/cmp/compare.csv")
    [ "$a" = "$from" ] && [ "$b" = "$to" ] || fail "compare_change.csv $v $r: from $from to $to, compare.csv $a and $b"
done < "$chg"
# where the default rule's change rests on a fit that did not pass, the
# reading states no direction for it
if grep -q "^[a-z_]*,default,[a-z0-9]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,\(flagged\|untested\)," "$chg"; then
    grep -q "no direction is stated, since a fit it rests on did not pass the test" "$page" || fail "a blocked change's reading states a direction"
fi
last=$(echo $sizes | awk "{ print \$NF }")
# a blocked change made sure of: the first sweep cut to one seed, so no LR
# has 2 runs and its fits cannot be tested (untested): the reading states
# no direction for the default rule, and compare_change.csv says why
cp -r "$TMP/d$first" "$TMP/one$first" && find "$TMP/one$first" -type d -name 'seed_[2-9]' -exec rm -rf {} + \
    && "$LMSTAB" sweep --aggregate "$TMP/one$first" > /dev/null 2>&1 || fail "cannot make the one-seed sweep"
"$LMSTAB" compare "$TMP/one$first" "$TMP/d$last" --out "$TMP/blk" > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "compare of the one-seed sweep failed"; }
grep -q "^[a-z_]*,default,lr50,[^\"]*,untested,\"no direction\"$" "$TMP/blk/compare_change.csv" \
    || { cat "$TMP/blk/compare_change.csv"; fail "a one-seed sweep's default-rule fit is not untested with no direction"; }
grep -q "no direction is stated, since a fit it rests on did not pass the test (flagged: p < 0.05; untested: fewer than 3 LRs with 2 or more runs): [a-z_]* in one$first (untested)" "$TMP/blk/compare.md" \
    || { head -5 "$TMP/blk/compare.md"; fail "the reading of a blocked change states a direction, or not why"; }
# ... and one seed resamples to itself: no change has an interval
awk -F, 'NR > 1 { n++; if ($9 != "nan" || $10 != "nan" || $12 != "nan" || $13 != "nan") bad = 1 } END { exit bad || !n }' "$TMP/blk/compare_change.csv" \
    || { cat "$TMP/blk/compare_change.csv"; fail "a change from a one-seed sweep has an interval"; }
if command -v gnuplot > /dev/null && ! grep -q "nothing to plot" "$page"; then
    [ -s "$TMP/cmp/plots/compare_lr50.png" ] || fail "no LR50 figure"
fi
# the figures' data mark each estimate whose fit the test flags (columns 8
# and 9, as compare.csv's gof_p says), and the y range is the points'
for v in baseline qk_norm; do
    dat="$TMP/cmp/plots/data/compare_$v.dat"
    awk '!/^#/ && NF != 9 { exit 1 }' "$dat" || fail "$dat: not 9 columns"
    k=0
    for d in $sizes; do
        k=$((k + 1)) # sweep k is the dat file's k-th data line
        p=$(awk -F, -v s="d$d" -v v="$v" '$1 == s && $4 == v && $5 == "default" { print $(NF - 2) }' "$TMP/cmp/compare.csv")
        want=0; case "$p" in nan|"") ;; *) awk -v p="$p" 'BEGIN { exit !(p < 0.05) }' && want=1 ;; esac
        x=$(awk -v k="$k" '!/^#/ && ++n == k { print $8 }' "$dat")
        [ "$x" = "$want" ] || fail "$dat, d$d: poor-fit mark $x, compare.csv's fit p $p"
    done
done
grep -q "^set yrange \[" "$TMP/cmp/plots/compare.gp" || fail "the figures' y range is not set from the points"
# published as a page (scripts/publish_results.sh): its tables, CSVs and
# figures with their data, so that the page's gnuplot script runs again
LMSTAB_RESULTS="$TMP/pub" sh "$SRC/scripts/publish_results.sh" "$TMP/cmp" ladder > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "publishing the compare page failed"; }
for f in compare.md compare.html compare.csv compare_change.csv compare_runs.csv plots/compare.gp; do
    cmp -s "$TMP/cmp/$f" "$TMP/pub/ladder/$f" || fail "the published page's $f is not the compare directory's"
done
ls "$TMP"/cmp/plots/data/compare_*.dat > /dev/null 2>&1 || fail "compare wrote no figure data"
for f in "$TMP"/cmp/plots/data/*; do
    cmp -s "$f" "$TMP/pub/ladder/plots/data/${f##*/}" || fail "the published page lacks plots/data/${f##*/}"
done
# the null check: a row per variant with a ratio curve in the first and the
# last sweep, counts that nest as the reading does, and the same numbers
# on a second run (seeded)
# shellcheck disable=SC2086
"$LMSTAB" compare $dirs --out "$TMP/null" --null-check 4 > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "compare --null-check failed"; }
grep -q "^lmstab compare: null check: baseline ratio: 4 simulations in [0-9]* s$" "$TMP/err" || { cat "$TMP/err"; fail "no progress line per variant and quantity"; }
nul="$TMP/null/compare_null.csv"
[ "$(head -1 "$nul")" = "variant,quantity,sims,defined,paired,independent,both,fits_pass,stated,observed,extreme,no_point,p,plevel_lo,plevel_hi,pcal_lo,pcal_hi,ilevel_lo,ilevel_hi,ical_lo,ical_hi,cv_paired,cv_independent,cv_both,cv_checked,rho_a,rho_a_ref,rho_z,rho_z_ref,dep_sims,dep_defined,dep_paired,dep_independent,dep_checked,dep_cal_paired,dep_cal_independent,dep_cal_both,dep_grew,dep_shrank,declared" ] || fail "compare_null.csv header: $(head -1 "$nul")"
# the declared direction (protocol, stop 25): with 40 simulations (levels
# fitted), grew or shrank only where compare_change.csv's default-rule
# direction is that one with the fits passing and both calibrated
# intervals lie on that side; a blocked fit is named; the reading points
# to it
# shellcheck disable=SC2086
"$LMSTAB" compare $dirs --out "$TMP/null40" --null-check 40 > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "compare --null-check 40 failed"; }
if [ "${LMS_TEST_SANITIZED:-0}" != 1 ]; then
    awk -F, 'NR == FNR { if ($2 == "default") { fits[$1 "," $3] = $15; dir[$1 "," $3] = $16 } next }
        FNR > 1 { n++; k = $1 "," $2; d = $40; gsub(/"/, "", d); f = dir[k]; gsub(/"/, "", f)
            if (d == "grew" || d == "shrank") { m++
                if (fits[k] != "pass" || f != d || (d == "grew" && !($16 > 1 && $20 > 1)) || (d == "shrank" && !($17 < 1 && $21 < 1))) bad = 1 }
            else if (fits[k] == "flagged" && d != "no direction (a fit flagged)") bad = 1
            else if (fits[k] == "untested" && d != "no direction (a fit untested)") bad = 1
            else if (fits[k] == "pass" && d != "not resolved" && d != "-") bad = 1
            if (fits[k] == "pass" && (f == "grew" || f == "shrank") && $16 != "nan" && ((f == "grew" && $16 > 1 && $20 > 1) || (f == "shrank" && $17 < 1 && $21 < 1)) && d != f) bad = 1 }
        END { exit bad || !n }' "$TMP/null40/compare_change.csv" "$TMP/null40/compare_null.csv" \
        || { cat "$TMP/null40/compare_change.csv" "$TMP/null40/compare_null.csv"; fail "compare_null.csv: a declared direction that is not the protocol's"; }
    grep -q 'the column "declared" of "Intervals calibrated for the test of 1" below' "$TMP/null40/compare.md" \
        || fail "the reading does not point to the declared directions"
    # the reading states each variant's declared direction: its ratio's
    # (the reference: its LR50's), none where a fit blocks it
    ref=$(sed -n 's/.*"reference":[[:space:]]*"\([^"]*\)".*/\1/p' "$TMP/d$(echo $sizes | cut -d' ' -f1)/sweep.json")
    [ -n "$ref" ] || fail "no reference in sweep.json"
    grep '^\*\*Reading' "$TMP/null40/compare.md" > "$TMP/reading40"
    # stop 26's caveat beside a stated direction exactly where the dependent
    # simulations state one on its side in more than 5% of those with both
    # intervals
    want=$(awk -F, -v ref="$ref" 'function pos(r) { return (r "") != "nan" && r > 0 }
        FNR > 1 && (($1 == ref) == ($2 == "lr50")) { d = $40; gsub(/"/, "", d)
            if ((pos($26) || pos($27) || pos($28) || pos($29)) && $34 > 0 \
                && ((d == "grew" && $38 / $34 > 0.05) || (d == "shrank" && $39 / $34 > 0.05))) n++ }
        END { print n + 0 }' "$TMP/null40/compare_null.csv")
    got=$(grep -o "the null check states a direction on this side" "$TMP/reading40" | wc -l)
    [ "$want" -eq "$got" ] || fail "the reading has $got dependent-seeds caveats, compare_null.csv calls for $want"
    awk -F, -v ref="$ref" 'NR == FNR { r = r $0; next }
        FNR > 1 && (($1 == ref) == ($2 == "lr50")) { d = $40; gsub(/"/, "", d); m++
            key = $1 == ref ? "the LR50 of " ref " went from" : "the LR50 of " $1 " relative to " ref " went from"
            i = index(r, key); if (!i) { print "no sentence for " $1; bad = 1; next }
            seg = substr(r, i); j = index(substr(seg, 2), "From "); if (j) seg = substr(seg, 1, j)
            if (d ~ /^no direction/) ok = index(seg, "no direction is stated") > 0
            else if (d == "-") ok = index(seg, "not resolved under the declared rule, which needs") > 0
            else ok = index(seg, ": " d " under the declared rule (") > 0
            if (!ok) { print $1 ": declared " d " but: " seg; bad = 1 } }
        END { exit bad || !m }' "$TMP/reading40" "$TMP/null40/compare_null.csv" \
        || fail "the reading does not state the declared directions"
fi
grep -q "^## Null check" "$TMP/null/compare.md" || fail "no null check section"
grep -q "<h2>Null check</h2>" "$TMP/null/compare.html" && grep -q "<h2>Rule: default</h2>" "$TMP/null/compare.html" \
    || fail "compare.html with --null-check is not the page"
awk -F, 'NR > 1 { n++; q[$2]++
    if ($3 != 4 || $4 > $3 || $5 > $4 || $6 > $4 || $7 > $5 || $7 > $6 || $8 > $3 || $9 > $7 || $9 > $8) { print; bad = 1 } }
    END { exit bad || !q["lr50"] || !q["ratio50"] }' "$nul" || { cat "$nul"; fail "compare_null.csv: counts that do not nest, or no LR50 or ratio row"; }
# the test of no change: its observed change is the page's (default rule),
# the simulations counted against it include those without a change, and
# p = (1 + extreme) / (1 + sims)
awk -F, 'NR == FNR { if ($2 == "default") ch[$1 "," $3] = $8; next }
    FNR > 1 { n++; o = ch[$1 "," $2]
    if ($13 == "nan") { if (o != "" && o != "nan") { print "no p: " $0; bad = 1 }; next }
    m++
    if ($12 > $11 || $11 > $3 || o == "" || ($10 - o) ^ 2 > (1e-5 * o) ^ 2 || ($13 - (1 + $11) / (1 + $3)) ^ 2 > 1e-10) { print; bad = 1 } }
    END { exit bad || !m }' "$TMP/null/compare_change.csv" "$nul" || { cat "$nul"; fail "compare_null.csv: the test of no change does not add up"; }
grep -q "| change: p of no change (k of n) |" "$TMP/null/compare.md" || fail "no test of no change in the null check section"
# the calibrated intervals: none with 4 simulations (a 2.5% tail needs
# 40); with 40, the page's resamples at the null check's levels (wider
# levels, a wider interval than the page's; narrower, narrower), held-out
# counts that nest
awk -F, 'NR > 1 && ($14 != "nan" || $16 != "nan") { print; bad = 1 } END { exit bad }' "$nul" \
    || fail "compare_null.csv: levels from 4 simulations"
awk -F, 'NR == FNR { if ($2 == "default") { lo[$1 "," $3] = $9; hi[$1 "," $3] = $10; li[$1 "," $3] = $12; hi2[$1 "," $3] = $13 }; next }
    FNR > 1 && $16 != "nan" && $20 != "nan" { m++; k = $1 "," $2
    if ($14 < 0 || $14 > 0.5 || $15 < 0.5 || $15 > 1 || $18 < 0 || $18 > 0.5 || $19 < 0.5 || $19 > 1 \
        || $22 > $25 || $23 > $25 || $24 > $22 || $24 > $23 || $25 > $3 \
        || ($14 <= 0.025 && $16 > lo[k] * (1 + 1e-5)) || ($14 >= 0.025 && $16 < lo[k] * (1 - 1e-5)) \
        || ($15 >= 0.975 && $17 < hi[k] * (1 - 1e-5)) || ($15 <= 0.975 && $17 > hi[k] * (1 + 1e-5)) \
        || ($18 <= 0.025 && $20 > li[k] * (1 + 1e-5)) || ($18 >= 0.025 && $20 < li[k] * (1 - 1e-5)) \
        || ($19 >= 0.975 && $21 < hi2[k] * (1 - 1e-5)) || ($19 <= 0.975 && $21 > hi2[k] * (1 + 1e-5))) { print; bad = 1 } }
    END { exit bad || !m }' "$TMP/null40/compare_change.csv" "$TMP/null40/compare_null.csv" || { cat "$TMP/null40/compare_null.csv"; fail "compare_null.csv: a calibrated interval that is not the page's resamples at its levels"; }
grep -q "^### Intervals calibrated for the test of 1" "$TMP/null40/compare.md" || fail "no calibrated intervals on the compare page"
# the same null with dependent seeds: rhos in [0, 1] (an LR50's reference
# rho 0), simulated again (all 40) exactly when one is above 0, counts that
# nest
awk -F, 'function ok(r) { return (r "") == "nan" || (r >= 0 && r <= 1) }
    function pos(r) { return (r "") != "nan" && r > 0 }
    NR > 1 { dep = pos($26) || pos($27) || pos($28) || pos($29)
    if (!ok($26) || !ok($27) || !ok($28) || !ok($29) \
        || ($2 == "lr50" && ($27 != 0 || $29 != 0)) || $30 != (dep ? 40 : 0) || $31 > $30 \
        || $32 > $31 || $33 > $31 || $34 > $31 || $35 > $34 || $36 > $34 || $37 > $35 || $37 > $36 \
        || $38 + $39 > $37) { print; bad = 1 } }
    END { exit bad }' "$TMP/null40/compare_null.csv" || { cat "$TMP/null40/compare_null.csv"; fail "compare_null.csv: a dependent-seeds check out of range, simulated when it should not be (or not when it should), or counts that do not nest"; }
grep -q "^### The same null with dependent seeds" "$TMP/null40/compare.md" || fail "no dependent-seeds check on the compare page"
# the null check of one sweep's ratios (report --null-check): a row per
# variant with a default-rule ratio, counts that nest, its observed ratio
# the report's (curves.csv), p = (1 + extreme) / (1 + sims), the same
# numbers again (seeded); a plain report removes it with its section
first=$(echo $sizes | cut -d' ' -f1)
"$LMSTAB" report "$TMP/d$first" --null-check 4 > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "report --null-check failed"; }
rn="$TMP/d$first/report_null.csv"
[ "$(head -1 "$rn")" = "variant,sims,defined,excludes,fits_pass,stated,observed,extreme,no_point,p,above,stated_above,level_lo,level_hi,cal_lo,cal_hi,cv_excludes,cv_above,cv_checked,rho,rho_ref,dep_sims,dep_defined,dep_excludes,dep_above,dep_cal_excludes,dep_cal_above,dep_claims,dep_claims_below,declared" ] || fail "report_null.csv header: $(head -1 "$rn")"
grep -q "^lmstab report: null check: baseline: 4 simulations in [0-9]* s$" "$TMP/err" || { cat "$TMP/err"; fail "report --null-check: no progress line"; }
awk -F, 'NR == FNR { if ($2 == "default") r[$1] = $13; next }
    FNR > 1 { m++; o = r[$1]
    if ($2 != 4 || $3 > $2 || $4 > $3 || $5 > $2 || $6 > $4 || $6 > $5 || $9 > $8 || $8 > $2 || o == "" \
        || $11 > $4 || $12 > $11 || $12 > $6 \
        || ($7 - o) ^ 2 > (1e-5 * o) ^ 2 || ($10 - (1 + $8) / (1 + $2)) ^ 2 > 1e-10) { print; bad = 1 } }
    END { exit bad || !m }' "$TMP/d$first/curves.csv" "$rn" || { cat "$rn"; fail "report_null.csv: counts that do not nest, no row, or a ratio or p that is not the report's"; }
# the calibrated interval (40 simulations, on a copy): levels in range,
# the same resamples as the table's interval (wider levels, a wider
# interval; narrower, narrower), held-out counts that nest
cp -r "$TMP/d$first" "$TMP/d40"
"$LMSTAB" report "$TMP/d40" --null-check 40 > "$TMP/printed_d40" 2> "$TMP/err" || { cat "$TMP/err"; fail "report --null-check 40 failed"; }
awk -F, 'NR == FNR { if ($2 == "default") { lo[$1] = $14; hi[$1] = $15 }; next }
    FNR > 1 && $15 != "nan" { m++
    if ($13 < 0 || $13 > 0.5 || $14 < 0.5 || $14 > 1 || $17 > $19 || $18 > $17 || $19 > $3 \
        || ($13 <= 0.025 && $15 > lo[$1] * (1 + 1e-5)) || ($13 >= 0.025 && $15 < lo[$1] * (1 - 1e-5)) \
        || ($14 >= 0.975 && $16 < hi[$1] * (1 - 1e-5)) || ($14 <= 0.975 && $16 > hi[$1] * (1 + 1e-5))) { print; bad = 1 } }
    END { exit bad || !m }' "$TMP/d40/curves.csv" "$TMP/d40/report_null.csv" || { cat "$TMP/d40/report_null.csv"; fail "report_null.csv: a calibrated interval that is not the table's resamples at its levels"; }
grep -q "^### Intervals calibrated for the test of 1" "$TMP/d40/report.md" || fail "no calibrated intervals in the report"
# the declared claim (protocol, stop 25): a higher (lower) LR only with the
# percentile (curves.csv) and the calibrated interval above (below) 1 and
# neither default-rule fit flagged; "no claim" exactly when one is
ref40=$(sed -n 's/.*"reference":[[:space:]]*"\([^"]*\)".*/\1/p' "$TMP/d40/sweep.json")
awk -F, -v ref="$ref40" 'NR == FNR { if ($2 == "default") { lo[$1] = $14; hi[$1] = $15; gp[$1] = $20 } next }
    FNR > 1 && !index($1, "/") { n++; d = $30; gsub(/"/, "", d)
        flagged = (gp[$1] != "nan" && gp[$1] < 0.05) || (gp[ref] != "nan" && gp[ref] < 0.05)
        if (flagged != (d == "no claim (a fit flagged)")) bad = 1
        if (d == "higher LR" && !(lo[$1] > 1 && $15 > 1)) bad = 1
        if (d == "lower LR" && !(hi[$1] < 1 && $16 < 1)) bad = 1
        if (!flagged && $15 != "nan" && lo[$1] > 1 && $15 > 1 && d != "higher LR") bad = 1
        if (!flagged && $16 != "nan" && hi[$1] < 1 && $16 < 1 && d != "lower LR") bad = 1 }
    END { exit bad || !n }' "$TMP/d40/curves.csv" "$TMP/d40/report_null.csv" \
    || { cat "$TMP/d40/curves.csv" "$TMP/d40/report_null.csv"; fail "report_null.csv: a declared claim that is not the protocol's"; }
# the reading states each row's declared claim ("v against ref: ..."; a
# pair b/a: "b against a: ...")
grep '^\*\*Reading' "$TMP/d40/report.md" > "$TMP/reading_d40"
awk -F, -v ref="$ref40" 'NR == FNR { r = r $0; next }
    FNR > 1 { d = $30; gsub(/"/, "", d); m++
        if (d == "-") d = "no claim (no calibrated interval"
        if (index($1, "/")) { split($1, ab, "/"); key = ab[1] " against " ab[2] ": " d }
        else key = $1 " against " ref ": " d
        if (!index(r, key)) { print "not in the reading: " key; bad = 1 } }
    END { exit bad || !m || !index(r, "Declared (protocol, section 3 with its stop 25 entry") }' \
    "$TMP/reading_d40" "$TMP/d40/report_null.csv" || { cat "$TMP/reading_d40"; fail "the report's reading does not state the declared claims"; }
# stop 26's caveat beside a claim exactly where the dependent simulations
# make it in more than 5% of those with an interval; the terminal prints
# the page's reading
want=$(awk -F, 'function pos(r) { return (r "") != "nan" && r > 0 }
    FNR > 1 { d = $30; gsub(/"/, "", d)
        if ((pos($20) || pos($21)) && $23 > 0 && $13 != "nan" \
            && ((d == "higher LR" && $28 / $23 > 0.05) || (d == "lower LR" && $29 / $23 > 0.05))) n++ }
    END { print n + 0 }' "$TMP/d40/report_null.csv")
got=$(grep -o "the null check makes this claim in" "$TMP/reading_d40" | wc -l)
[ "$want" -eq "$got" ] || fail "the report's reading has $got dependent-seeds caveats, report_null.csv calls for $want"
sed 's/^\*\*Reading\.\*\* //' "$TMP/reading_d40" | cmp -s - "$(head -1 "$TMP/printed_d40" > "$TMP/printed1" && echo "$TMP/printed1")" \
    || fail "report prints another reading than its page's"
# the same null with dependent seeds: each row's rho the variant's and the
# reference's of report_dependence.csv (nan: not estimated); simulated
# again (all 40) exactly when either is above 0; counts that nest (claims
# within the calibrated interval's side and the percentile's)
ref=$(sed -n 's/.*"reference":[[:space:]]*"\([^"]*\)".*/\1/p' "$TMP/d40/sweep.json")
[ -n "$ref" ] || fail "no reference in sweep.json"
awk -F, -v ref="$ref" 'function ok(r) { return (r "") == "nan" || (r >= 0 && r <= 1) }
    NR == FNR { if (FNR > 1) rho[$1] = $9; next }
    FNR > 1 { m++; dep = (($20 "") != "nan" && $20 > 0) || (($21 "") != "nan" && $21 > 0)
    if (($20 "") != (rho[$1] "") || ($21 "") != (rho[ref] "") || !ok($20) || !ok($21) \
        || $22 != (dep ? 40 : 0) || $23 > $22 || $24 > $23 || $25 > $24 \
        || $26 > $23 || $27 > $26 || $28 > $27 || $28 > $25 || $29 > $26 - $27) { print; bad = 1 } }
    END { exit bad || !m }' "$TMP/d40/report_dependence.csv" "$TMP/d40/report_null.csv" \
    || { cat "$TMP/d40/report_dependence.csv" "$TMP/d40/report_null.csv"; fail "report_null.csv: a dependent-seeds check with another rho, simulated when it should not be (or not when it should), or counts that do not nest"; }
grep -q "^### The same null with dependent seeds" "$TMP/d40/report.md" || fail "no dependent-seeds check in the report"
# the check of independence across a seed's LRs: a row per variant with a
# curve, inversions among the pairs, p = (1 + as_few) / (1 + sims)
rd="$TMP/d$first/report_dependence.csv"
[ "$(head -1 "$rd")" = "variant,runs,pairs,inversions,expected,sims,as_few,p,rho,rho_lo,rho_hi,rho_resamples,rho_undefined" ] || fail "report_dependence.csv header: $(head -1 "$rd")"
# (rho's seed-bootstrap interval, where there is one, holds rho within [0, 1])
awk -F, 'FNR > 1 { m++
    if ($4 > $3 || $5 < 0 || $5 > $3 || $6 != 4 || $7 > $6 || ($8 - (1 + $7) / (1 + $6)) ^ 2 > 1e-10) { print; bad = 1 }
    if ($12 != 400 || $13 < 0 || $13 > 1 || ($10 != "nan" && ($9 == "nan" || $10 < 0 || $10 > $9 + 1e-9 || $11 < $9 - 1e-9 || $11 > 1))) { print; bad = 1 } }
    END { exit bad || !m }' "$rd" || { cat "$rd"; fail "report_dependence.csv: counts that do not add up"; }
grep -q "^### Are a seed's runs independent across learning rates?" "$TMP/d$first/report.md" || fail "no independence check in the report"
grep -q "^## Null check of the ratios" "$TMP/d$first/report.md" && grep -q "<h2>Null check of the ratios</h2>" "$TMP/d$first/report.html" \
    || fail "no null check section in the report"
cp "$rn" "$TMP/rn1"
"$LMSTAB" report "$TMP/d$first" --null-check 4 > /dev/null 2>&1 || fail "second report --null-check failed"
cmp -s "$rn" "$TMP/rn1" || fail "report --null-check is not reproducible"
"$LMSTAB" report "$TMP/d$first" > /dev/null 2>&1 || fail "report after a null check failed"
[ ! -e "$rn" ] && [ ! -e "$rd" ] || fail "a stale report_null.csv or report_dependence.csv survived a report without --null-check"
grep -q "Null check" "$TMP/d$first/report.md" && fail "a report without --null-check has the section"
# shellcheck disable=SC2086
"$LMSTAB" compare $dirs --out "$TMP/null2" --null-check 4 > /dev/null 2>&1 || fail "second null check failed"
cmp -s "$nul" "$TMP/null2/compare_null.csv" || fail "the null check is not deterministic"
[ ! -e "$TMP/cmp/compare_null.csv" ] || fail "compare_null.csv without --null-check"
# shellcheck disable=SC2086
"$LMSTAB" compare $dirs --out "$TMP/null2" > /dev/null 2>&1 || fail "compare into a null-checked folder failed"
[ ! -e "$TMP/null2/compare_null.csv" ] || fail "a stale compare_null.csv survived a comparison without --null-check"
LMSTAB_RESULTS="$TMP/pub" sh "$SRC/scripts/publish_results.sh" "$TMP/null" null > /dev/null 2>&1 || fail "publishing the null-checked page failed"
expect_error "publish_results: --null-check is for a sweep's report" env LMSTAB_RESULTS="$TMP/pub" sh "$SRC/scripts/publish_results.sh" --null-check 2 "$TMP/null" null2
cmp -s "$nul" "$TMP/pub/null/compare_null.csv" || fail "the published page lacks compare_null.csv"
# a full disk (a file size limit: EFBIG, as ENOSPC) fails compare and
# report with the file named, and leaves every earlier file whole: each is
# replaced only when written in full, and no temporary is left behind
full_check() { # what dir: the files in dir equal those in $TMP/before
    ( cd "$TMP/before" && find . -type f ! -name '*.png' ! -name gnuplot.log ) | while read -r f; do
        cmp -s "$TMP/before/$f" "$2/$f" || { echo "$1: $f changed"; exit 1; }
    done || fail "$1 on a full disk changed a file"
    [ -z "$(find "$2" -name '*.tmp.*')" ] || fail "$1 on a full disk left a temporary: $(find "$2" -name '*.tmp.*')"
}
cp -r "$TMP/cmp" "$TMP/full" && cp -r "$TMP/cmp" "$TMP/before"
# shellcheck disable=SC2086
( trap '' XFSZ; ulimit -f 2; exec "$LMSTAB" compare $dirs --out "$TMP/full" ) > /dev/null 2> "$TMP/err" \
    && fail "compare on a full disk succeeded"
grep -q "^lmstab: error: $TMP/full/[a-z_/]*\.[a-z]*: cannot write: File too large$" "$TMP/err" || { cat "$TMP/err"; fail "compare on a full disk: no error naming the file"; }
full_check compare "$TMP/full"
rm -rf "$TMP/before" && cp -r "$TMP/d16" "$TMP/before" && cp -r "$TMP/d16" "$TMP/rfull"
"$LMSTAB" report "$TMP/rfull" > /dev/null 2>&1 && "$LMSTAB" report "$TMP/before" > /dev/null 2>&1 || fail "report failed"
# the report names the code that made its runs (summary.json's lmstab_source)
src=$("$LMSTAB" --version | sed -n 's/.*(source \([^,]*\),.*/\1/p')
n=$(find "$TMP/before" -name summary.json | wc -l)
grep -qF -- "- **Code:** lmstab source \`$src\` ($n runs)." "$TMP/before/report.md" || { grep Code "$TMP/before/report.md"; fail "the report does not name its runs' source"; }
( trap '' XFSZ; ulimit -f 2; exec "$LMSTAB" report "$TMP/rfull" ) > /dev/null 2> "$TMP/err" \
    && fail "report on a full disk succeeded"
grep -q "cannot write: File too large$" "$TMP/err" || { cat "$TMP/err"; fail "report on a full disk: no error naming the file"; }
full_check report "$TMP/rfull"
# bad input
set -- $dirs
"$LMSTAB" compare "$1" --out "$TMP/c1" > /dev/null 2> "$TMP/err" && fail "one directory accepted"
grep -q "needs at least two sweep directories" "$TMP/err" || fail "one directory: $(cat "$TMP/err")"
"$LMSTAB" compare "$1" "$2" > /dev/null 2> "$TMP/err" && fail "no --out accepted"
grep -q -- "--out DIR is required" "$TMP/err" || fail "no --out: $(cat "$TMP/err")"
expect_error "$2: --out names a sweep directory; a comparison goes to a directory of its own" "$LMSTAB" compare "$1" "$2" --out "$2"
# sweeps with no variant in common say so (not "yet")
mkdir -p "$TMP/renamed" && cp -r "$1" "$TMP/renamed/r16" && mv "$TMP/renamed/r16/baseline" "$TMP/renamed/r16/b2" \
    && mv "$TMP/renamed/r16/qk_norm" "$TMP/renamed/r16/q2" && sed -i 's/"baseline"/"b2"/g; s/"qk_norm"/"q2"/g' "$TMP/renamed/r16/sweep.json"
"$LMSTAB" compare "$1" "$TMP/renamed/r16" --out "$TMP/c5" 2> /dev/null | head -1 \
    | grep -q "^No variant of d16 is one of r16 (variants are matched by name): nothing to compare.$" || fail "no shared variant: not said"
mkdir -p "$TMP/empty"
expect_error "$TMP/empty: not a sweep directory (no sweep.json)" "$LMSTAB" compare "$1" "$TMP/empty" --out "$TMP/c2"
mkdir -p "$TMP/other" && cp -r "$1" "$TMP/other/"
expect_error "a second sweep named 'd16'" "$LMSTAB" compare "$1" "$TMP/other/d16" --out "$TMP/c3"
# a name that would break compare.csv or the tables' cells
cp -r "$TMP/other/d16" "$TMP/other/d16,b"
expect_error "other/d16,b: the sweep's name (its directory's last component, which names it in compare.csv and the tables) holds ',', which they cannot: rename the directory" "$LMSTAB" compare "$1" "$TMP/other/d16,b" --out "$TMP/c4"
sed -i 's/"model.d_model=16"/17/' "$TMP/other/d16/sweep.json"
expect_error "$TMP/other/d16/sweep.json: malformed sweep.json (overrides" "$LMSTAB" compare "$TMP/other/d16" "$2" --out "$TMP/c4"
echo "ok"
