# What train says while it runs: a start banner; outside a terminal plain
# lines at --progress-every / --progress-seconds and one per evaluation,
# never a carriage return; in a terminal a live line with the last
# validation loss; --json: one JSON object per line (start, eval, step,
# end), to a file or stdout, also with --quiet.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
run() { "$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" "$@"; }
num() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.e+]*\).*/\1/p" "$2"; }

# 1. Not a terminal: banner, a line every 20 steps (and the first and last
#    step), a line per evaluation, no carriage return.
run --set training.max_steps=50 --out "$TMP/a" --progress-every 20 --progress-seconds 1000 2> "$TMP/a.err" \
    || { cat "$TMP/a.err"; fail "train failed"; }
n=$(num n_params "$TMP/a/summary.json")
grep -q "^lmstab: model configs/baseline.ini: $n parameters, fp32, vocabulary 256$" "$TMP/a.err" || { cat "$TMP/a.err"; fail "no model banner"; }
grep -q "^lmstab: data corpus.txt: 200000 tokens (180000 train, 20000 validation)$" "$TMP/a.err" || fail "no data banner"
grep -q "^lmstab: steps 0 to 50, [0-9]* threads* (OpenBLAS [0-9]*), gemm openblas (.*)\(, threads adapt\)*, output $TMP/a$" "$TMP/a.err" \
    || grep -q "^lmstab: steps 0 to 50, [0-9]* threads* (OpenBLAS [0-9]*), gemm openblas (.*)\(, threads adapt\)*, output a$" "$TMP/a.err" \
    || { cat "$TMP/a.err"; fail "no run banner"; }
if tr -d '\n' < "$TMP/a.err" | grep -q "$(printf '\r')"; then fail "a carriage return outside a terminal"; fi
[ "$(grep -c '^step  *[0-9]*/50  loss' "$TMP/a.err")" -eq 4 ] || { cat "$TMP/a.err"; fail "expected lines at steps 1, 20, 40, 50"; }
for s in 1 20 40 50; do grep -q "^step  *$s/50  loss [0-9.]*  val [0-9.]*  lr" "$TMP/a.err" || fail "no line at step $s"; done
[ "$(grep -c '^step [0-9]*/50  validation loss [0-9.]* ([0-9.]* bits/byte)$' "$TMP/a.err")" -eq 5 ] || fail "expected 5 validation lines"

# 2. ... or every few seconds, whichever comes first.
run --set training.max_steps=600 --progress-every 100000 --progress-seconds 0.02 2> "$TMP/b.err" || fail "train b failed"
[ "$(grep -c '^step  *[0-9]*/600  loss' "$TMP/b.err")" -ge 4 ] || { cat "$TMP/b.err"; fail "--progress-seconds printed no lines"; }

# 3. A terminal (script gives one): the live line carries the last val loss.
if command -v script > /dev/null; then
    script -qec "\"$LMSTAB\" train \"$SRC/configs/baseline.ini\" $TINY --plugin-dir \"$PLUGINS\" --data \"$TMP/corpus.txt\" --set training.max_steps=30" \
        /dev/null > "$TMP/tty.out" 2>&1 < /dev/null || fail "train in a terminal failed"
    tr -d '\n' < "$TMP/tty.out" | grep -q "$(printf '\r')step *30/30  loss [0-9.]*  val [0-9.]*  lr" \
        || { cat -A "$TMP/tty.out" | head; fail "no live line with the val loss in a terminal"; }
    if grep -q "validation loss" "$TMP/tty.out"; then fail "plain lines in a terminal"; fi
fi

# 4. --json FILE: every line an object; start, eval, step and end events
#    agree with metrics.csv and summary.json.
run --set training.max_steps=50 --out "$TMP/j" --json "$TMP/j.jsonl" --quiet 2> "$TMP/j.err" || fail "--json run failed"
[ ! -s "$TMP/j.err" ] || { cat "$TMP/j.err"; fail "--quiet printed something"; }
"$JSON_LINES" "$TMP/j.jsonl" > "$TMP/j.ev" || fail "the --json stream does not parse line by line"
head -1 "$TMP/j.ev" | grep -q "^start config=configs/baseline.ini n_params=$n vocab_size=256 precision=fp32 data=corpus.txt data_tokens=200000 " \
    || { head -1 "$TMP/j.ev"; fail "bad start event"; }
[ "$(grep -c '^eval ' "$TMP/j.ev")" -eq 5 ] || fail "expected 5 eval events"
[ "$(grep -c '^step ' "$TMP/j.ev")" -eq $(($(wc -l < "$TMP/j/metrics.csv") - 2)) ] || fail "a step event per metrics.csv row"
grep -q '^eval step=10 val_loss=' "$TMP/j.ev" || fail "eval events: wrong steps"
grep -q '^step step=49 max_steps=50 train_loss=' "$TMP/j.ev" || fail "no event for the last step"
tail -1 "$TMP/j.ev" | grep -q '^end status=finished steps=50 final_val_loss=' || { tail -1 "$TMP/j.ev"; fail "bad end event"; }
fv=$(tail -1 "$TMP/j.ev" | sed 's/.*final_val_loss=\([^ ]*\).*/\1/')
awk -v a="$fv" -v b="$(num final_val_loss "$TMP/j/summary.json")" 'BEGIN { d = a - b; exit !(d < 1e-12 && d > -1e-12) }' \
    || fail "end event's final_val_loss differs from summary.json"
if grep -rl "$TMP" "$TMP/j.jsonl"; then fail "an absolute path in the --json stream"; fi

# 5. --json - on stdout (the banner stays on stderr); a stop ends the stream
#    with status stopped.
run --set training.max_steps=50 --out "$TMP/s" --checkpoint-every 10 --json - --stop-after 12 > "$TMP/s.out" 2> "$TMP/s.err"
[ $? -eq 130 ] || fail "--stop-after did not stop"
"$JSON_LINES" "$TMP/s.out" > "$TMP/s.ev" || fail "stdout is not a JSON-lines stream"
tail -1 "$TMP/s.ev" | grep -q '^end status=stopped steps=12 signal=SIGINT checkpoint=true$' || { tail -1 "$TMP/s.ev"; fail "bad end event on a stop"; }
grep -q '^lmstab: model ' "$TMP/s.err" || fail "the banner left stderr"
expect_error "lmstab train: --progress-seconds: must be a number > 0 and <= 1000000000 (got '0')" run --progress-seconds 0
echo "ok"
