# A full disk (here: a file size limit, which fails writes with EFBIG like
# ENOSPC) stops a run at the first metrics.csv row that cannot be written,
# with an error naming the file; the rows before it stay in the file.
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
echo ok
