# model.vocab_size against the data: a token file whose vocabulary exceeds
# the model's says which key to set, with the data's own largest id;
# vocab_size = auto takes the data's (text: 256, llm.c token file: its
# header's 50257) and summary.json records the number.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
# an llm.c token file (magic 20240520, version 1, 6000 uint16 tokens) whose
# ids go up to 999
{ printf '\210\330\064\001\001\000\000\000\160\027\000\000'; head -c 1012 /dev/zero
  i=0; while [ $i -lt 1500 ]; do printf '\347\003\001\000\364\001\052\000'; i=$((i + 1)); done; } > "$TMP/t.bin"
SMALL="--set model.context=16 --set training.batch_size=2 --set training.eval_batches=1 --set training.max_steps=2"
tr() { "$LMSTAB" train "$CFG" $TINY $SMALL --plugin-dir "$PLUGINS" --quiet "$@"; }
expect_error "baseline.ini:4: [model] vocab_size: is 256, but $TMP/t.bin is an llm.c token file of GPT-2 tokens (vocabulary 50257; its largest token id is 999): set model.vocab_size = 50257, or auto to take it from the data" \
    tr --data "$TMP/t.bin"
expect_error "--set model.vocab_size: [model] vocab_size: is 100, but $TMP/corpus.txt is a text file read as bytes (vocabulary 256;" \
    tr --data "$TMP/corpus.txt" --set model.vocab_size=100
tr --data "$TMP/t.bin" --set model.vocab_size=auto --out "$TMP/tok" || fail "auto on a token file failed"
grep -q '"vocab_size":[[:space:]]*50257,' "$TMP/tok/summary.json" || fail "auto: not the header's vocabulary"
tr --data "$TMP/corpus.txt" --set model.vocab_size=auto --out "$TMP/txt" --checkpoint-every 1 || fail "auto on text failed"
grep -q '"vocab_size":[[:space:]]*256,' "$TMP/txt/summary.json" || fail "auto: a text file is not 256"
# the run's config says auto; sample and a resume rebuild the same model
"$LMSTAB" sample "$TMP/txt" --plugin-dir "$PLUGINS" --tokens 5 > /dev/null 2> "$TMP/s.err" || { cat "$TMP/s.err"; fail "sample of an auto run failed"; }
"$LMSTAB" train --resume "$TMP/txt" --data "$TMP/corpus.txt" --plugin-dir "$PLUGINS" --quiet \
    --set training.max_steps=3 || fail "resume of an auto run failed"
# a sweep resolves auto from its data when it checks its configs
cat > "$TMP/s.ini" <<EOT
[sweep]
variants = baseline
configs_dir = $SRC/configs
lr_min = 0.01
lr_max = 0.01
seeds = 1
out = $TMP/sweep
[overrides]
model.vocab_size = auto
model.d_model = 32
model.n_layer = 1
model.n_head = 2
model.context = 16
training.batch_size = 2
training.eval_batches = 1
training.max_steps = 2
EOT
"$LMSTAB" sweep "$TMP/s.ini" --plugin-dir "$PLUGINS" --data "$TMP/t.bin" --quiet > /dev/null 2> "$TMP/sw.err" \
    || { cat "$TMP/sw.err"; fail "a sweep with vocab_size = auto failed"; }
grep -q '"vocab_size":[[:space:]]*50257,' "$TMP/sweep/baseline/lr_0.01/seed_1/summary.json" || fail "sweep run: wrong vocabulary"
# a model too small for a token file that records no vocabulary: the sweep
# reads its ids when it checks its configs and stops before any run, at
# the key's line (not once per run, inside each train.log)
sed -e 's/^model.vocab_size = auto$/model.vocab_size = 256/' -e "s|^out = .*|out = $TMP/sweep2|" "$TMP/s.ini" > "$TMP/s2.ini"
expect_error "s2.ini:9: [model] vocab_size: is 256, but $TMP/t.bin is an llm.c token file of GPT-2 tokens (vocabulary 50257; its largest token id is 999): set model.vocab_size = 50257" \
    "$LMSTAB" sweep "$TMP/s2.ini" --plugin-dir "$PLUGINS" --data "$TMP/t.bin" --quiet
[ ! -e "$TMP/sweep2/baseline" ] || fail "a sweep whose model cannot hold its data's ids started a run"
echo "ok"
