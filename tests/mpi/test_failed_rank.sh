# A killed rank makes the job exit non-zero quickly, never hang.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
$MPI "$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.batch_size=4 \
    --set training.max_steps=90000 --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
    --quiet > "$TMP/log" 2>&1 &
job=$!
sleep 3
# a rank of this job only (mpirun starts them as its children): other
# jobs on the machine may run the same command (90000 steps: older copies
# of these tests kill "max_steps=100000" by pattern)
victim=$(pgrep -P "$job" -f "lmstab train" | tail -1)
[ -n "$victim" ] || fail "no rank found"
kill -9 "$victim"
i=0
while kill -0 "$job" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 60 ] && { pkill -9 -P "$job"; kill -9 "$job"; fail "job still running 60 s after a rank was killed"; }
    sleep 1
done
wait "$job" && fail "job exited 0 after a rank was killed"
grep -qiE "killed|signal 9|exited on signal|terminated" "$TMP/log" || { cat "$TMP/log"; fail "no message about the failed rank"; }
echo ok
