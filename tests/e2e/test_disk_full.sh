# A full disk (here: a file size limit, which fails writes with EFBIG like
# ENOSPC) stops a run at the first metrics.csv row that cannot be written,
# with an error naming the file; the rows before it stay in the file. A
# sweep stopped while its runs cannot checkpoint says so (exit 1), one
# whose run failed quotes the run's error or says its log was cut short, and
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
# a sweep's run that fails on a full disk: the sweep's error quotes the
# run's own (the last line of its train.log) ...
one_cell_sweep "$TMP/sf" "training.max_steps = 30000
training.log_every = 1" > "$TMP/sf.ini"
( trap '' XFSZ; ulimit -f 40
  exec "$LMSTAB" sweep "$TMP/sf.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" ) > /dev/null 2> "$TMP/sf.err"
rc=$?
run="$TMP/sf/baseline/lr_0.01/seed_1"
[ $rc -eq 1 ] || { cat "$TMP/sf.err"; fail "a sweep whose run failed exited $rc, expected 1"; }
grep -qxF "lmstab: error: run $run failed (exit status 1: $run/metrics.csv: cannot write: File too large (the rows before this one are kept)); see $run/train.log" "$TMP/sf.err" \
    || { cat "$TMP/sf.err"; tail -2 "$run/train.log"; fail "the sweep does not quote its run's error"; }
# ... and a log cut short (its writes fail, as on a full disk: here
# /dev/full) is said to be one, rather than sent to as the explanation
rm -rf "$TMP/sf" && mkdir -p "$run" && ln -s /dev/full "$run/train.log"
( trap '' XFSZ; ulimit -f 40
  exec "$LMSTAB" sweep "$TMP/sf.ini" --quiet --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" ) > /dev/null 2> "$TMP/sf.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/sf.err"; fail "a sweep whose run failed exited $rc, expected 1"; }
grep -qxF "lmstab: error: run $run failed (exit status 1), and its train.log ends without an error message (cut short, as when the disk is full?); see $run/train.log" "$TMP/sf.err" \
    || { cat "$TMP/sf.err"; fail "a cut-short log is not said to be one"; }
# stdout on a full device: the command fails, naming stdout
expect_error "lmstab: error: stdout: cannot write: No space left on device" sh -c '"$1" plugins --plugin-dir "$2" > /dev/full' _ "$LMSTAB" "$PLUGINS"
echo ok
