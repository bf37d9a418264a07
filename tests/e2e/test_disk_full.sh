# A full disk (here: a file size limit, which fails writes with EFBIG like
# ENOSPC) stops a run at the first metrics.csv row that cannot be written,
# with an error naming the file; the rows before it stay in the file. A
# sweep stopped while its runs cannot checkpoint says so (exit 1), and
# output on stdout that cannot be written fails the command.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
# 40 blocks: 20 KiB in dash, 40 KiB in bash; a few dozen rows of metrics.csv
( trap '' XFSZ; ulimit -f 40
  exec "$LMSTAB" train "$CFG" $TINY --set training.max_steps=30000 --set training.log_every=1 \
      --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/o" --quiet ) > /dev/null 2> "$TMP/err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/err"; fail "a run on a full disk exited $rc, expected 1"; }
grep -qF "lmstab: error: $TMP/o/metrics.csv: cannot write: File too large" "$TMP/err" \
    || { cat "$TMP/err"; fail "no error naming metrics.csv"; }
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "expected a one-line error"; }
[ ! -e "$TMP/o/summary.json" ] || fail "a run that lost rows wrote summary.json"
rows=$(wc -l < "$TMP/o/metrics.csv")
[ "$rows" -gt 10 ] || fail "the rows written before the disk filled were lost ($rows lines)"
head -1 "$TMP/o/metrics.csv" | grep -q '^step,lr,train_loss' || fail "metrics.csv lost its header"
# a sweep's run whose checkpoint will not fit, stopped by SIGTERM: the
# sweep does not claim it was checkpointed
one_cell_sweep "$TMP/sw" "training.max_steps = 1000000
training.log_every = 100000
training.eval_every = 1000000" > "$TMP/s.ini"
( trap '' XFSZ; ulimit -f 40
  exec "$LMSTAB" sweep "$TMP/s.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" ) > /dev/null 2> "$TMP/sw.err" & pid=$!
run="$TMP/sw/baseline/lr_0.01/seed_1"
i=0; while [ ! -s "$run/metrics.csv" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.5
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/sw.err"; fail "a sweep whose run could not checkpoint exited $rc, expected 1"; }
grep -q "^lmstab: error: stopped by SIGTERM, but 1 run in progress did not stop with a checkpoint and will start over (the first: $run, see its train.log)" "$TMP/sw.err" \
    || { cat "$TMP/sw.err"; fail "the sweep did not say its run lost its checkpoint"; }
grep -q "checkpoint.safetensors: .*File too large" "$run/train.log" || { cat "$run/train.log"; fail "the run's log does not name its checkpoint"; }
# stdout on a full device: the command fails, naming stdout
expect_error "lmstab: error: stdout: cannot write: No space left on device" sh -c '"$1" plugins --plugin-dir "$2" > /dev/full' _ "$LMSTAB" "$PLUGINS"
echo ok
