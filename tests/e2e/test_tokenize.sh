#!/bin/sh
# lmstab tokenize: train a tokenizer, encode into shards, decode back to the
# same bytes; outputs are never overwritten silently; errors name the file.
. "$(dirname "$0")/lib.sh"
if ! "$LMSTAB" --version | grep -q "tokenizer: sentencepiece"; then
    expect_error "built without SentencePiece: install libsentencepiece-dev" \
        "$LMSTAB" tokenize train x --vocab 300 --out t.model
    echo "SKIP: built without SentencePiece"; exit 0
fi
cd "$TMP"
make_corpus corpus.txt
"$LMSTAB" tokenize train corpus.txt --vocab 512 --out tok.model 2>log || { cat log; fail "train"; }
grep -q "trained a bpe tokenizer of 512 pieces on corpus.txt" log || fail "train line: $(cat log)"
[ "$(wc -l < log)" -eq 1 ] || fail "the trainer's own log leaked: $(cat log)"
[ -s tok.vocab ] && [ "$(wc -l < tok.vocab)" -eq 512 ] || fail "tok.vocab"
ls | grep -q tmp && fail "temporaries left: $(ls)"
# the same text gives the same bytes, trained again from its absolute path
# in a directory of its own (the model records its trainer's options: no
# process id, no absolute path)
mkdir again && (cd again && "$LMSTAB" tokenize train "$TMP/corpus.txt" --vocab 512 --out t.model 2> /dev/null) \
    || fail "train from an absolute path"
cmp -s tok.model again/t.model && cmp -s tok.vocab again/t.vocab || fail "a second training gave other bytes"
grep -qF "$TMP" tok.model again/t.model && fail "a tokenizer records an absolute path"
cp tok.vocab lone.vocab
expect_error "lone.vocab exists; pass --overwrite to replace it" \
    "$LMSTAB" tokenize train corpus.txt --vocab 512 --out lone.model
expect_error "tok.model exists; pass --overwrite to replace it" \
    "$LMSTAB" tokenize train corpus.txt --vocab 512 --out tok.model
"$LMSTAB" tokenize encode --model tok.model corpus.txt --out c.bin 2>log || { cat log; fail "encode"; }
bytes=$(wc -c < corpus.txt)
grep -q "tokenize: $bytes bytes -> [0-9]* tokens" log || fail "encode line: $(cat log)"
"$LMSTAB" tokenize decode --model tok.model c.bin > back.txt || fail "decode"
cmp -s back.txt corpus.txt || fail "decode(encode(text)) differs from the text"
# a two-file encode split into shards decodes to the concatenation
"$LMSTAB" tokenize encode --model tok.model corpus.txt corpus.txt --out s.bin \
    --shard-tokens 20000 2>log || fail "sharded encode"
n=$(ls s_0*.bin | wc -l)
[ "$n" -ge 2 ] || fail "expected several shards, got $n"
for f in s_0*.bin; do "$LMSTAB" tokenize decode --model tok.model "$f"; done > back2.txt
cat corpus.txt corpus.txt | cmp -s - back2.txt || fail "shards do not decode to the inputs"
# a list of shards trains, another validates: data.train as a glob,
# data.val as a file; every token of each is used
# shellcheck disable=SC2086
"$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set training.max_steps=4 \
    --set model.vocab_size=auto --set "data.train=s_00000[01].bin" --set data.val=s_000002.bin \
    --out split 2> split.err || { cat split.err; fail "training on a shard list failed"; }
grep -q "40000 tokens (40000 train, 20000 validation)\|60000 tokens (40000 train, 20000 validation)" split.err \
    || fail "the shard list was not split as given: $(grep tokens split.err)"
grep -q '"data_val":[[:space:]]*"s_000002.bin"' split/summary.json || fail "summary.json lacks data_val"
# a file in both lists, or twice in one, is refused by name
# shellcheck disable=SC2086
expect_error "s_000002.bin: in data.train and in data.val: validation on training data holds nothing out" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
    --set "data.train=s_00000[012].bin" --set data.val=./s_000002.bin --out tv
# shellcheck disable=SC2086
expect_error "s_000000.bin: named twice in data.train: a file counts once" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
    --set "data.train=s_000000.bin, s_00000[01].bin" --out tv
# shellcheck disable=SC2086
expect_error "nomatch_*.bin: no file matches" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set "data.train=nomatch_*.bin" --out nm
# shellcheck disable=SC2086
expect_error "corpus.txt: text, unlike the files before it in data.train (token shards, vocabulary 512): one list holds one kind of data" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
    --set "data.train=s_000000.bin, corpus.txt" --out mix
# data.val: its own list, and of data.train's kind; a sweep says so before
# its first run, naming the same file and list
# shellcheck disable=SC2086
expect_error "corpus.txt: text, unlike the files before it in data.val (token shards, vocabulary 512): one list holds one kind of data" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
    --set "data.train=s_000000.bin" --set "data.val=s_000001.bin, corpus.txt" --out mixv
# shellcheck disable=SC2086
expect_error "corpus.txt: text, unlike the files of data.train (token shards, vocabulary 512): validation data is of the training data's kind" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
    --set "data.train=s_000000.bin" --set "data.val=corpus.txt" --out mixt
one_cell_sweep mixsweep "model.vocab_size = auto
data.val = corpus.txt" > mix.ini
expect_error "corpus.txt: text, unlike the files of data.train (token shards, vocabulary 512): validation data is of the training data's kind" \
    "$LMSTAB" sweep mix.ini --quiet --plugin-dir "$PLUGINS" --data s_000000.bin
one_cell_sweep mixsweep "model.vocab_size = auto
data.val = s_000001.bin, corpus.txt" > mix.ini
expect_error "corpus.txt: text, unlike the files before it in data.val (token shards, vocabulary 512): one list holds one kind of data" \
    "$LMSTAB" sweep mix.ini --quiet --plugin-dir "$PLUGINS" --data s_000000.bin
[ ! -e mixsweep ] || fail "a sweep with mixed data made its out directory"
# a shorter encode over it with --overwrite removes its later shards (a
# glob would mix them in)
head -c 20000 corpus.txt > short.txt
"$LMSTAB" tokenize encode --model tok.model short.txt --out s.bin --shard-tokens 20000 --overwrite 2>log || { cat log; fail "re-encode"; }
grep -q "removed $((n - 1)) shards an earlier encode left" log || fail "re-encode: $(cat log)"
[ "$(ls s_0*.bin | wc -l)" -eq 1 ] || fail "stale shards survived --overwrite: $(ls s_0*.bin)"
# a failed encode over an earlier set, once it had replaced its first
# shards, leaves none of that name (not a set missing its head)
"$LMSTAB" tokenize encode --model tok.model corpus.txt corpus.txt --out s.bin --shard-tokens 20000 --overwrite 2>/dev/null || fail "encode again"
expect_error "nope.txt: cannot open" "$LMSTAB" tokenize encode --model tok.model short.txt nope.txt --out s.bin --shard-tokens 2000 --overwrite
[ -z "$(ls s_0*.bin 2>/dev/null)" ] || fail "a failed encode left a partial set: $(ls s_0*.bin)"
"$LMSTAB" tokenize encode --model tok.model corpus.txt corpus.txt --out s.bin --shard-tokens 20000 --overwrite 2>/dev/null || fail "encode again"
expect_error "s_000000.bin exists; pass --overwrite" \
    "$LMSTAB" tokenize encode --model tok.model corpus.txt --out s.bin --shard-tokens 20000
expect_error "out.txt: a shard's name must end in .bin" \
    "$LMSTAB" tokenize encode --model tok.model corpus.txt --out out.txt
expect_error "corpus.txt: not a SentencePiece model" \
    "$LMSTAB" tokenize encode --model corpus.txt corpus.txt --out x.bin
expect_error "nope.txt: cannot open: No such file or directory" \
    "$LMSTAB" tokenize encode --model tok.model nope.txt --out y.bin
[ -e y.bin ] && fail "a failed encode left y.bin"
# a full disk (a file size limit: EFBIG, as ENOSPC) fails train and encode
# naming the file the user asked for, and leaves the earlier files whole
# (lmstab writes the trained model itself and checks every write)
cp tok.model before.model && cp tok.vocab before.vocab && cp c.bin before.bin
( trap '' XFSZ; ulimit -f 2; exec "$LMSTAB" tokenize train corpus.txt --vocab 512 --out tok.model --overwrite ) \
    > /dev/null 2> log && fail "train on a full disk succeeded"
grep -q "^lmstab tokenize: tok.model: cannot write: File too large$" log \
    || fail "train on a full disk: $(cat log)"
( trap '' XFSZ; ulimit -f 2; exec "$LMSTAB" tokenize encode --model tok.model corpus.txt --out c.bin --overwrite ) \
    > /dev/null 2> log && fail "encode on a full disk succeeded"
grep -q "^lmstab tokenize: c.bin: cannot write: File too large$" log || fail "encode on a full disk: $(cat log)"
cmp -s tok.model before.model && cmp -s tok.vocab before.vocab && cmp -s c.bin before.bin \
    || fail "a full disk changed an earlier tokenizer or shard"
ls | grep -q tmp && fail "temporaries left on a full disk: $(ls)"
# a directory, a FIFO or an empty file where a tokenizer or its text goes:
# named, refused at once (SentencePiece would abort, block, or name only
# its own source line)
mkdir adir && mkfifo fifo && : > empty.txt
expect_error "adir: not a regular file (a directory)" "$LMSTAB" tokenize encode --model adir corpus.txt --out d.bin
expect_error "fifo: not a regular file (a FIFO)" timeout 60 "$LMSTAB" tokenize train fifo --vocab 400 --out f.model
expect_error "empty.txt: empty: nothing to train a tokenizer on" "$LMSTAB" tokenize train empty.txt --vocab 400 --out f.model
head -c 1500 c.bin > cut.bin
expect_error "cut.bin: offset 8: the header says" \
    "$LMSTAB" tokenize decode --model tok.model cut.bin
# a sweep finds it before its first run (each run would fail alone)
one_cell_sweep cutsweep "model.vocab_size = auto" > cut.ini
expect_error "cut.bin: offset 8: the header says" \
    "$LMSTAB" sweep cut.ini --quiet --plugin-dir "$PLUGINS" --data cut.bin
[ ! -e cutsweep ] || fail "a sweep on a cut shard made its out directory"
# a model trains on the shard; model.vocab_size = auto takes the tokenizer's
# vocabulary from the shard's header (word 3)
# shellcheck disable=SC2086
"$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data c.bin $TINY \
    --set training.max_steps=6 --set model.vocab_size=auto --quiet --out run >/dev/null 2>&1 \
    || fail "training on a tokenize shard failed"
grep -q '"vocab_size":[[:space:]]*512' run/summary.json || fail "vocab_size auto did not take 512: $(grep -o '"vocab_size":[^,]*' run/summary.json)"
# bits per byte: with data.tokenizer the validation loss per byte of text
# (bytes per piece from the tokenizer), and the tokenizer's SHA-256; text
# read as bytes is one byte a token; a shard without a tokenizer has none
# shellcheck disable=SC2086
"$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data c.bin $TINY \
    --set training.max_steps=6 --set model.vocab_size=auto --set data.tokenizer=tok.model \
    --quiet --out bpb >/dev/null 2>&1 || fail "training with data.tokenizer failed"
python3 - "$(sha256sum tok.model | cut -c1-64)" <<'PY' || fail "bits per byte"
import json, math, sys
s = json.load(open("bpb/summary.json"))
assert s["tokenizer"] == "tok.model" and s["tokenizer_sha256"] == sys.argv[1], s
t = s["val_tokens_per_byte"]
assert 0.2 < t < 0.9, t  # BPE pieces of English: between 1 and 5 bytes
assert abs(s["final_val_bpb"] - s["final_val_loss"] * t / math.log(2)) < 1e-9
r = json.load(open("run/summary.json"))
assert r["final_val_bpb"] is None and "tokenizer" not in r, r
# metrics.csv: val_bpb beside every validation loss (the same rule), and
# empty in the run without a tokenizer
import csv
rows = [x for x in csv.DictReader(open("bpb/metrics.csv")) if x["val_loss"]]
assert len(rows) >= 2, rows
for x in rows:
    want = float(x["val_loss"]) * t / math.log(2)
    assert abs(float(x["val_bpb"]) - want) < 2e-6, (x["val_bpb"], want)
assert all(not x["val_bpb"] for x in csv.DictReader(open("run/metrics.csv"))), "bpb without a tokenizer"
PY
"$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data corpus.txt $TINY \
    --set training.max_steps=6 --quiet --out bytes >/dev/null 2>&1 || fail "byte run"
python3 -c "
import json, math
s = json.load(open('bytes/summary.json'))
assert s['val_tokens_per_byte'] == 1 and abs(s['final_val_bpb'] - s['final_val_loss'] / math.log(2)) < 1e-12, s
" || fail "bits per byte of a byte-level run"
# sample: a token model's text comes through the run's tokenizer, or one
# given; a run that names none says how to give one
"$LMSTAB" sample bpb --plugin-dir "$PLUGINS" --prompt "ROMEO:" --tokens 20 --seed 3 \
    > s1.txt 2> s1.err || { cat s1.err; fail "sample of a token model"; }
grep -q "lmstab sample: tokenizer tok.model" s1.err || fail "sample did not name its tokenizer: $(cat s1.err)"
head -c 6 s1.txt | grep -q "^ROMEO:" || fail "sample output does not start with the prompt"
[ "$(wc -c < s1.txt)" -gt 8 ] || fail "sample produced no text"
expect_error "the model's vocabulary is 512 tokens and its run names no tokenizer (data.tokenizer): give one with --tokenizer FILE.model" \
    "$LMSTAB" sample run --plugin-dir "$PLUGINS" --tokens 5
"$LMSTAB" sample run --plugin-dir "$PLUGINS" --tokenizer tok.model --prompt "ROMEO:" --tokens 20 --seed 3 \
    > s2.txt 2>/dev/null || fail "sample with --tokenizer"
[ "$(wc -c < s2.txt)" -gt 8 ] || fail "sample with --tokenizer produced no text"
"$LMSTAB" tokenize train corpus.txt --vocab 400 --out small.model 2>/dev/null || fail "train small"
# shellcheck disable=SC2086
expect_error "small.model has 400 pieces but c.bin has a vocabulary of 512: not the tokenizer that wrote it" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data c.bin $TINY \
    --set model.vocab_size=auto --set data.tokenizer=small.model --out bad
expect_error "small.model has 400 pieces, the model of run/weights.safetensors 512 tokens: not its tokenizer" \
    "$LMSTAB" sample run --plugin-dir "$PLUGINS" --tokenizer small.model --tokens 5
# shellcheck disable=SC2086
expect_error "[data] tokenizer: the data is a text file read as bytes; a tokenizer goes with a token shard" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data corpus.txt $TINY \
    --set data.tokenizer=tok.model --out bad2
# shellcheck disable=SC2086
expect_error "c.bin is a token shard (vocabulary 512; its largest token id is" \
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data c.bin $TINY \
    --set model.vocab_size=300 --out run2
expect_error "unknown action 'encoed' (train, encode or decode)" \
    "$LMSTAB" tokenize encoed
expect_error "corpus.txt: --vocab 262 is too small: this text needs" \
    "$LMSTAB" tokenize train corpus.txt --vocab 262 --out t3.model
# an id past the tokenizer's vocabulary, named where it lies
python3 - c.bin big.bin <<'EOT' 2>/dev/null || cp c.bin big.bin
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<i", b, 12, 0)        # no recorded vocabulary
struct.pack_into("<H", b, 1024 + 2 * 3, 65000)
open(sys.argv[2], "wb").write(b)
EOT
if command -v python3 > /dev/null; then
    expect_error "big.bin: offset 1030: token 3 is 65000, outside the vocabulary of tok.model (512 pieces)" \
        "$LMSTAB" tokenize decode --model tok.model big.bin
    # a header's vocabulary no model can have, for model.vocab_size = auto
    python3 -c 'import struct, sys; b = bytearray(open("c.bin", "rb").read()); struct.pack_into("<i", b, 12, 1); open("v1.bin", "wb").write(b)'
    # shellcheck disable=SC2086
    expect_error "v1.bin: offset 12: vocabulary 1, which no model can have (2 to 1048576)" \
        "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" $TINY --set model.vocab_size=auto \
        --set data.train=v1.bin --out v1run
fi
expect_error "--vocab: must be an integer >= 1 (got 'many')" \
    "$LMSTAB" tokenize train corpus.txt --vocab many --out t2.model
echo "ok"
