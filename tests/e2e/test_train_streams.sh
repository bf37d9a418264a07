# What a run does when its terminal or one of its streams goes away: SIGHUP
# stops it like SIGTERM (checkpoint, the command that continues it, exit
# 129); a closed stderr (a reader gone: SIGPIPE) does not stop it; a --json
# stream that cannot be written stops it with a checkpoint and exit 1,
# naming the stream; a FIFO without a reader is refused at once, not waited
# on. Every stopped run resumes to a finished one.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
exec_train() { exec "$LMSTAB" train "$CFG" $TINY --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" "$@"; }
resumes() { # dir: the stopped run continues to a finished one
    [ -s "$1/checkpoint.safetensors" ] || fail "$1: no checkpoint at the stop"
    [ ! -e "$1/summary.json" ] || fail "$1: a stopped run wrote summary.json"
    (exec_train --resume "$1" --quiet) || fail "$1: resume failed"
    [ -s "$1/summary.json" ] || fail "$1: no summary.json after resume"
}

# SIGHUP mid-run (a closed terminal or ssh session); long enough that it
# cannot finish first (the sanitized build is ~20x slower)
hup_steps=2000; [ "${LMS_TEST_SANITIZED:-0}" = 1 ] && hup_steps=300
(exec_train --set training.max_steps=$hup_steps --out "$TMP/hup" --quiet --json "$TMP/hup.jsonl" 2> "$TMP/hup.err") & pid=$!
i=0; while [ "$(cat "$TMP/hup/metrics.csv" 2>/dev/null | wc -l)" -lt 4 ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
kill -HUP $pid; wait $pid; rc=$?
[ $rc -eq 129 ] || { cat "$TMP/hup.err"; fail "SIGHUP: exit $rc, expected 129 (make the run longer if it finished)"; }
grep -q "stopped by SIGHUP after step [0-9]*; checkpoint written to $TMP/hup/checkpoint.safetensors; continue with:" "$TMP/hup.err" \
    || { cat "$TMP/hup.err"; fail "no stop message after SIGHUP"; }
# the --json stream's end event names the signal (it once said SIGINT)
tail -1 "$TMP/hup.jsonl" | grep -qE '"event": ?"end".*"signal": ?"SIGHUP"' || { tail -1 "$TMP/hup.jsonl"; fail "the end event does not name SIGHUP"; }
resumes "$TMP/hup"

# under nohup (SIGHUP ignored when it starts) the run outlives SIGHUP
(exec nohup "$LMSTAB" train "$CFG" $TINY --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
    --set training.max_steps=$hup_steps --out "$TMP/nohup" --quiet > /dev/null 2>&1) & pid=$!
i=0; while [ "$(cat "$TMP/nohup/metrics.csv" 2>/dev/null | wc -l)" -lt 4 ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
kill -HUP $pid; sleep 0.3
kill -0 $pid 2>/dev/null || fail "a run under nohup stopped at SIGHUP"
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] || fail "nohup run: exit $rc after SIGINT, expected 130"

# stderr's reader goes away after one line: the run goes on to the end
(exec_train --set training.max_steps=60 --out "$TMP/pipe" --progress-every 1 2>&1 >/dev/null) | head -1 > /dev/null
i=0; while [ ! -e "$TMP/pipe/summary.json" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
[ -s "$TMP/pipe/summary.json" ] || fail "a closed stderr stopped the run"
grep -q '"steps":[[:space:]]*60' "$TMP/pipe/summary.json" || fail "a closed stderr cut the run short"

# the --json stream's reader goes away: stop, checkpoint, exit 1, resume
( (exec_train --set training.max_steps=100000 --out "$TMP/json" --quiet --json - 2> "$TMP/json.err"); echo $? > "$TMP/json.rc" ) | head -c 1 > /dev/null
[ "$(cat "$TMP/json.rc")" = 1 ] || { cat "$TMP/json.err"; fail "--json reader gone: exit $(cat "$TMP/json.rc"), expected 1"; }
grep -q "^lmstab: error: stdout: cannot write the --json stream: Broken pipe$" "$TMP/json.err" || { cat "$TMP/json.err"; fail "--json reader gone: no error naming the stream"; }
grep -q "stopped by a --json stream that could not be written after step [0-9]*; checkpoint written" "$TMP/json.err" \
    || { cat "$TMP/json.err"; fail "--json reader gone: no stop message"; }
[ -s "$TMP/json/checkpoint.safetensors" ] || fail "--json reader gone: no checkpoint"

# a --json file on a full device: the same, naming the file
(exec_train --set training.max_steps=40 --out "$TMP/full" --quiet --json /dev/full) 2> "$TMP/full.err"; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/full.err"; fail "--json /dev/full: exit $rc, expected 1"; }
grep -q "^lmstab: error: /dev/full: cannot write the --json stream: No space left on device$" "$TMP/full.err" \
    || { cat "$TMP/full.err"; fail "--json /dev/full: no error naming the file"; }
resumes "$TMP/full"

# a FIFO without a reader: refused at once (a run would otherwise block
# before its first step, and ignore its first SIGTERM)
mkfifo "$TMP/fifo"
expect_error "$TMP/fifo: cannot write the --json stream: No such device or address (a FIFO without a reader)" \
    timeout 60 "$LMSTAB" train "$CFG" $TINY --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --json "$TMP/fifo" --out "$TMP/fifo_run"
echo ok
