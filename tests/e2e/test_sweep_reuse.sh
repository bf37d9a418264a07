# [sweep] reuse and lr_anchor: a sweep whose grid extends another's (one
# anchor and ratio, so the shared LRs are the same numbers) copies the
# other's identical finished runs instead of training them, and trains only
# the rest; an [overrides] line restating a config value changes nothing.
# A run is not reused when its configuration, data or matrix-product kernel
# differs (a note names the first difference), nor from a directory that is
# missing; a sweep cannot reuse its own directory.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
head -c 150000 "$TMP/corpus.txt" > "$TMP/other.txt"
# sweep_ini OUT LR_MIN EXTRA: a tiny sweep of two variants, two seeds on a
# grid of ratio 3 anchored at 0.03, up to 0.3
sweep_ini() {
    cat <<EOT
[sweep]
variants = baseline, qk_norm
reference = qk_norm
configs_dir = $SRC/configs
lr_min = $2
lr_anchor = 0.03
lr_max = 0.3
lr_ratio = 3
seeds = 1-2
grid_seeds = 2
jobs = 2
out = $1
$3

[overrides]
$TINY_OVERRIDES
training.max_steps = 24
training.warmup_steps = 4
training.eval_every = 12
training.eval_batches = 2
training.log_every = 4
EOT
}
sweep() { # INI DATA: the sweep, its progress in $TMP/log
    "$LMSTAB" sweep "$1" --plugin-dir "$PLUGINS" --data "$2" > /dev/null 2> "$TMP/log" || { cat "$TMP/log"; fail "sweep $1 failed"; }
}
cd "$TMP"
sweep_ini a 0.03 "" > a.ini
sweep a.ini corpus.txt
[ "$(grep -c '^\[' "$TMP/log")" -eq 12 ] || { cat "$TMP/log"; fail "sweep a: expected 12 runs"; }
grep -q 'reused' "$TMP/log" && fail "sweep a reused a run with nothing to reuse"

# b: the grid one step lower (0.01 = 0.03 / 3), a restated config value
{ sweep_ini b 0.01 "reuse = a, missing"; echo "training.grad_clip = 1.0"; } > b.ini
grep -q '^grad_clip = 1.0' "$SRC/configs/baseline.ini" || fail "the test assumes baseline.ini's grad_clip = 1.0"
sweep b.ini corpus.txt
[ "$(grep -c 'reused from a/' "$TMP/log")" -eq 12 ] || { cat "$TMP/log"; fail "sweep b: expected a's 12 runs reused"; }
[ "$(grep -c '^\[.*( *[0-9]* s)' "$TMP/log")" -eq 4 ] || { cat "$TMP/log"; fail "sweep b: expected 4 runs trained (LR 0.01)"; }
grep -q "note: \[sweep\] reuse: missing does not exist (yet)" "$TMP/log" || { cat "$TMP/log"; fail "no note on the missing directory"; }
n=0
for d in a/*/lr_*/seed_*; do
    rel=${d#a/}
    cmp -s "a/$rel/metrics.csv" "b/$rel/metrics.csv" || fail "b/$rel/metrics.csv is not a's"
    [ "$(grep -v reused_from "b/$rel/summary.json" | tr -d ',\n')" = "$(tr -d ',\n' < "a/$rel/summary.json")" ] || fail "b/$rel/summary.json differs from a's beyond reused_from"
    grep -q "\"reused_from\":[[:space:]]*\"a/$rel\"" "b/$rel/summary.json" || fail "b/$rel/summary.json does not name its source"
    n=$((n + 1))
done
[ "$n" -eq 12 ] || fail "a has $n runs"
for d in b/*/lr_0.01/seed_*; do
    grep -q reused_from "$d/summary.json" && fail "$d was copied, yet a has no such run"
done
grep -q '"reuse":' b/sweep.json || fail "b's manifest does not name what it reuses"
"$LMSTAB" report b > /dev/null 2> "$TMP/rlog" || { cat "$TMP/rlog"; fail "report b failed"; }
grep -q 'Compute:\*\* 16 runs finished.*; 12 of the runs, [0-9.]* of the core-hours, were another sweep.s identical runs' b/report.md || { grep Compute b/report.md; fail "b's report does not count the reused runs"; }
# the runs b reused are a's bit for bit: so are their rows of the tables
for lr in 0.03 0.09 0.27; do
    rows=$(grep ",$lr," a/results.csv | cut -d, -f1-8)
    [ -n "$rows" ] && [ "$rows" = "$(grep ",$lr," b/results.csv | cut -d, -f1-8)" ] || fail "results.csv rows at $lr differ, or there are none"
done

# c: another max_steps: nothing reused, the difference named
{ sweep_ini c 0.03 "reuse = a" | sed 's/^training.max_steps = 24/training.max_steps = 25/'; } > c.ini
sweep c.ini corpus.txt
grep -q reused "$TMP/log" && fail "sweep c reused a run of another max_steps"
grep -q "note: a/baseline/lr_0.03/seed_1 is not the run baseline needs (training.max_steps=25 here, training.max_steps=24 there)" "$TMP/log" || { cat "$TMP/log"; fail "sweep c: no note naming the difference"; }

# d: other data
sweep_ini d 0.03 "reuse = a" > d.ini
sweep d.ini other.txt
grep -q reused "$TMP/log" && fail "sweep d reused a run on other data"
grep -q "is not the run baseline needs (its training data differs (SHA-256))" "$TMP/log" || { cat "$TMP/log"; fail "sweep d: no note on the data"; }

# e: a's runs as if made on another kernel set
cp -r a a2
for f in a2/*/lr_*/seed_*/summary.json; do
    sed 's/"gemm_kernel":[[:space:]]*"[^"]*"/"gemm_kernel": "Bogus"/' "$f" > "$f.t" && mv "$f.t" "$f"
done
sweep_ini e 0.03 "reuse = a2" > e.ini
sweep e.ini corpus.txt
grep -q reused "$TMP/log" && fail "sweep e reused a run of another kernel set"
grep -q "is not the run baseline needs (it used [a-z0-9]* on kernel set Bogus, and a run here would use" "$TMP/log" || { cat "$TMP/log"; fail "sweep e: no note on the kernel"; }

# a relabelled sweep's runs: their verdicts are under other [verdict] keys
"$LMSTAB" relabel a --set verdict.spike_after=0 --out rel > /dev/null 2>&1 || fail "relabel failed"
sweep_ini g 0.03 "reuse = rel" > g.ini
sweep g.ini corpus.txt
grep -q reused "$TMP/log" && fail "sweep g reused a relabelled run"
grep -q "is not the run baseline needs (it is a relabelled run" "$TMP/log" || { cat "$TMP/log"; fail "sweep g: no note on the relabelled run"; }

# SIGINT while runs are copied (here: right after the 6th rename: the
# manifest, the 4 files of the first run, the first of the second): the
# sweep stops as stopped (130), not as finished, and the same command
# copies the rest
shim="$(dirname "$JSON_LINES")/signal_on_rename.so"
[ -f "$shim" ] || fail "no $shim (tests/tools.cmake builds it)"
sweep_ini h 0.03 "reuse = a" > h.ini
LD_PRELOAD="$shim" SIGNAL_ON_RENAME_AFTER=6 ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
    "$LMSTAB" sweep h.ini --plugin-dir "$PLUGINS" --data corpus.txt > /dev/null 2> "$TMP/log"
rc=$?
[ $rc -eq 130 ] || { cat "$TMP/log"; fail "a SIGINT while runs were copied: exit $rc, expected 130"; }
grep -q "stopped by SIGINT" "$TMP/log" || { cat "$TMP/log"; fail "no stop message"; }
[ "$(grep -c 'reused from' "$TMP/log")" -eq 2 ] || { cat "$TMP/log"; fail "expected 2 runs copied before the stop"; }
[ ! -e h/results.csv ] || fail "a stopped sweep wrote its tables as if complete"
sweep h.ini corpus.txt
[ "$(grep -c 'reused from' "$TMP/log")" -eq 10 ] || { cat "$TMP/log"; fail "the same command did not copy the other 10"; }

# its own directory
sweep_ini f 0.03 "reuse = f/" > f.ini
expect_error "f.ini:13: [sweep] reuse: 'f' is this sweep's own output directory" "$LMSTAB" sweep f.ini --plugin-dir "$PLUGINS" --data corpus.txt
echo "ok"
