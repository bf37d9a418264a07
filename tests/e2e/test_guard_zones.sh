# Guard zones (LMSTAB_GUARD=1): a plugin writing one float past the end of
# any buffer it is handed is named with its op, pass and buffer, wherever
# it runs: a block op (output y, input gradient dx, parameter, gradient,
# cache, scratch, stats), an attention child (its parameter, gradient,
# cache, scratch), the final norm, the logit cap, the auxiliary loss.
# Without guards each write would land silently in a neighbouring buffer.
# Under ASan the write itself is stopped (use-after-poison) and the same
# description is printed first ("LMSTAB_GUARD: ..."). The fixture is
# tests/fixtures/guard_oob.c (tests/guard.cmake).
. "$(dirname "$0")/lib.sh"
[ -n "${LMS_FIXTURE_PLUGIN_DIR:-}" ] || fail "LMS_FIXTURE_PLUGIN_DIR not set"
make_corpus "$TMP/corpus.txt"
ASAN=0
nm "$LMSTAB" 2>/dev/null | grep -q __asan_init && ASAN=1
export LMSTAB_GUARD=1
# oob "expected description" --set...: a short run on qk_norm that must
# stop with the description (or, under ASan, abort with it)
oob() {
    want="$1"; shift
    args=""
    for a in "$@"; do args="$args --set $a"; done
    # shellcheck disable=SC2086
    "$LMSTAB" train "$SRC/configs/qk_norm.ini" $TINY $args --set training.max_steps=2 \
        --set training.log_every=1 --set training.instrument_every=1 \
        --plugin-dir "$LMS_FIXTURE_PLUGIN_DIR" --data "$TMP/corpus.txt" --quiet \
        > /dev/null 2> "$TMP/err" && fail "a write past $want went unnoticed ($*)"
    if [ $ASAN = 1 ]; then
        grep -qF "LMSTAB_GUARD: $want" "$TMP/err" && grep -q "AddressSanitizer: use-after-poison" "$TMP/err" ||
            { head -30 "$TMP/err"; fail "no ASan report naming '$want' ($*)"; }
    else
        grep -qF "lmstab: error: step 0: $want" "$TMP/err" && [ "$(wc -l < "$TMP/err")" -eq 1 ] ||
            { cat "$TMP/err"; fail "expected one error naming '$want' ($*)"; }
    fi
}
N=guard_oob_norm
past="wrote past the end of"
# a block op (in place of ln1); rows 4 x 32 = 128 tokens, C = 32
op() { oob "plugin '$N' (op 'ln1', $1) $past $2" block.ln1.plugin=$N block.ln1.buffer=$3 block.ln1.pass=$1; }
op forward "its output y: 0 floats past its 4096 (LMSTAB_GUARD)" y
op backward "its input gradient dx: 0 floats past its 4096" dx
op forward "its parameter 'weight': 0 floats past its 32" weight
op backward "the gradient of its parameter 'weight': 0 floats past its 32" dweight
op forward "its cache: 0 floats past its 4" cache
op backward "its cache: 0 floats past its 4" cache
op forward "its scratch: 0 floats past its 4" scratch
op backward "its scratch: 0 floats past its 4" scratch
op forward "its stats: 0 floats past its 1" stats
# an attention child: the call is the parent's, the buffer its child's
of="of its child 'q_norm' (plugin '$N')"
child() { oob "plugin 'causal_attention' (op 'attn', $1) $past $2 $of" block.attn.q_norm=$N block.attn.q_norm.buffer=$3 block.attn.q_norm.pass=$1; }
child forward "the parameter 'weight'" weight
child backward "the gradient of the parameter 'weight'" dweight
child forward "the cache" cache
child backward "the scratch" scratch
# the model-level plugins
oob "plugin '$N' (op 'final_norm', forward) $past its output y: 0 floats past its 4096" model.final_norm=$N model.final_norm.buffer=y
oob "plugin '$N' (op 'final_norm', backward) $past its input gradient dx" model.final_norm=$N model.final_norm.buffer=dx model.final_norm.pass=backward
oob "plugin '$N' (op 'final_norm', forward) $past its cache" model.final_norm=$N model.final_norm.buffer=cache
M=guard_oob_map
oob "plugin '$M' (op 'logit_cap', forward) $past its output y: 0 floats past its 32768" model.logit_cap=$M model.logit_cap.buffer=y
oob "plugin '$M' (op 'logit_cap', backward) $past its input gradient dx: 0 floats past its 32768" model.logit_cap=$M model.logit_cap.buffer=dx model.logit_cap.pass=backward
oob "plugin '$M' (op 'logit_cap', forward) $past its parameter 'weight': 0 floats past its 256" model.logit_cap=$M model.logit_cap.buffer=weight
A=guard_oob_aux
oob "plugin '$A' (op 'aux_loss', forward) $past its output y: 0 floats past its 128" model.aux_loss=$A model.aux_loss.buffer=y
oob "plugin '$A' (op 'aux_loss', backward) $past its input gradient dx: 0 floats past its 32768" model.aux_loss=$A model.aux_loss.buffer=dx model.aux_loss.pass=backward
oob "plugin '$A' (op 'aux_loss', backward) $past its scratch: 0 floats past its 4" model.aux_loss=$A model.aux_loss.buffer=scratch model.aux_loss.pass=backward
# the same fixture writing nothing trains, with the same numbers as
# without guards
"$LMSTAB" train "$SRC/configs/qk_norm.ini" $TINY --set training.max_steps=4 --set block.ln1.plugin=$N \
    --set block.attn.q_norm=$N --set model.logit_cap=guard_oob_map --set model.aux_loss=$A \
    --plugin-dir "$LMS_FIXTURE_PLUGIN_DIR" --data "$TMP/corpus.txt" --out "$TMP/g" --quiet || fail "a well-behaved fixture run failed"
LMSTAB_GUARD=0 "$LMSTAB" train "$SRC/configs/qk_norm.ini" $TINY --set training.max_steps=4 --set block.ln1.plugin=$N \
    --set block.attn.q_norm=$N --set model.logit_cap=guard_oob_map --set model.aux_loss=$A \
    --plugin-dir "$LMS_FIXTURE_PLUGIN_DIR" --data "$TMP/corpus.txt" --out "$TMP/n" --quiet || fail "the run without guards failed"
cut -d, -f1-5 "$TMP/g/metrics.csv" > "$TMP/g.csv"; cut -d, -f1-5 "$TMP/n/metrics.csv" > "$TMP/n.csv"
cmp -s "$TMP/g.csv" "$TMP/n.csv" || fail "guard zones changed the numbers"
echo ok
