# Runs as units of work: one writer per run directory (a second one is
# refused naming the first's pid), a killed sweep's runs checkpoint and stop
# instead of going on as orphans, and temporaries of killed writers are
# removed on start and resume.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
LONG="$TINY --set training.max_steps=1000000"
train() { "$LMSTAB" train "$@" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet; }
# background processes are killed on any exit (a failed check must not
# leave a million-step run holding ctest's output pipe)
BG=""
trap 'for p in $BG; do kill -9 $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
# wait_for FILE PID: until FILE is non-empty (or PID died / 60 s)
wait_for() { i=0; while [ ! -s "$1" ] && kill -0 "$2" 2>/dev/null && [ $i -lt 6000 ]; do sleep 0.01; i=$((i + 1)); done; [ -s "$1" ]; }
# gone PID: wait up to 30 s for PID to exit
gone() { i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done; ! kill -0 "$1" 2>/dev/null; }

# --- a second writer is refused --------------------------------------------
"$LMSTAB" train "$CFG" $LONG --out "$TMP/r" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet 2> "$TMP/a.err" & a=$!
BG="$a"
wait_for "$TMP/r/metrics.csv" $a || fail "the first run did not start"
expect_error "$TMP/r already holds a run (metrics.csv): continue it with --resume $TMP/r, or replace it with --overwrite" timeout -s KILL 30 "$LMSTAB" train "$CFG" $LONG --out "$TMP/r" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet
expect_error "$TMP/r: this run directory is in use by process $a" timeout -s KILL 30 "$LMSTAB" train "$CFG" $LONG --out "$TMP/r" --overwrite --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet
expect_error "$TMP/r: this run directory is in use by process $a" timeout -s KILL 30 "$LMSTAB" train "$CFG" $LONG --resume "$TMP/r" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet
head -1 "$TMP/r/metrics.csv" | grep -q '^step,' || fail "the refused run touched metrics.csv"
kill -TERM $a; wait $a
[ $? -eq 143 ] || { cat "$TMP/a.err"; fail "the first run did not stop on SIGTERM"; }

# --- stale temporaries: only ours, only of dead writers ----------------------
sh -c 'exit 0' & dead=$!; wait $dead
: > "$TMP/r/checkpoint.safetensors.tmp.$dead"
: > "$TMP/r/summary.json.tmp.$dead"
: > "$TMP/r/checkpoint.safetensors.tmp.$$"   # a live writer (this shell)
: > "$TMP/r/notes.tmp.$dead"                 # not one of our files
train "$CFG" $LONG --resume "$TMP/r" --stop-after 1 2> /dev/null
[ $? -eq 130 ] || fail "resume with --stop-after failed"
[ ! -e "$TMP/r/checkpoint.safetensors.tmp.$dead" ] && [ ! -e "$TMP/r/summary.json.tmp.$dead" ] \
    || { ls -a "$TMP/r"; fail "resume left a dead writer's temporaries"; }
[ -e "$TMP/r/checkpoint.safetensors.tmp.$$" ] && [ -e "$TMP/r/notes.tmp.$dead" ] \
    || fail "resume removed a file that was not a dead writer's temporary"
mkdir "$TMP/f" && : > "$TMP/f/metrics.csv.tmp.$dead"
train "$CFG" $TINY --set training.max_steps=2 --out "$TMP/f" || fail "a fresh run failed"
[ ! -e "$TMP/f/metrics.csv.tmp.$dead" ] || fail "a fresh start left a dead writer's temporary"

# --- run directories are owned: a finished run is not overwritten silently ----
expect_error "$TMP/f already holds a run (summary.json): continue it with --resume $TMP/f, or replace it with --overwrite" \
    train "$CFG" $TINY --set training.max_steps=2 --out "$TMP/f"
train "$CFG" $TINY --set training.max_steps=3 --out "$TMP/o" --checkpoint-every 3 || fail "run with a checkpoint failed"
train "$CFG" $TINY --set training.max_steps=2 --out "$TMP/o" --overwrite || fail "--overwrite failed"
[ ! -e "$TMP/o/checkpoint.safetensors" ] || fail "--overwrite kept the old run's checkpoint"
grep -q '"steps":[[:space:]]*2' "$TMP/o/summary.json" || fail "--overwrite did not replace the run"
mkdir -p "$TMP/sweeproot" && echo '{}' > "$TMP/sweeproot/sweep.json"
expect_error "holds a sweep (sweep.json)" train "$CFG" $TINY --out "$TMP/sweeproot" --overwrite

# --- kill -9 of a sweep: its runs checkpoint and stop --------------------------
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.01
seeds = 1
jobs = 1
out = $TMP/sw

[overrides]
$TINY_OVERRIDES
training.max_steps = 1000000
EOT
"$LMSTAB" sweep "$TMP/s.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" > /dev/null 2>&1 & s=$!
BG="$s"
r="$TMP/sw/baseline/lr_0.01/seed_1"
wait_for "$r/metrics.csv" $s || fail "the sweep's run did not start"
child=$(ps -o pid= --ppid $s | tr -d ' ')
[ -n "$child" ] || fail "no run process under the sweep"
BG="$s $child"
kill -9 $s; wait $s 2>/dev/null
gone "$child" || { kill -9 "$child"; fail "the run of a killed sweep went on as an orphan"; }
grep -q "stopped by SIGTERM" "$r/train.log" && [ -e "$r/checkpoint.safetensors" ] \
    || { cat "$r/train.log"; fail "the orphaned run did not checkpoint on its way out"; }
echo ok
