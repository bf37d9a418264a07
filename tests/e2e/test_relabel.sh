# lmstab relabel: a sweep's runs under other [verdict] keys, as a new sweep
# directory. Every relabelled verdict is what `lmstab verdict` recomputes
# from the run's metrics.csv with the changed keys; the runs are not
# touched; links and the manifest hold relative paths only; the report and
# the tables read it as a sweep; bad requests are refused clearly.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline, qk_norm
reference = qk_norm
configs_dir = $SRC/configs
lr_min = 0.03
lr_max = 3
lr_ratio = 10
seeds = 1-2
grid_seeds = 2
jobs = 2
out = $TMP/src

[overrides]
$TINY_OVERRIDES
training.max_steps = 24
training.warmup_steps = 8
training.eval_every = 12
training.eval_batches = 2
training.log_every = 1
; tiny runs end near the byte frequencies: the default rule's collapse line
; is moved above them, so that its labels turn on spikes
verdict.default_margin = -0.5
EOT
"$LMSTAB" sweep "$TMP/s.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2> "$TMP/log" || { cat "$TMP/log"; fail "sweep failed"; }
before=$(find "$TMP/src" -type f -exec sha256sum {} + | sort)
# spikes counted from step 0, and a default spike of 0.05 nats: labels move
"$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --set verdict.default_spike=0.05 --out "$TMP/rl" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err"; fail "relabel failed"; }
grep -q "relabelled" "$TMP/out" || fail "no line said what was written"
[ "$before" = "$(find "$TMP/src" -type f -exec sha256sum {} + | sort)" ] || fail "the source sweep changed"
n_src=$(find "$TMP/src" -name summary.json | wc -l)
n_rl=$(find "$TMP/rl" -name summary.json | wc -l)
[ "$n_src" -eq 12 ] && [ "$n_rl" -eq 12 ] || fail "runs: $n_src in the sweep, $n_rl relabelled (want 3 LRs x 2 variants x 2 seeds)"
# each relabelled summary agrees with the verdict recomputed from metrics.csv
for s in $(find "$TMP/rl" -name summary.json); do
    d=$(dirname "$s")
    "$LMSTAB" verdict "$d" > "$TMP/v" || { cat "$TMP/v"; fail "$d: relabelled verdicts do not recompute"; }
done
# the new keys are in force: default_spike 0.05 labels runs spiked that the
# declared rule (1 nat) did not, and no relabelled run is more lenient
moved=0
while IFS=, read -r v lr seed verdict strict def rest; do
    [ "$v" = variant ] && continue
    old=$(awk -F, -v v="$v" -v lr="$lr" -v s="$seed" '$1 == v && $2 == lr && $3 == s { print $6 }' "$TMP/src/results.csv")
    [ -n "$old" ] || fail "$v $lr $seed missing from the source's results.csv"
    [ "$old" != "$def" ] && moved=$((moved + 1))
    [ "$old" != converged ] && [ "$def" = converged ] && fail "$v $lr $seed: failed under the declared rule, converged under a stricter one"
done < "$TMP/rl/results.csv"
[ "$moved" -ge 1 ] || fail "no default-rule label moved under a 0.05-nat spike threshold"
grep -q '"relabel"' "$TMP/rl/sweep.json" || fail "sweep.json does not record the relabel"
grep -q '"relabelled_from":[[:space:]]*"\.\./src"' "$TMP/rl/sweep.json" || fail "sweep.json does not name its source relatively"
# nothing written holds an absolute path
for l in $(find "$TMP/rl" -type l); do
    case "$(readlink "$l")" in /*) fail "$l links to an absolute path";; esac
done
grep -rq "$TMP" "$TMP/rl" --include='*.json' --include='*.csv' --include='*.md' && fail "an absolute path was written"
"$LMSTAB" report "$TMP/rl" > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "report of the relabelled sweep failed"; }
sed -n 3p "$TMP/rl/report.md" | grep -q '^\*\*Relabelled\*\* (`lmstab relabel`) with `verdict.spike_after=0` `verdict.default_spike=0.05`: ' || { head -5 "$TMP/rl/report.md"; fail "the report does not open by saying it is relabelled"; }
# a comparison names the relabelled sweep by its keys, on matched seeds
"$LMSTAB" compare "$TMP/src" "$TMP/rl" --out "$TMP/cmp" > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; fail "compare of a sweep and its relabelling failed"; }
grep -q '^| rl | `verdict.spike_after=0`, `verdict.default_spike=0.05` |' "$TMP/cmp/compare.md" || { grep '^| rl' "$TMP/cmp/compare.md"; fail "compare does not name the relabelled sweep by its keys"; }
# bad requests
expect_error "only [verdict] keys can change after the runs" "$LMSTAB" relabel "$TMP/src" --set training.lr=1 --out "$TMP/x1"
expect_error "exists" "$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --out "$TMP/rl"
expect_error "nosuch" "$LMSTAB" relabel "$TMP/src" --set verdict.nosuch=1 --out "$TMP/x2"
expect_error "--set verdict.spike_after: given twice (verdict.spike_after=0, verdict.spike_after=5)" \
    "$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --set verdict.spike_after=5 --out "$TMP/x2"
expect_error "not a sweep directory" "$LMSTAB" relabel "$TMP" --set verdict.spike_after=0 --out "$TMP/x3"
expect_error "$TMP/src/sub: inside the sweep it relabels" "$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --out "$TMP/src/sub"
if "$LMSTAB" relabel "$TMP/src" --out "$TMP/x4" > /dev/null 2>&1; then fail "relabel without --set succeeded"; fi
[ ! -e "$TMP/x1" ] && [ ! -e "$TMP/x2" ] && [ ! -e "$TMP/x3" ] || fail "a refused relabel left a directory"
# a run that cannot be relabelled (a damaged metrics.csv) fails the whole
# relabel, names the file, and leaves nothing behind
cp -r "$TMP/src" "$TMP/bad"
m=$(find "$TMP/bad" -name metrics.csv | sort | head -1)
printf 'step,lr,train_loss\n1,0.1,not-a-number\n' > "$m"
if "$LMSTAB" relabel "$TMP/bad" --set verdict.spike_after=0 --out "$TMP/x5" > /dev/null 2> "$TMP/err"; then fail "relabel of a damaged run succeeded"; fi
grep -qF "$m" "$TMP/err" || { cat "$TMP/err"; fail "the error does not name the damaged metrics.csv"; }
[ -z "$(find "$TMP" -maxdepth 1 -name 'x5*')" ] || fail "a failed relabel left $(find "$TMP" -maxdepth 1 -name 'x5*')"
# a full disk: the error names the directory asked for (not the one being
# built beside it), and nothing is left
( trap '' XFSZ; ulimit -f 1; exec "$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --out "$TMP/x6" ) > /dev/null 2> "$TMP/err" \
    && fail "relabel on a full disk succeeded"
grep -q "^lmstab: error: $TMP/x6/[a-z_./0-9]*: cannot write: File too large$" "$TMP/err" || { cat "$TMP/err"; fail "relabel on a full disk: no error naming the file under --out"; }
[ -z "$(find "$TMP" -maxdepth 1 -name 'x6*')" ] || fail "relabel on a full disk left $(find "$TMP" -maxdepth 1 -name 'x6*')"
# what a killed relabel left beside its --out (its pid gone) is removed
mkdir -p "$TMP/x7.partial-2147483646/baseline"
"$LMSTAB" relabel "$TMP/src" --set verdict.spike_after=0 --out "$TMP/x7" > /dev/null 2>&1 || fail "relabel beside a stale partial failed"
[ ! -e "$TMP/x7.partial-2147483646" ] || fail "a killed relabel's partial directory was left"
echo "ok"
