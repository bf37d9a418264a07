# The failure-curve design: after the grid has run on the first seed, each
# variant gets a band of edge_points LRs (ratio edge_ratio) around its edge,
# recorded in edges.json, and edge_seeds seeds on each; the band never moves
# on resume; aggregation includes the band's runs; seed ranges parse.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.9
lr_ratio = 9.48683
seeds = 1-3
edge_points = 3
edge_ratio = 2
edge_seeds = 2
jobs = 2
out = $TMP/out

[overrides]
$TINY_OVERRIDES
training.max_steps = 12
training.warmup_steps = 2
training.eval_every = 6
training.eval_batches = 2
training.log_every = 1
EOT
"$LMSTAB" sweep "$TMP/s.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > "$TMP/table1" 2> "$TMP/log1" || { cat "$TMP/log1"; fail "sweep failed"; }
[ -s "$TMP/out/edges.json" ] || fail "no edges.json"
# progress: before the band is known the count is a lower bound (3 grid
# runs, and 3 band LRs on the second seed at least); the last line is exact
grep -q "^sweep: at least 6 runs to do" "$TMP/log1" || { cat "$TMP/log1"; fail "no lower bound of the runs to do"; }
k=$(grep -c '^\[' "$TMP/log1")
grep -q "^\[1/at least [0-9]*\] baseline .* elapsed [0-9]*s, ETA at least " "$TMP/log1" || { cat "$TMP/log1"; fail "no lower bound while the band was unknown"; }
tail -1 "$TMP/log1" | grep -q "^\[$k/$k\] baseline .* ETA 0s$" || { cat "$TMP/log1"; fail "the last run's line is not [k/k]"; }
grep -q '"edge_points":[[:space:]]*3' "$TMP/out/sweep.json" || fail "sweep.json lacks the edge design"
# the band: at least 3 LRs, each run on seeds 1 and 2, never on seed 3
band=$(tr -d ' \n\t' < "$TMP/out/edges.json" | sed 's/.*"baseline":\[\([^]]*\)\].*/\1/' | tr ',' ' ')
n=0
for lr in $band; do
    n=$((n + 1))
    d=$(printf '%.4g' "$lr")
    for s in 1 2; do [ -s "$TMP/out/baseline/lr_$d/seed_$s/summary.json" ] || fail "band LR $d seed $s not run"; done
    [ ! -e "$TMP/out/baseline/lr_$d/seed_3" ] || fail "band LR $d ran seed 3 (edge_seeds = 2)"
done
[ "$n" -ge 3 ] || fail "band of $n LRs, expected >= 3: $(cat "$TMP/out/edges.json")"
runs=$(($(wc -l < "$TMP/out/results.csv") - 1))
found=$(find "$TMP/out" -name summary.json | wc -l)
[ "$runs" -eq "$found" ] || fail "results.csv has $runs runs, the directory $found"
# the runs' own verdict rows are in the results under every rule: each
# row's strict, default and lenient verdicts are its summary.json's
rows=0
while IFS=, read -r v lr seed verdict strict default lenient rest; do
    [ "$v" = variant ] && continue
    rows=$((rows + 1))
    sum="$TMP/out/$v/lr_$(printf '%.4g' "$lr")/seed_$seed/summary.json"
    [ -s "$sum" ] || fail "no summary.json for $v lr $lr seed $seed"
    tr -d ' \t\n' < "$sum" | grep -q "\"verdicts\":{\"strict\":\"$strict\",\"default\":\"$default\",\"lenient\":\"$lenient\"}" \
        || { cat "$sum"; fail "$v lr $lr seed $seed: results.csv's verdicts $strict/$default/$lenient are not its summary.json's"; }
    case "$strict$default$lenient" in *[!a-z]*) fail "a verdict that is not a word: $strict $default $lenient" ;; esac
done < "$TMP/out/results.csv"
[ "$rows" -eq "$runs" ] || fail "checked $rows rows of $runs"
# resume: nothing reruns and the band stays
cp "$TMP/out/edges.json" "$TMP/edges1"
"$LMSTAB" sweep "$TMP/s.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2> "$TMP/log2" || fail "resume failed"
grep -q '^\[' "$TMP/log2" && { cat "$TMP/log2"; fail "resumed sweep re-ran runs"; }
cmp -s "$TMP/edges1" "$TMP/out/edges.json" || fail "the band moved on resume"
# a comparison says it is provisional while a sweep's bands lack seeds
cp -r "$TMP/out" "$TMP/short"
rm -rf "$(dirname "$(find "$TMP/short/baseline" -path '*seed_2/summary.json' | sort | head -1)")"
"$LMSTAB" compare "$TMP/out" "$TMP/short" --out "$TMP/cmp" > "$TMP/cmpout" 2>&1 || { cat "$TMP/cmpout"; fail "compare failed"; }
grep -q "Provisional: short's edge bands have 1 to 2 of their 2 seeds so far" "$TMP/cmpout" || { cat "$TMP/cmpout"; fail "the comparison does not say it is provisional"; }
grep -q "Provisional: out's" "$TMP/cmpout" && fail "a complete sweep was called provisional"
# a damaged edges.json is named, never silently replaced
cp "$TMP/out/edges.json" "$TMP/edges.keep"
echo '{"edge_seeds": 2}' > "$TMP/out/edges.json"
expect_error "$TMP/out/edges.json: malformed (no \"bands\" object)" "$LMSTAB" sweep "$TMP/s.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt"
cp "$TMP/edges.keep" "$TMP/out/edges.json"
# bad seed lists
sed 's/^seeds = 1-3/seeds = 3-1/' "$TMP/s.ini" > "$TMP/bad.ini"
expect_error "a seed range is a-b" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS"
sed 's/^seeds = 1-3/seeds = 1, 3000000000/' "$TMP/s.ini" > "$TMP/bad.ini"
expect_error "seeds must be integers from 0 to 2147483647 or ranges a-b (got '3000000000')" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS"
sed 's/^seeds = 1-3/seeds = 1-3, 2/' "$TMP/s.ini" > "$TMP/bad.ini"
expect_error "seed 2 is listed twice" "$LMSTAB" sweep "$TMP/bad.ini" --plugin-dir "$PLUGINS"
# --jobs is checked; jobs = 0 means one run per CPU of the affinity mask
expect_error "lmstab sweep: --jobs: must be an integer >= 1 and <= 1024 (got '2x')" "$LMSTAB" sweep "$TMP/s.ini" --jobs 2x --plugin-dir "$PLUGINS"
if command -v taskset >/dev/null; then
    sed 's/^jobs = 2/jobs = 0/' "$TMP/s.ini" > "$TMP/j0.ini"
    taskset -c 0 "$LMSTAB" sweep "$TMP/j0.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" 2>&1 >/dev/null |
        grep -q "1 at a time" || fail "jobs = 0 under taskset -c 0 is not 1"
fi
# a band LR that names the same run directory as a grid LR (4 significant
# digits: 0.2278 and the grid's 0.03 x 1.5^5 = 0.2278125) is that LR: one
# run, counted once (it was counted under both LRs)
mkdir -p "$TMP/dup"
cat > "$TMP/dup/edges.json" <<EOT
{"bands": {"baseline": [0.2278, 0.3]}, "edge_seeds": 2}
EOT
sed -e 's/^lr_min = 0.01/lr_min = 0.03/' -e 's/^lr_max = 0.9/lr_max = 0.23/' -e 's/^lr_ratio = 9.48683/lr_ratio = 1.5/' \
    -e "s|^out = .*|out = $TMP/dup|" -e 's/^seeds = 1-3/seeds = 1-2/' "$TMP/s.ini" > "$TMP/dup.ini"
"$LMSTAB" sweep "$TMP/dup.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2>&1 || fail "sweep with a band on a grid LR failed"
rows=$(tail -n +2 "$TMP/dup/results.csv" | wc -l)
dirs=$(find "$TMP/dup/baseline" -name summary.json | wc -l)
[ "$rows" -eq "$dirs" ] || fail "results.csv has $rows rows for $dirs runs"
[ "$(grep -c '^baseline,0.2278' "$TMP/dup/results.csv")" -eq 2 ] || { cat "$TMP/dup/results.csv"; fail "the shared LR is not one LR with 2 seeds"; }
echo "ok"
