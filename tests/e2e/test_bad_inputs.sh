# Bad inputs: one-line error naming the place, non-zero exit, no output dir.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
run() { "$LMSTAB" train "$@" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/out" --quiet; }
printf '[model]\nd_model = 64\n[block\n' > "$TMP/malformed.ini"
expect_error "$TMP/malformed.ini:3: syntax error" run "$TMP/malformed.ini"
sed 's/^d_model = 128/d_model = 128\nwidth = 3/' "$CFG" > "$TMP/unknown_key.ini"
expect_error "unknown_key.ini:7: [model] width: unknown key; accepted: vocab_size" run "$TMP/unknown_key.ini"
sed 's/^plugin = gelu/plugin = no_such_act/' "$CFG" > "$TMP/unknown_plugin.ini"
expect_error "[block.act] plugin: unknown plugin 'no_such_act': no lms_no_such_act.so in" run "$TMP/unknown_plugin.ini"
sed 's/^plugin = gelu/plugin = ..\/gelu/' "$CFG" > "$TMP/path_plugin.ini"
expect_error "[block.act] plugin: invalid plugin name '../gelu'" run "$TMP/path_plugin.ini"
expect_error "--set training.lr: [training] lr: must be a finite number" run "$CFG" --set training.lr=abc
expect_error "--set model.vocab_size: [model] vocab_size: must be auto or an integer >= 2 and <= 1048576 (got 'AUTO')" run "$CFG" --set model.vocab_size=AUTO
expect_error "[model] n_head: d_model (128) must be divisible by n_head (3)" run "$CFG" --set model.n_head=3
sed 's/^mlp  = ln2, fc1, act, fc2/mlp  = ln2, fc1, act, fc3/' "$CFG" > "$TMP/undefined_op.ini"
expect_error "[block] mlp: op 'fc3' needs a [block.fc3] section" run "$TMP/undefined_op.ini"
expect_error "[block] mlp: the branch ends with 256 features but must return to d_model = 128" run "$CFG" --set block.fc2.out_mult=2
expect_error "[block.ln1] eps:" run "$CFG" --set block.ln1.eps=-1
expect_error "[block.ln1] colour: unknown key for plugin 'layernorm'; accepted:" run "$CFG" --set block.ln1.colour=red
# one boolean dialect: a plugin's boolean takes yes/on/off like the core's
expect_error "[block.ln1] bias: must be true or false (got 'maybe')" run "$CFG" --set block.ln1.bias=maybe
# (the accepted runs train the tiny model: what is tested is the config)
run "$CFG" $TINY --set block.ln1.bias=Yes --set model.tie_embeddings=on --set training.max_steps=1 \
    || fail "a plugin's boolean 'Yes' was refused"
rm -rf "$TMP/out"
expect_error "[blok]: unknown section" run "$CFG" --set blok.x=1
head -c 100 "$TMP/corpus.txt" > "$TMP/short.txt"
expect_error "short.txt" "$LMSTAB" train "$CFG" --plugin-dir "$PLUGINS" --data "$TMP/short.txt" --out "$TMP/out" --quiet
: > "$TMP/empty.txt"
expect_error "empty.txt" "$LMSTAB" train "$CFG" --plugin-dir "$PLUGINS" --data "$TMP/empty.txt" --out "$TMP/out" --quiet
expect_error "/nonexistent/file.txt" "$LMSTAB" train "$CFG" --plugin-dir "$PLUGINS" --data /nonexistent/file.txt --out "$TMP/out" --quiet
[ ! -e "$TMP/out" ] || fail "an output directory was left behind by a failed run"
# misspelled sections and keys name the closest valid one
expect_error "--set: [trainig]: unknown section; did you mean [training]?" run "$CFG" --set trainig.lr=0.01
expect_error "[training] lrr: unknown key (did you mean 'lr'?); accepted: lr," run "$CFG" --set training.lrr=0.01
expect_error "[block.ln1] epz: unknown key for plugin 'layernorm' (did you mean 'eps'?); accepted: eps" run "$CFG" --set block.ln1.epz=1e-5
expect_error "[block.attn] q_nrom: unknown key for plugin 'causal_attention' (did you mean 'q_norm'?); accepted: n_head; slots: q_norm, k_norm" \
    run "$CFG" --set block.attn.q_nrom=layernorm
# a misspelled plugin names the closest installed one and lists them all
sed 's/plugin = gelu/plugin = gleu/' "$CFG" > "$TMP/gleu.ini"
expect_error "unknown plugin 'gleu'" run "$TMP/gleu.ini"
grep -q "did you mean 'gelu'?; installed: .*gelu, layernorm" "$TMP/err" || { cat "$TMP/err"; fail "no suggestion or list of installed plugins"; }
# keys for an empty plugin slot say that the slot is empty and how to fill it
expect_error "--set block.attn.score_cap.cap: [block.attn.score_cap] cap: the slot 'score_cap' of [block.attn] (plugin causal_attention) is empty, so these keys have no plugin to go to: fill it with --set block.attn.score_cap=tanh_cap (or score_cap = tanh_cap in [block.attn]); score_map plugins installed: " \
    run "$CFG" --set block.attn.score_cap.cap=30
printf '\n[block.attn.score_cap]\ncap = 50\n' | cat "$CFG" - > "$TMP/empty_slot.ini"
expect_error "empty_slot.ini:$(($(wc -l < "$CFG") + 3)): [block.attn.score_cap] cap: the slot 'score_cap' of [block.attn] (plugin causal_attention) is empty" \
    run "$TMP/empty_slot.ini"
expect_error "[model.logit_cap] cap: [model] logit_cap is empty" run "$CFG" --set model.logit_cap.cap=30
run "$CFG" $TINY --set block.attn.score_cap=tanh_cap --set block.attn.score_cap.cap=30 --set training.max_steps=1 \
    || fail "a filled slot's keys were refused"
rm -rf "$TMP/out"
# command-line numbers: one parser, range-checked, one line naming the option
expect_error "lmstab sweep: --jobs: must be an integer >= 1 and <= 1024 (got 'x')" "$LMSTAB" sweep /nonexistent.ini --jobs x
expect_error "lmstab sweep: --jobs: must be an integer >= 1 and <= 1024 (got '0')" "$LMSTAB" sweep /nonexistent.ini --jobs 0
expect_error "lmstab sweep: --jobs: must be an integer >= 1 and <= 1024 (got '99999999999')" "$LMSTAB" sweep /nonexistent.ini --jobs 99999999999
expect_error "lmstab sweep: --jobs needs a value (N)" "$LMSTAB" sweep /nonexistent.ini --jobs
expect_error "lmstab train: --checkpoint-every: must be an integer >= 1 (got '1e3')" run "$CFG" --checkpoint-every 1e3
expect_error "lmstab bench: --steps: must be an integer >= 1 and <= 1000000 (got '0')" "$LMSTAB" bench "$CFG" --steps 0
# a misspelled command names the closest one
expect_error "unknown command 'trian'; did you mean 'train'?" "$LMSTAB" trian
# golden --map takes OURS=THEIRS rules (the same maps as train --init-from)
expect_error "map 'nonsense': must be OURS=THEIRS, two dotted names of at most 95 characters" \
    "$LMSTAB" golden "$SRC/configs/qk_norm.ini" "$SRC/../shared/golden/qk_norm.safetensors" --plugin-dir "$PLUGINS" --map nonsense
echo "ok"
