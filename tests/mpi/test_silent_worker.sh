# A sweep worker rank that stops talking (here: SIGSTOP) while it holds a
# run stops the job within LMSTAB_MPI_TIMEOUT, with a line naming the rank
# and its run; the coordinator never waits for it for ever.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.03
lr_ratio = 3
seeds = 1, 2
jobs = 2

[overrides]
model.d_model = 32
model.n_layer = 2
model.n_head = 2
model.context = 32
training.batch_size = 4
training.max_steps = 90000
training.eval_every = 1000
training.eval_batches = 2
EOT
LMSTAB_MPI_TIMEOUT=4 $MPI "$LMSTAB" sweep "$TMP/s.ini" --out "$TMP/out" --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --quiet > "$TMP/log" 2>&1 &
job=$!
# rank 1 of this job (mpirun's child with OMPI_COMM_WORLD_RANK=1), once it
# holds a run (its training child exists)
victim=""
i=0
while [ -z "$victim" ] && [ $i -lt 60 ]; do
    sleep 1
    i=$((i + 1))
    for p in $(pgrep -P "$job" -f "lmstab sweep"); do
        tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" &&
            pgrep -P "$p" > /dev/null && victim=$p
    done
done
[ -n "$victim" ] || { pkill -9 -P "$job"; kill -9 "$job"; cat "$TMP/log"; fail "rank 1 never started a run"; }
kill -STOP "$victim"
t0=$(date +%s)
i=0
while kill -0 "$job" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 60 ] && { kill -9 "$victim"; pkill -9 -P "$job"; kill -9 "$job"; fail "job still running 60 s after rank 1 stopped"; }
    sleep 1
done
kill -9 "$victim" 2>/dev/null
wait "$job" && fail "job exited 0 although rank 1 stopped"
took=$(( $(date +%s) - t0 ))
grep -q "MPI rank 0: sweep worker rank 1 has sent nothing for [0-9]* s while running .*/baseline/lr_0.0[13]/seed_[12] (LMSTAB_MPI_TIMEOUT); it is stopped, hung or cut off; finished runs are kept and the same command resumes; stopping the job" "$TMP/log" ||
    { cat "$TMP/log"; fail "no line naming the silent rank"; }
echo "ok: stopped $took s after rank 1 went silent"
