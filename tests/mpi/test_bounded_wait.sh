# No collective waits for ever: a rank that does not arrive is named after
# LMSTAB_MPI_TIMEOUT and the job stops; ranks at different collectives
# (kind, count or step) stop at once naming both; a stopped (SIGSTOP) rank
# in a real training run ends the job within the bound; ranks that would
# save checkpoints at different steps are refused before the first step.
. "$(dirname "$0")/lib.sh"
[ -x "$PROBE" ] || fail "no dist_probe ($PROBE)"
T="-x LMSTAB_MPI_TIMEOUT=3"
# probe MODE: run the probe on 2 ranks (killed after 60 s: a hang)
probe() {
    start=$(date +%s)
    timeout -s KILL 60 $MPI $T "$PROBE" "$1" > "$TMP/log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
}
probe ok
[ $rc -eq 0 ] && grep -q "sum 3 over 2 ranks" "$TMP/log" || { cat "$TMP/log"; fail "the bounded sum gave a wrong result (rc $rc)"; }
probe late
[ $rc -ne 0 ] && [ $rc -ne 137 ] || { cat "$TMP/log"; fail "a late rank: rc $rc (137: hung)"; }
[ $secs -lt 30 ] || fail "a late rank stopped the job after $secs s (bound 3 s)"
grep -q "lmstab: error: MPI rank 0: rank 1 did not reach collective #1 (sum of doubles, 1 elements, step 5) within 3 s (LMSTAB_MPI_TIMEOUT; its last was #0); stopping the job" "$TMP/log" ||
    { cat "$TMP/log"; fail "no message naming the late rank"; }
for m in split step count; do
    probe $m
    [ $rc -ne 0 ] && [ $rc -ne 137 ] || { cat "$TMP/log"; fail "$m: rc $rc (137: hung)"; }
    grep -q "lmstab: error: MPI rank [01]: ranks [01] and [01] are at different collectives: collective #1" "$TMP/log" ||
        { cat "$TMP/log"; fail "$m: no message naming both collectives"; }
done
LMSTAB_MPI_TIMEOUT=abc "$PROBE" ok > "$TMP/log" 2>&1 && fail "a bad LMSTAB_MPI_TIMEOUT was accepted"
grep -q "LMSTAB_MPI_TIMEOUT: must be a number of seconds > 0 (got 'abc')" "$TMP/log" || { cat "$TMP/log"; fail "no message for a bad LMSTAB_MPI_TIMEOUT"; }

# a training rank stopped mid-run (alive, not in the allreduce): bounded
make_corpus "$TMP/corpus.txt"
$MPI $T "$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.batch_size=4 \
    --set training.max_steps=90000 --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
    --quiet > "$TMP/log" 2>&1 &
job=$!
sleep 4
# a rank of this job only (mpirun starts them as its children): other
# jobs on the machine may run the same command (90000 steps: older copies
# of these tests kill "max_steps=100000" by pattern)
victim=$(pgrep -P "$job" -f "lmstab train" | tail -1)
[ -n "$victim" ] || { kill -9 $job; fail "no rank found"; }
vrank=$(tr '\0' '\n' < "/proc/$victim/environ" | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
kill -STOP "$victim"
i=0
while kill -0 "$job" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 40 ] && { kill -9 "$victim" "$job"; fail "job still running 40 s after a rank stopped (bound 3 s)"; }
    sleep 1
done
kill -9 "$victim" 2>/dev/null
wait "$job" && fail "job exited 0 after a rank stopped"
# stopped between collectives: the others name it as not arriving; stopped
# inside one (after its notice): as not past it
grep -qE "lmstab: error: MPI rank [01]: (rank $vrank did not reach collective #[0-9]+ \(.*step [0-9]+\) within 3 s|collective #[0-9]+ \(.*step [0-9]+\) did not complete within 3 s although every rank arrived \(LMSTAB_MPI_TIMEOUT\); not past it: rank $vrank )" "$TMP/log" ||
    { cat "$TMP/log"; fail "no message naming the stopped rank ($vrank)"; }

# ranks that would vote on checkpoints at different steps
MPMD="$MPIRUN --oversubscribe"
[ "$(id -u)" = 0 ] && MPMD="$MPMD --allow-run-as-root"
A="$SRC/configs/baseline.ini $TINY --set training.batch_size=4 --set training.max_steps=20 --plugin-dir $PLUGINS --quiet --data $TMP/corpus.txt"
timeout -s KILL 120 $MPMD $T -np 1 "$LMSTAB" train $A --out "$TMP/o" --checkpoint-every 5 : \
    -np 1 "$LMSTAB" train $A --out "$TMP/o" --checkpoint-every 7 > "$TMP/log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 137 ] || { cat "$TMP/log"; fail "ranks with different --checkpoint-every: rc $rc"; }
[ "$(grep -c "lmstab: error: MPI ranks 0 and 1 would not run the same steps" "$TMP/log")" -eq 2 ] ||
    { cat "$TMP/log"; fail "ranks with different --checkpoint-every were not stopped by the start agreement"; }
echo ok
