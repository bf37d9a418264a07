# A stop signal that reaches one rank only (here SIGHUP, a closed terminal,
# to rank 1) stops every rank at the same step: rank 0 writes the
# checkpoint, no summary.json, exit status 129; `train --resume` under the
# same ranks then ends where an uninterrupted 2-rank run ends, parameter
# for parameter.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
ARGS="$SRC/configs/baseline.ini $TINY --set training.batch_size=4 --set training.max_steps=6000 --set training.eval_every=1000 --set training.lr=5e-4 --plugin-dir $PLUGINS --data $TMP/corpus.txt --quiet"
$MPI "$LMSTAB" train $ARGS --out "$TMP/whole" > "$TMP/w.log" 2>&1 || { cat "$TMP/w.log"; fail "uninterrupted 2-rank run failed"; }
$MPI "$LMSTAB" train $ARGS --out "$TMP/cut" > "$TMP/c.log" 2>&1 &
job=$!
# rank 1's process: its environment names its rank, its command line our run
victim=""
i=0
rows() { if [ -f "$TMP/cut/metrics.csv" ]; then wc -l < "$TMP/cut/metrics.csv"; else echo 0; fi; }
while [ -z "$victim" ] || [ "$(rows)" -lt 50 ]; do
    [ -f "$TMP/cut/summary.json" ] && fail "the run finished before the signal: raise max_steps"
    i=$((i + 1))
    if [ $i -gt 600 ]; then # mpirun and its ranks, not mpirun alone
        pkill -9 -f -- "--out $TMP/cut" || true; kill -9 "$job" 2> /dev/null || true
        fail "the 2-rank run did not start, or log 50 steps, within 30 s"
    fi
    sleep 0.05
    for p in $(pgrep -f -- "--out $TMP/cut" || true); do
        [ "$p" = "$job" ] && continue
        tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$p
    done
done
kill -HUP "$victim"
status=0
wait "$job" || status=$?
[ $status -eq 129 ] || { cat "$TMP/c.log"; fail "a job stopped by SIGHUP exited $status, not 129"; }
grep -q "SIGHUP" "$TMP/c.log" || { cat "$TMP/c.log"; fail "no rank said it stopped on SIGHUP"; }
[ -f "$TMP/cut/checkpoint.safetensors" ] || { cat "$TMP/c.log"; fail "no checkpoint after the stop"; }
[ ! -f "$TMP/cut/summary.json" ] || fail "a stopped run wrote summary.json"
rows=$(($(wc -l < "$TMP/cut/metrics.csv") - 1))
[ $rows -lt 6000 ] || fail "the run went on to its end ($rows steps) after SIGHUP"
$MPI "$LMSTAB" train --resume "$TMP/cut" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet > "$TMP/r.log" 2>&1 || { cat "$TMP/r.log"; fail "resume under 2 ranks failed"; }
[ -s "$TMP/cut/summary.json" ] || fail "the resumed run wrote no summary"
"$STDIFF" "$TMP/whole/weights.safetensors" "$TMP/cut/weights.safetensors" 0 || fail "stopped at step $rows and resumed, the parameters differ from the uninterrupted run's"
# and the losses step by step (not the timing columns)
cut -d, -f1-5 "$TMP/whole/metrics.csv" > "$TMP/w.csv"
cut -d, -f1-5 "$TMP/cut/metrics.csv" > "$TMP/c.csv"
cmp -s "$TMP/w.csv" "$TMP/c.csv" || fail "stopped and resumed, metrics.csv's losses differ from the uninterrupted run's"
echo "ok: stopped at step $rows by SIGHUP to rank 1, resumed to the same parameters"
