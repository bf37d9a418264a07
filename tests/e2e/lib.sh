# Helpers for the end-to-end scripts: sourced, not a test itself.
LMSTAB="$1"; SRC="$2"; PLUGINS="$3"; JSON_LINES="$4" # tests/tools/json_lines.c
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_error "needle" cmd...: non-zero exit, one line on stderr containing needle
expect_error() {
    needle="$1"; shift
    if "$@" >"$TMP/stdout" 2>"$TMP/err"; then fail "expected failure: $*"; fi
    grep -qF -- "$needle" "$TMP/err" || { cat "$TMP/err" >&2; fail "expected '$needle' in stderr of: $*"; }
    [ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "expected a one-line error: $*"; }
}
# A small corpus: the head of the default corpus if present, else generated text.
make_corpus() {
    src="$SRC/../shared/data/tinyshakespeare.txt"
    [ -r "$SRC/data/tinyshakespeare.txt" ] && src="$SRC/data/tinyshakespeare.txt"
    if [ -r "$src" ]; then head -c 200000 "$src" > "$1"
    else i=0; while [ $i -lt 4000 ]; do echo "line $i of some text to learn from, again and again."; i=$((i+1)); done > "$1"; fi
}
TINY="--set model.d_model=32 --set model.n_layer=2 --set model.n_head=2 --set model.context=32 --set training.batch_size=4 --set training.eval_every=10 --set training.eval_batches=2 --set training.log_every=5 --set training.warmup_steps=5"
# The same model as [overrides] lines of a sweep file (in an unquoted here-document).
TINY_OVERRIDES="model.d_model = 32
model.n_layer = 2
model.n_head = 2
model.context = 32
training.batch_size = 4"
# one_cell_sweep OUT [LINES]: a sweep file of baseline at lr 0.01, seed 1,
# the TINY model, and LINES appended to its [overrides]
one_cell_sweep() {
    printf '[sweep]\nvariants = baseline\nconfigs_dir = %s\nlr_min = 0.01\nlr_max = 0.01\nseeds = 1\nout = %s\n\n[overrides]\n%s\n%s\n' \
        "$SRC/configs" "$1" "$TINY_OVERRIDES" "${2:-}"
}
# data_of FILE: the data block of a safetensors file (skips the 8-byte length
# and the header, whose metadata holds wall-clock times).
data_of() { n=$(od -An -t u8 -N8 "$1" | tr -d ' '); tail -c +$((n + 9)) "$1"; }
