# `lmstab train --resume DIR` alone: the run goes on with the config and
# overrides stored in its checkpoint, bit for bit; the command printed at a
# stop works as printed; --set on a resume may change only the keys that do
# not change the training (recorded, with the step), others are refused
# naming the key.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
train() { "$LMSTAB" train "$CFG" $TINY --set training.max_steps=60 --plugin-dir "$PLUGINS" \
          --data "$TMP/corpus.txt" --checkpoint-every 20 --quiet "$@"; }
weights_of() { data_of "$1/checkpoint.safetensors"; }
flat() { tr -d ' \t\n' < "$1"; } # a JSON file on one line, without blanks
train --out "$TMP/ref" || fail "uninterrupted run failed"
weights_of "$TMP/ref" > "$TMP/ref.bin"

# 1. The stop message's command continues the run (no CONFIG, no --set) and
#    ends as the run that never stopped.
train --out "$TMP/a" --stop-after 25 2> "$TMP/a.err"; [ $? -eq 130 ] || fail "--stop-after did not stop"
cmd=$(sed -n 's/.*; continue with: //p' "$TMP/a.err")
[ -n "$cmd" ] || { cat "$TMP/a.err"; fail "no command in the stop message"; }
case "$cmd" in *"$CFG"*|*--set*) fail "the command repeats the config or --set: $cmd";; esac
sh -c "$cmd --quiet" || fail "the printed command failed: $cmd"
weights_of "$TMP/a" | cmp -s - "$TMP/ref.bin" || fail "resumed without CONFIG, the run differs"
[ "$(cut -d, -f1-5 "$TMP/a/metrics.csv")" = "$(cut -d, -f1-5 "$TMP/ref/metrics.csv")" ] || fail "metrics differ"
grep -q '"config":[[:space:]]*"configs/baseline.ini"' "$TMP/a/summary.json" || fail "summary lost the config's name"

# 2. Keys that do not change the training may change on a resume: the
#    evaluation and logging cadence leave every parameter as it was.
train --out "$TMP/b" --stop-after 25 2>/dev/null
"$LMSTAB" train --resume "$TMP/b" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --quiet \
    --set training.eval_every=7 --set training.log_every=3 --set training.eval_batches=3 \
    || fail "resume with new cadences failed"
weights_of "$TMP/b" | cmp -s - "$TMP/ref.bin" || fail "a cadence change changed the training"
# after step 25: a row every 3 steps, at the last, and at each evaluation
# (every 7: an evaluation is always a row), and the evaluations there only
awk -F, 'NR > 1 && $1 >= 25 && $1 < 60 { n++; if ($1 % 3 != 0 && $1 % 7 != 0 && $1 != 59) bad = 1
        if ($4 != "") { ev = ev " " $1; if ($1 % 7 != 0) bad = 1 } }
    END { exit bad || n != 16 || ev != " 28 35 42 49 56" }' "$TMP/b/metrics.csv" \
    || { cut -d, -f1-4 "$TMP/b/metrics.csv" | tail -20; fail "log_every=3 or eval_every=7 not in force after the resume"; }
flat "$TMP/b/summary.json" | grep -qF '"resume_overrides":[{"step":25,"set":"training.eval_every=7"},' \
    || { cat "$TMP/b/summary.json"; fail "resume overrides not recorded with their step"; }

# 3. A longer run: max_steps extended on a resume, recorded in the
#    overrides (summary and checkpoint), kept by the next resume.
train --out "$TMP/c" --stop-after 25 2>/dev/null
"$LMSTAB" train --resume "$TMP/c" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --quiet \
    --set training.max_steps=80 --stop-after 40 2>/dev/null; [ $? -eq 130 ] || fail "extended run did not stop"
"$LMSTAB" train --resume "$TMP/c" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --quiet || fail "second resume failed"
grep -q '"steps":[[:space:]]*80' "$TMP/c/summary.json" || fail "max_steps=80 not kept by the second resume"
flat "$TMP/c/summary.json" | grep -qF '"training.max_steps=60","training.max_steps=80"]' || fail "overrides lack the resume's"
head -c 8192 "$TMP/c/checkpoint.safetensors" | grep -q 'training.max_steps=80' || fail "checkpoint lacks the resume's override"
# CONFIG and the original --set given again still match the run
train --resume "$TMP/c" || fail "CONFIG with the run's own --set no longer resumes"
grep -q '"steps":[[:space:]]*80' "$TMP/c/summary.json" || fail "repeating the original --set undid the resume's"

# 4. Refused, one line each, naming the key or the way out.
expect_error "--set training.lr=0.01: training.lr changes the training, so a resumed run keeps its own; --resume may change only training.max_steps" \
    "$LMSTAB" train --resume "$TMP/c" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --set training.lr=0.01
expect_error "--set block.ln1.eps=0.001: block.ln1.eps changes the training" \
    "$LMSTAB" train --resume "$TMP/c" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --set block.ln1.eps=0.001
expect_error "give its data with --data FILE" "$LMSTAB" train --resume "$TMP/c" --plugin-dir "$PLUGINS"
expect_error "leave CONFIG out to resume with the run's own" \
    "$LMSTAB" train "$SRC/configs/qk_norm.ini" --resume "$TMP/c" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS"
"$LMSTAB" train "$CFG" $TINY --set training.max_steps=5 --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
    --out "$TMP/nock" --quiet || fail "run without checkpoints failed"
expect_error "start a new run from its weights with --init-from $TMP/nock/weights.safetensors" \
    "$LMSTAB" train --resume "$TMP/nock" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS"
expect_error "a CONFIG file to train, or --resume DIR" "$LMSTAB" train
echo "ok"
