# Checkpoints: a run stopped by SIGINT, by kill -9, or by --stop-after, then
# resumed with --resume, gives the same metrics (every column but
# tokens_per_sec and elapsed_s) and the same final parameters and AdamW
# moments, bit for bit, as a run that never stopped (one BLAS thread).
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
STEPS=150
# exec: in the background, $! must be lmstab itself, not a subshell.
exec_train() { exec "$LMSTAB" train "$CFG" $TINY --set training.max_steps=$STEPS --plugin-dir "$PLUGINS" \
          --data "$TMP/corpus.txt" --checkpoint-every 20 --quiet "$@"; }
train() { (exec_train "$@"); }
# stopped DIR RC: a --stop-after run exited 130 with a checkpoint and no
# summary (what follows resumes it; a run that finished would resume to
# the same end and prove nothing)
stopped() {
    [ "$2" -eq 130 ] && [ -s "$1/checkpoint.safetensors" ] && [ ! -e "$1/summary.json" ] \
        || fail "$1: --stop-after did not stop the run (exit $2)"
}
same_run() { # dir [ref]: compare with the uninterrupted run in ref ($TMP/ref)
    ref=${2:-$TMP/ref}
    cut -d, -f1-5,8- "$ref/metrics.csv" > "$TMP/a.csv"
    cut -d, -f1-5,8- "$1/metrics.csv" > "$TMP/b.csv"
    cmp -s "$TMP/a.csv" "$TMP/b.csv" || { diff "$TMP/a.csv" "$TMP/b.csv" | head >&2; fail "$1: metrics differ"; }
    data_of "$ref/checkpoint.safetensors" > "$TMP/a.bin"
    data_of "$1/checkpoint.safetensors" > "$TMP/b.bin"
    [ -s "$TMP/a.bin" ] || fail "empty checkpoint data"
    cmp -s "$TMP/a.bin" "$TMP/b.bin" || fail "$1: final parameters/moments differ"
    [ -s "$1/summary.json" ] || fail "$1: no summary.json after resume"
    grep -q "\"steps\":[[:space:]]*$STEPS" "$1/summary.json" || fail "$1: wrong step count"
}
train --out "$TMP/ref" || fail "uninterrupted run failed"
if grep -rl -e "$TMP" -e "$SRC" "$TMP/ref"; then fail "an absolute path was written (files above)"; fi
rows=$(($(wc -l < "$TMP/ref/metrics.csv") - 1))
[ "$rows" -eq 32 ] || fail "expected 31 rows and the final evaluation, got $rows"

# 1. --stop-after (deterministic stop between checkpoints) then resume.
train --out "$TMP/stop" --stop-after 47 2>"$TMP/stop.err"; rc=$?
[ $rc -eq 130 ] || fail "--stop-after: exit $rc, expected 130"
grep -q "stopped by SIGINT after step 47; checkpoint written to $TMP/stop/checkpoint.safetensors" "$TMP/stop.err" || { cat "$TMP/stop.err"; fail "no stop message"; }
[ ! -e "$TMP/stop/summary.json" ] || fail "a stopped run wrote summary.json"
train --resume "$TMP/stop" || fail "resume after --stop-after failed"
same_run "$TMP/stop"

# 2. kill -9 right after the first checkpoint: the rows logged after it
#    are dropped on resume.
#    The run is frozen (SIGSTOP) while its files are read, so that the
#    kill lands where they say: on a busy machine it could otherwise write
#    its next checkpoint between the look and the kill.
(exec_train --out "$TMP/kill") & pid=$!
ck_step="" last=-1 i=0
while [ $i -lt 3000 ]; do
    if [ -e "$TMP/kill/checkpoint.safetensors" ] && [ "$(wc -l < "$TMP/kill/metrics.csv")" -ge 7 ]; then
        kill -STOP $pid 2>/dev/null || break
        ck_step=$(head -c 4096 "$TMP/kill/checkpoint.safetensors" | grep -ao '"step":"[0-9]*"' | tr -dc 0-9)
        last=$(tail -n 1 "$TMP/kill/metrics.csv" | cut -d, -f1)
        [ -n "$ck_step" ] && [ "$last" -ge "$ck_step" ] 2>/dev/null && break
        kill -CONT $pid
    fi
    sleep 0.01; i=$((i + 1))
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
[ ! -e "$TMP/kill/summary.json" ] || fail "kill -9 came too late (run finished); make the run longer"
[ -n "$ck_step" ] && [ "$last" -ge "$ck_step" ] || fail "kill -9: no rows past the checkpoint (step $ck_step, last row $last)"
train --resume "$TMP/kill" || fail "resume after kill -9 failed"
same_run "$TMP/kill"

# 3. SIGINT mid-run: the step finishes, a checkpoint is written, exit 130.
(exec_train --out "$TMP/int" 2>"$TMP/int.err") & pid=$!
i=0; while [ "$(cat "$TMP/int/metrics.csv" 2>/dev/null | wc -l)" -lt 6 ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] || { cat "$TMP/int.err"; fail "SIGINT: exit $rc, expected 130"; }
[ ! -e "$TMP/int/summary.json" ] || fail "an interrupted run wrote summary.json"
grep -q "stopped by SIGINT" "$TMP/int.err" || fail "no message after SIGINT"
train --resume "$TMP/int" || fail "resume after SIGINT failed"
same_run "$TMP/int"

# 3b. The checkpoint cadence is the run's: a resume without --checkpoint-every
#     keeps it, so the last checkpoint is the final step, not the stop's.
"$LMSTAB" train "$CFG" $TINY --set training.max_steps=$STEPS --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --checkpoint-every 20 --quiet --out "$TMP/cad" --stop-after 25 2>/dev/null
[ $? -eq 130 ] || fail "cadence: --stop-after did not stop"
"$LMSTAB" train "$CFG" $TINY --set training.max_steps=$STEPS --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --quiet --resume "$TMP/cad" || fail "cadence: resume failed"
ck=$(head -c 4096 "$TMP/cad/checkpoint.safetensors" | grep -ao '"step":"[0-9]*"' | tr -dc 0-9)
[ "$ck" = "$STEPS" ] || fail "cadence lost on resume: the checkpoint is at step $ck, not $STEPS"
[ -s "$TMP/cad/weights.safetensors" ] || fail "no final weights after resume"

# 4. Resuming a finished run only redoes the final evaluation.
train --resume "$TMP/ref" || fail "resume of a finished run failed"
same_run "$TMP/ref"

# 5. Resume refuses another config, other --set, other data.
expect_error "--set training.lr=0.01: training.lr changes the training" train --resume "$TMP/ref" --set training.lr=0.01
head -c 100000 "$TMP/corpus.txt" > "$TMP/other.txt"
expect_error "was trained on other data" "$LMSTAB" train "$CFG" $TINY --set training.max_steps=$STEPS \
    --plugin-dir "$PLUGINS" --data "$TMP/other.txt" --resume "$TMP/ref" --quiet
expect_error "checkpoint.safetensors: cannot open: No such file" train --resume "$TMP/nowhere"
[ ! -e "$TMP/nowhere" ] || fail "a failed resume created its directory"

# 6. --init-from: the final parameters of ref give a step-0 validation loss
#    equal to ref's final validation loss (the same windows).
"$LMSTAB" train "$CFG" $TINY --set training.max_steps=1 --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --init-from "$TMP/ref/checkpoint.safetensors" --out "$TMP/init" --quiet \
    || fail "--init-from failed"
v0=$(sed -n 2p "$TMP/init/metrics.csv" | cut -d, -f4)
vf=$(sed -n 's/.*"final_val_loss":[[:space:]]*\([0-9.e+-]*\).*/\1/p' "$TMP/ref/summary.json")
awk -v a="$v0" -v b="$vf" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-5) }' \
    || fail "--init-from: step-0 val loss $v0 != final val loss $vf of the source run"

# 7. training.gemm = auto is decided once and recorded in the checkpoint: a
#    run started where the rule picks lmstab's kernels (OpenBLAS pinned to
#    its AVX2 kernels on an AVX-512 CPU) and resumed where it would pick
#    OpenBLAS (its AVX-512 kernels) continues on lmstab's, bit for bit.
if sh "$SRC/tests/tools/coretypes.sh" | grep -qx SkylakeX; then
    OPENBLAS_CORETYPE=Haswell train --out "$TMP/auto_ref" --set training.gemm=auto \
        || fail "gemm=auto run failed"
    grep -q '"gemm":[[:space:]]*"lmstab"' "$TMP/auto_ref/summary.json" \
        || fail "gemm=auto under OpenBLAS's Haswell kernels did not pick lmstab"
    OPENBLAS_CORETYPE=Haswell train --out "$TMP/auto" --set training.gemm=auto --stop-after 47 2>/dev/null
    stopped "$TMP/auto" $?
    OPENBLAS_CORETYPE=SkylakeX train --resume "$TMP/auto" --set training.gemm=auto \
        || fail "resume of the gemm=auto run failed"
    grep -q '"gemm":[[:space:]]*"lmstab"' "$TMP/auto/summary.json" \
        || fail "the resumed gemm=auto run switched backend"
    same_run "$TMP/auto" "$TMP/auto_ref"
fi

# 8. [training] precision = bf16: a stopped bf16 run resumes bit for bit on
#    the bf16 kernel it started with, recorded in its checkpoint (here the
#    native one where the CPU has it, started with LMSTAB_BF16_KERNEL=native
#    and resumed without it, where the default is the emulation); a resume
#    keeps the run's precision and refuses a --set of another.
BF16="--set training.precision=bf16"
# shellcheck disable=SC2086
LMSTAB_BF16_KERNEL=native train --out "$TMP/bf16_ref" $BF16 || fail "bf16 run failed"
kernel=$(sed -n 's/.*"bf16_kernel":[[:space:]]*"\([a-z0-9_]*\)".*/\1/p' "$TMP/bf16_ref/summary.json")
[ -n "$kernel" ] || fail "summary.json has no bf16_kernel"
# shellcheck disable=SC2086
LMSTAB_BF16_KERNEL=native train --out "$TMP/bf16" $BF16 --stop-after 47 2>/dev/null
stopped "$TMP/bf16" $?
# shellcheck disable=SC2086
train --resume "$TMP/bf16" $BF16 || fail "resume of the bf16 run failed"
same_run "$TMP/bf16" "$TMP/bf16_ref"
grep -q "\"bf16_kernel\":[[:space:]]*\"$kernel\"" "$TMP/bf16/summary.json" \
    || fail "the resumed bf16 run switched kernel from $kernel"
# shellcheck disable=SC2086
train --out "$TMP/bf16b" $BF16 --stop-after 47 2>/dev/null
stopped "$TMP/bf16b" $?
# resumed alone, the run keeps its stored precision; a --set of another
# precision is refused as a key that changes the training
# shellcheck disable=SC2086
train --resume "$TMP/bf16b" || fail "resume of the bf16 run without --set failed"
grep -q '"precision":[[:space:]]*"bf16"' "$TMP/bf16b/summary.json" \
    || fail "a bf16 run resumed without --set left bf16"
# shellcheck disable=SC2086
train --out "$TMP/bf16c" $BF16 --stop-after 47 2>/dev/null
stopped "$TMP/bf16c" $?
train --resume "$TMP/bf16c" --set training.precision=fp32 2>"$TMP/prec.err" && fail "a bf16 checkpoint resumed at fp32"
grep -q "training.precision changes the training, so a resumed run keeps its own" "$TMP/prec.err" \
    || { cat "$TMP/prec.err"; fail "no precision message"; }
# shellcheck disable=SC2086
train --out "$TMP/fp32b" --stop-after 47 2>/dev/null
stopped "$TMP/fp32b" $?
# shellcheck disable=SC2086
train --resume "$TMP/fp32b" $BF16 2>"$TMP/prec.err" && fail "an fp32 checkpoint resumed at bf16"
grep -q "training.precision changes the training" "$TMP/prec.err" || { cat "$TMP/prec.err"; fail "no precision message"; }
echo "ok"
