# scripts/background_sweep.sh: a sweep started in the background runs to its
# end, detached, logging to RUNS/NAME.log; a long one is listed by status
# and stopped by stop (SIGINT: its run in progress checkpoints), and start
# continues it; a sweep file that does not exist is refused.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
mkdir -p "$TMP/sw"
for n in tiny long; do
    steps=6; [ $n = long ] && steps=100000
    cat > "$TMP/sw/$n.ini" <<EOT
[sweep]
variants = qk_norm
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.01
seeds = 1
jobs = 1
data = $TMP/corpus.txt
out = $TMP/runs/$n

[overrides]
$TINY_OVERRIDES
training.max_steps = $steps
training.warmup_steps = 2
training.eval_every = 0
EOT
done
export LMSTAB SWEEPS="$TMP/sw" RUNS="$TMP/runs"
bg() { sh "$SRC/scripts/background_sweep.sh" "$@"; }
bg start tiny -- --plugin-dir "$PLUGINS" > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "start failed"; }
# (a sweep this short may be over before start sees it: then it says so)
grep -q -e "^tiny: started (pid [0-9]*), log $TMP/runs/tiny.log$" -e "^tiny: ended at once; its log ($TMP/runs/tiny.log) ends:$" "$TMP/out" \
    || { cat "$TMP/out"; fail "start does not say what it started"; }
i=0; while [ ! -s "$TMP/runs/tiny/results.csv" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/runs/tiny/qk_norm/lr_0.01/seed_1/summary.json" ] || { cat "$TMP/runs/tiny.log"; fail "the background sweep did not finish its run"; }
grep -q "^\[1/1\] qk_norm" "$TMP/runs/tiny.log" || { cat "$TMP/runs/tiny.log"; fail "no progress in the log"; }
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "start long failed"
r="$TMP/runs/long/qk_norm/lr_0.01/seed_1"
i=0; while [ "$(wc -l < "$r/metrics.csv" 2>/dev/null || echo 0)" -lt 5 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg status > "$TMP/st" 2>&1
grep -q "^long (pid [0-9]*): " "$TMP/st" || { cat "$TMP/st"; fail "status does not list the running sweep"; }
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2> "$TMP/err"
grep -q "long is already running" "$TMP/err" || fail "a second start of a running sweep was not refused"
bg stop long > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "stop failed"; }
[ -z "$(bg status)" ] || fail "the sweep still runs after stop"
grep -q "stopped by SIGINT" "$TMP/runs/long.log" || { cat "$TMP/runs/long.log"; fail "the sweep was not stopped by SIGINT"; }
[ -e "$r/checkpoint.safetensors" ] && [ ! -e "$r/summary.json" ] || fail "the stopped run left no checkpoint"
# a stop right after a start is not lost (the sweep starts with SIGINT
# ignored, as a background job; start returns once it catches it), and
# stops it before its run starts or while it runs
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "restart failed"
bg stop > /dev/null 2>&1
[ -z "$(bg status)" ] || fail "a stop right after a start was lost"
[ "$(grep -c "stopped by SIGINT" "$TMP/runs/long.log")" -eq 2 ] || { cat "$TMP/runs/long.log"; fail "the second stop is not in the log"; }
# and start continues the stopped run from its checkpoint
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "restart failed"
n0=$(wc -l < "$r/metrics.csv")
i=0; while [ "$(wc -l < "$r/metrics.csv")" -le "$n0" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg stop > /dev/null 2>&1
grep -q "^lmstab: steps [1-9][0-9]* to 100000," "$r/train.log" && grep -q "stopped by SIGINT after step" "$r/train.log" \
    || { cat "$r/train.log"; fail "start did not continue the stopped run from its checkpoint"; }
# a sweep that copies another's runs ([sweep] reuse): start restores the
# other's published runs first when they are absent, and they are copied
mkdir -p "$TMP/results/tiny"
tar -C "$TMP/runs/tiny" -cJf "$TMP/results/tiny/runs.tar.xz" qk_norm
cp "$TMP/runs/tiny/sweep.json" "$TMP/results/tiny/"
rm -rf "$TMP/runs/tiny"
sed -e "s|^out = .*|out = $TMP/runs/more|" -e "s|^seeds = 1$|seeds = 1\nreuse = $TMP/runs/tiny|" "$TMP/sw/tiny.ini" > "$TMP/sw/more.ini"
LMSTAB_RESULTS="$TMP/results" bg start more -- --plugin-dir "$PLUGINS" > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "start more failed"; }
i=0; while [ ! -s "$TMP/runs/more/results.csv" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/runs/tiny/qk_norm/lr_0.01/seed_1/summary.json" ] || { cat "$TMP/out"; fail "start did not restore the runs the sweep reuses"; }
grep -q "reused from tiny/qk_norm/lr_0.01/seed_1" "$TMP/runs/more.log" || { cat "$TMP/runs/more.log"; fail "the restored run was not reused"; }
# (named without the absolute path of the directory it came from)
grep -q '"reused_from":[[:space:]]*"tiny/qk_norm/lr_0.01/seed_1"' "$TMP/runs/more/qk_norm/lr_0.01/seed_1/summary.json" \
    || fail "reused_from is not the run's path in the sweep it came from: $(grep reused_from "$TMP/runs/more/qk_norm/lr_0.01/seed_1/summary.json")"
bg start nope > /dev/null 2> "$TMP/err" && fail "a missing sweep file was accepted"
grep -q "nope.ini not found" "$TMP/err" || fail "the refusal does not name the file"
exit 0
