#!/bin/sh
# Logging never changes a run: per-layer instrumentation and the metrics
# cadence leave every parameter bit for bit as without them. (A branch
# that starts with a linear op, as qkv_norm's, used to accumulate its input
# gradient elsewhere when instrumented, which rounds differently at
# d_model 256.)
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
DIMS="--set model.d_model=256 --set model.n_head=4 --set model.n_layer=1 --set model.context=16 --set training.batch_size=2 --set training.max_steps=4 --set training.eval_every=2 --set training.eval_batches=1"
for v in qkv_norm baseline; do
    i=0
    for logging in "--set training.instrument_every=0 --set training.log_every=1" \
                   "--set training.instrument_every=1 --set training.log_every=1" \
                   "--set training.instrument_every=2 --set training.log_every=3"; do
        # shellcheck disable=SC2086
        "$LMSTAB" train "$SRC/configs/$v.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
            $DIMS $logging --quiet --out "$TMP/$v.$i" || fail "$v: training failed ($logging)"
        data_of "$TMP/$v.$i/weights.safetensors" > "$TMP/$v.$i.bin"
        [ -s "$TMP/$v.$i.bin" ] || fail "$v: no trained parameters ($logging)"
        [ $i -eq 0 ] || cmp -s "$TMP/$v.0.bin" "$TMP/$v.$i.bin" \
            || fail "$v: '$logging' changed the trained parameters"
        i=$((i + 1))
    done
done
echo ok
