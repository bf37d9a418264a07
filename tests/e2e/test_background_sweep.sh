# scripts/background_sweep.sh: a sweep started in the background runs to its
# end, detached, logging to RUNS/NAME.log; a long one is listed by status
# and stopped by stop (SIGINT: its run in progress checkpoints), and start
# continues it; a sweep file that does not exist is refused. A queue runs
# its sweeps one after another; stop ends it, leaving the rest unstarted.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
mkdir -p "$TMP/sw"
for n in tiny long q1 q2; do
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
idle() { [ "$(bg status)" = "no sweep running" ]; } # (and no killed queue)
bg start tiny -- --plugin-dir "$PLUGINS" > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "start failed"; }
# (a sweep this short may be over before start sees it: then it says so)
grep -q -e "^tiny: started (pid [0-9]*), log $TMP/runs/tiny.log$" -e "^tiny: ended at once; its log ($TMP/runs/tiny.log) ends:$" "$TMP/out" \
    || { cat "$TMP/out"; fail "start does not say what it started"; }
i=0; while [ ! -s "$TMP/runs/tiny/results.csv" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/runs/tiny/qk_norm/lr_0.01/seed_1/summary.json" ] || { cat "$TMP/runs/tiny.log"; fail "the background sweep did not finish its run"; }
grep -q "^\[1/1\] qk_norm" "$TMP/runs/tiny.log" || { cat "$TMP/runs/tiny.log"; fail "no progress in the log"; }
group() { sed -n 's/.* nice \(-*[0-9]*\)$/\1/p' "/proc/$1/autogroup" 2>/dev/null; }
mine=$(group $$)
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "start long failed"
r="$TMP/runs/long/qk_norm/lr_0.01/seed_1"
i=0; while [ "$(wc -l < "$r/metrics.csv" 2>/dev/null || echo 0)" -lt 5 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg status > "$TMP/st" 2>&1
grep -q "^long (pid [0-9]*): 0 runs finished; " "$TMP/st" || { cat "$TMP/st"; fail "status does not list the running sweep"; }
# its session's scheduling group is at nice 19, and the caller's is as it was
if [ -n "$mine" ] && [ -w /proc/self/autogroup ]; then
    p=$(sed -n 's/^long (pid \([0-9]*\)).*/\1/p' "$TMP/st")
    [ "$(group "$p")" = 19 ] || fail "the sweep's scheduling group is at nice $(group "$p"), not 19"
    [ "$(group $$)" = "$mine" ] || fail "start moved the caller's scheduling group from nice $mine to $(group $$)"
fi
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2> "$TMP/err"
grep -q "long is already running" "$TMP/err" || fail "a second start of a running sweep was not refused"
# two stops at once send one SIGINT (a second would abort the runs
# without checkpoints)
bg stop long > "$TMP/out" 2>&1 & bg stop long > "$TMP/out2" 2>&1 || { cat "$TMP/out2"; fail "stop failed"; }
wait $! || { cat "$TMP/out"; fail "stop failed"; }
idle || fail "the sweep still runs after stop"
cat "$TMP/out" "$TMP/out2" | sort | tr '\n' ' ' > "$TMP/counts"
[ "$(cat "$TMP/counts")" = "stopped: 0 sweeps stopped: 1 sweeps " ] || fail "two stops at once: $(cat "$TMP/counts")"
! grep -q "aborted by a second" "$TMP/runs/long.log" || fail "two stops at once sent two SIGINTs"
[ -z "$(ls -A "$TMP/runs" | grep '^\.sigint\.')" ] || fail "stop left its SIGINT records behind"
grep -q "stopped by SIGINT" "$TMP/runs/long.log" || { cat "$TMP/runs/long.log"; fail "the sweep was not stopped by SIGINT"; }
[ -e "$r/checkpoint.safetensors" ] && [ ! -e "$r/summary.json" ] || fail "the stopped run left no checkpoint"
# a stop right after a start is not lost (the sweep starts with SIGINT
# ignored, as a background job; start returns once it catches it), and
# stops it before its run starts or while it runs
bg start long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "restart failed"
bg stop > /dev/null 2>&1
idle || fail "a stop right after a start was lost"
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

# a queue: q1 then q2, one after the other, to the end
bg queue q1 q2 -- --plugin-dir "$PLUGINS" > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "queue failed"; }
grep -q "^queue: q1 q2 (pid [0-9]*), log $TMP/runs/queue.log$" "$TMP/out" || { cat "$TMP/out"; fail "queue does not say what it started"; }
if [ -n "$mine" ] && [ -w /proc/self/autogroup ]; then
    q=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$TMP/out")
    [ -n "$q" ] || fail "no queue pid"
    g=$(group "$q")
    # (no group to read only when the queue has already ended)
    { [ -z "$g" ] && ! kill -0 "$q" 2>/dev/null; } || [ "$g" = 19 ] || fail "the queue's scheduling group is at nice ${g:-unread}, not 19"
    [ "$(group $$)" = "$mine" ] || fail "queue moved the caller's scheduling group from nice $mine to $(group $$)"
fi
i=0; while ! grep -q "queue: done" "$TMP/runs/queue.log" 2>/dev/null && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "queue: done" "$TMP/runs/queue.log" || { cat "$TMP/runs/queue.log"; fail "the queue did not end"; }
i=0; while ! idle && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/runs/q1/results.csv" ] && [ -s "$TMP/runs/q2/results.csv" ] || fail "the queue did not run both sweeps"
# in order: q1 ended before q2 started
sed -n 's/.*queue: \(q[12] [a-z]*\).*/\1/p' "$TMP/runs/queue.log" | tr '\n' ' ' > "$TMP/order"
[ "$(cat "$TMP/order")" = "q1 started q1 ended q2 started q2 ended " ] || fail "queue order: $(cat "$TMP/order")"
idle || fail "status lists something after the queue ended"
# a queue stopped while its first sweep runs: that sweep checkpoints, the
# next is never started, and a second queue meanwhile is refused
rm -rf "$TMP/runs/q2" "$TMP/runs/long" && : > "$TMP/runs/queue.log"
bg queue long q2 -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "queue long q2 failed"
i=0; while [ "$(wc -l < "$r/metrics.csv" 2>/dev/null || echo 0)" -lt 5 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg status > "$TMP/st" 2>&1
grep -q "^long (pid [0-9]*): " "$TMP/st" && grep -q "^queue (pid [0-9]*): .*queue: long started" "$TMP/st" \
    || { cat "$TMP/st"; fail "status does not list the queue and its sweep"; }
# (another folder of sweep files has its own queue: this one is not its)
mkdir -p "$TMP/other"
[ "$(SWEEPS="$TMP/other" bg status)" = "no sweep running" ] || fail "status of another folder of sweep files lists this queue"
bg queue q1 > /dev/null 2> "$TMP/err" && fail "a second queue was accepted"
grep -q "a queue is already running" "$TMP/err" || { cat "$TMP/err"; fail "the second queue's refusal does not say why"; }
bg stop > "$TMP/out" 2>&1 || { cat "$TMP/out"; fail "stop of the queue failed"; }
grep -q "^stopped: 1 sweeps$" "$TMP/out" || { cat "$TMP/out"; fail "stop does not count the sweep it stopped"; }
idle || { bg status; fail "the queue or its sweep runs after stop"; }
grep -q "queue: long ended (exit 130)" "$TMP/runs/queue.log" && grep -q "queue: not started: q2" "$TMP/runs/queue.log" \
    || { cat "$TMP/runs/queue.log"; fail "the queue log does not say it stopped before q2"; }
[ ! -e "$TMP/runs/q2" ] || fail "q2 was started after the stop"
[ -e "$r/checkpoint.safetensors" ] || fail "the queue's stopped run left no checkpoint"
# stopping the queue's sweep by name ends the queue too (the sweep did not
# finish), and the queue goes on from its checkpoint
: > "$TMP/runs/queue.log"
bg queue long q2 -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "queue long q2 failed again"
n0=$(wc -l < "$r/metrics.csv")
i=0; while [ "$(wc -l < "$r/metrics.csv")" -le "$n0" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg stop long > /dev/null 2>&1 || fail "stop long failed"
i=0; while ! idle && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
idle || { bg status; fail "the queue goes on after its sweep was stopped"; }
grep -q "queue: not started: q2" "$TMP/runs/queue.log" && [ ! -e "$TMP/runs/q2" ] \
    || { cat "$TMP/runs/queue.log"; fail "the queue started q2 after its first sweep was stopped"; }
[ "$(grep -c "stopped by SIGINT after step" "$r/train.log")" -eq 2 ] || { cat "$r/train.log"; fail "the queue's run was not continued and stopped again"; }
# a queue killed outside its control (a restart: SIGKILL to it and its
# sweep) logs no end; status says so, and queue again goes on
bg queue long -- --plugin-dir "$PLUGINS" > /dev/null 2>&1 || fail "queue long failed"
i=0; while ! bg status | grep -q "^long (pid" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
bg status > "$TMP/st"
q=$(sed -n 's/^queue (pid \([0-9]*\)).*/\1/p' "$TMP/st") p=$(sed -n 's/^long (pid \([0-9]*\)).*/\1/p' "$TMP/st")
[ -n "$q" ] && [ -n "$p" ] || { cat "$TMP/st"; fail "status does not list the queue and its sweep"; }
kill -KILL "$q" "$p"
i=0; while bg status | grep -q "(pid" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
pkill -KILL -f "train .*--out $TMP/runs/long/" || true # its run, orphaned
bg status > "$TMP/st"
[ "$(head -n 1 "$TMP/st")" = "no sweep running" ] && grep -q '^the queue was killed: its log ends with ".* queue: long started"' "$TMP/st" \
    || { cat "$TMP/st"; fail "status does not say that the queue was killed"; }
: > "$TMP/runs/queue.log"
idle || { bg status; fail "status reports a killed queue after its log was emptied"; }
exit 0
