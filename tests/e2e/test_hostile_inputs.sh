# Hostile and broken inputs not covered by test_bad_inputs.sh: each gives a
# one-line error naming the file and the problem, exit status 1, and
# nothing written. INI limits, plugins that are not plugins (reached from a
# config), corrupt checkpoints for --resume and --init-from, odd data paths.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
CFG="$SRC/configs/baseline.ini"
run() { "$LMSTAB" train "$@" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet; }

# --- INI --------------------------------------------------------------------
{ printf '[model]\n; '; i=0; while [ $i -lt 103 ]; do printf 'xxxxxxxxxx'; i=$((i + 1)); done; printf '\n'; } > "$TMP/long.ini"
expect_error "long.ini:2: line longer than 1024 characters" run "$TMP/long.ini" --out "$TMP/o"
lineof() { grep -n "$1" "$2" | head -1 | cut -d: -f1; }
sed 's/^init_std = 0.02/init_std = nan/' "$CFG" > "$TMP/nan.ini"
expect_error "nan.ini:$(lineof '^init_std' "$TMP/nan.ini"): [model] init_std: must be a finite number in [0, 10] (got 'nan')" run "$TMP/nan.ini" --out "$TMP/o"
sed 's/^lr = 3e-3/lr = inf/' "$CFG" > "$TMP/inf.ini"
expect_error "inf.ini:$(lineof '^lr =' "$TMP/inf.ini"): [training] lr: must be a finite number in [0, 1000] (got 'inf')" run "$TMP/inf.ini" --out "$TMP/o"
expect_error "--set training.lr: [training] lr: must be a finite number in [0, 1000] (got '-inf')" run "$CFG" --set training.lr=-inf --out "$TMP/o"
expect_error "--set training.eps: [training] eps: must be a finite number in [1e-30, 1] (got '1e999')" run "$CFG" --set training.eps=1e999 --out "$TMP/o"
expect_error "--set model.n_layer: [model] n_layer: must be an integer in [1, 1024] (got '0')" run "$CFG" --set model.n_layer=0 --out "$TMP/o"
expect_error "[model] n_head: d_model (32) must be divisible by n_head (5)" run "$CFG" --set model.d_model=32 --set model.n_head=5 --out "$TMP/o"
sed 's/^attn = ln1, qkv, attn, proj/attn = ln1, qkv/' "$CFG" > "$TMP/branch.ini"
expect_error "branch.ini:$(lineof '^attn =' "$TMP/branch.ini"): [block] attn: the branch ends with 384 features but must return to d_model = 128 for the residual add" run "$TMP/branch.ini" --out "$TMP/o"
sed 's/^attn = ln1, qkv, attn, proj/attn = ln1, qkv, attn, proj, ghost/' "$CFG" > "$TMP/ghost.ini"
expect_error "ghost.ini:$(lineof '^attn =' "$TMP/ghost.ini"): [block] attn: op 'ghost' needs a [block.ghost] section with a 'plugin' key" run "$TMP/ghost.ini" --out "$TMP/o"
printf '[model]\nd_model = 8\n[model]\n' > "$TMP/dupsec.ini"
expect_error "dupsec.ini:3: [model]: duplicate section (first at line 1)" run "$TMP/dupsec.ini" --out "$TMP/o"

# --- plugins named from a config ----------------------------------------------
# (the build sets LMS_BAD_PLUGIN_DIR, tests/nan_inject.cmake: never skipped)
[ -n "${LMS_BAD_PLUGIN_DIR:-}" ] || fail "LMS_BAD_PLUGIN_DIR is not set: the bad-plugin checks would not run"
if [ -n "${LMS_BAD_PLUGIN_DIR:-}" ]; then
    bad() { sed "s/^plugin = gelu/plugin = $1/" "$CFG" > "$TMP/bad.ini"
            "$LMSTAB" train "$TMP/bad.ini" --plugin-dir "$LMS_BAD_PLUGIN_DIR" --data "$TMP/corpus.txt" --out "$TMP/o" --quiet; }
    expect_error "[block.act] plugin: $LMS_BAD_PLUGIN_DIR/lms_bad_no_entry.so: not an lmstab plugin: no 'lms_plugin_entry' symbol" bad bad_no_entry
    expect_error "lms_bad_abi.so: plugin ABI 3.0, this lmstab needs ABI 2.x" bad bad_abi
    expect_error "lms_bad_null_hook.so: descriptor has a NULL 'backward'" bad bad_null_hook
    expect_error "[block.act] plugin: invalid plugin name 'Gelu'" bad Gelu
    expect_error "[block.act] plugin: invalid plugin name 'a/b'" bad 'a\/b'
    # a plan whose cache would wrap the arena's size (trained with rc 0)
    expect_error ":$(lineof '^plugin = gelu' "$CFG"): [block.act] plugin: plugin 'bad_huge_cache' asks for 9223372036854775807 cache floats (more than the limit of 1152921504606846976)" bad bad_huge_cache
    # caught at plan time, before anything is written (was: at the first
    # checkpoint, after metrics.csv; a stat name with a newline split its header)
    expect_error "[block.act] plugin: plugin 'bad_dup_param' declared parameter 'weight' twice" bad bad_dup_param
    [ ! -e "$TMP/o" ] || fail "a plugin declaring a parameter twice left an output directory"
    expect_error "[block.act] plugin: plugin 'bad_stat_name' reports stat 0 with an invalid name" bad bad_stat_name
    [ ! -e "$TMP/o" ] || fail "a plugin with a bad stat name left an output directory"
    expect_error "lms_bad_size.so: descriptor size 18446744073709551615 is not plausible" bad bad_size
    expect_error "lms_bad_entry_var.so: not an lmstab plugin: 'lms_plugin_entry' is not a function" bad bad_entry_var
    # a backward writing 64 floats 4 KiB past the end of its dx: guard zones
    # (LMSTAB_GUARD=1) name the plugin and buffer; under ASan it stops at the
    # write (without guards it landed silently in a neighbouring buffer)
    export LMSTAB_GUARD=1
    if nm "$LMSTAB" 2>/dev/null | grep -q __asan_init; then
        bad bad_oob > /dev/null 2> "$TMP/asan" && fail "an out-of-bounds plugin write went unnoticed under ASan"
        grep -q "AddressSanitizer: use-after-poison" "$TMP/asan" || { head -20 "$TMP/asan"; fail "no ASan report for the out-of-bounds write"; }
    else
        expect_error "plugin 'bad_oob' (op 'act', backward) wrote past the end of its input gradient dx: 1024 floats past its" bad bad_oob
    fi
    unset LMSTAB_GUARD
    rm -rf "$TMP/o"
fi
# plugins anyone could replace or plant are refused
mkdir "$TMP/ww"; cp "$PLUGINS/lms_gelu.so" "$TMP/ww/"
wrun() { "$LMSTAB" train "$CFG" $TINY --set training.max_steps=2 --plugin-dir "$TMP/ww" --data "$TMP/corpus.txt" --out "$TMP/o" --quiet; }
chmod 777 "$TMP/ww"
expect_error "$TMP/ww/lms_gelu.so: refusing a plugin in a world-writable directory ($TMP/ww, mode 777" wrun
chmod 755 "$TMP/ww"; chmod 666 "$TMP/ww/lms_gelu.so"
expect_error "$TMP/ww/lms_gelu.so: refusing a world-writable plugin (mode 666" wrun
[ ! -e "$TMP/o" ] || fail "a refused plugin left an output directory"
LMSTAB_ALLOW_WRITABLE_PLUGINS=1 wrun || fail "LMSTAB_ALLOW_WRITABLE_PLUGINS=1 did not allow the plugin"
rm -rf "$TMP/o"
# every dimension at its maximum: the byte count must not wrap
expect_error "[model]: the model's size overflows a 64-bit byte count (vocab_size 1048576, context 65536, d_model 65536, n_layer 1024, batch_size 65536" \
    run "$CFG" --set model.vocab_size=1048576 --set model.context=65536 --set model.d_model=65536 --set model.n_layer=1024 --set model.n_head=1024 --set training.batch_size=65536 --out "$TMP/o"

# --- checkpoints ----------------------------------------------------------------
# le64 N: N as 8 little-endian bytes.
le64() { n=$1; i=0; while [ $i -lt 8 ]; do printf "\\$(printf %03o $(( (n >> (8 * i)) & 255 )))"; i=$((i + 1)); done; }
# st FILE HEADER DATA_BYTES: an honest length, the header, zero bytes.
st() { { le64 ${#2}; printf '%s' "$2"; head -c "$3" /dev/zero; } > "$1"; }
T="$TINY --set training.max_steps=5"
run "$CFG" $T --checkpoint-every 5 --out "$TMP/good" || fail "could not train the reference run"
ck="$TMP/good/checkpoint.safetensors"
size=$(wc -c < "$ck")
head -c $((size / 2)) "$ck" > "$TMP/truncated.st"
{ le64 99999999; tail -c +9 "$ck"; } > "$TMP/pasteof.st"
st "$TMP/overlap.st" '{"wte":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"wpe":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}' 12
st "$TMP/range.st" '{"wte":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}' 12
st "$TMP/unterminated.st" '{"wte":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}' 8
{ le64 12; printf '{"w\377":1}    '; } > "$TMP/utf8.st"
st "$TMP/dtype.st" '{"wte":{"dtype":"F16","shape":[256,32],"data_offsets":[0,16384]}}' 16384
st "$TMP/shape.st" '{"wte":{"dtype":"F32","shape":[256,16],"data_offsets":[0,16384]}}' 16384
for f in truncated pasteof overlap range unterminated utf8 dtype shape; do
    case $f in
    truncated) want="run past the data block" ;; # names the first tensor cut
    pasteof) want="header length 99999999 runs past end of file ($size bytes)" ;;
    overlap) want="tensors 'wte' [0, 8] and 'wpe' [4, 12] overlap" ;;
    range) want="tensor 'wte': data_offsets [8, 16] run past the data block (12 bytes)" ;;
    unterminated) want="header is not valid JSON" ;;
    utf8) want="header is not valid UTF-8 (byte 0xFF at header offset 3)" ;;
    dtype) want="tensor 'wte' is F16 [256, 32], expected F32 [256, 32]" ;;
    shape) want="tensor 'wte' has shape [256, 16], the model needs [256, 32]" ;;
    esac
    expect_error "$want" run "$CFG" $T --init-from "$TMP/$f.st" --out "$TMP/o"
    grep -qF "lmstab: error: $TMP/$f.st: " "$TMP/err" || fail "$f: the message does not start with the path"
    # the same file as the checkpoint of a run to resume: metrics untouched
    rm -rf "$TMP/res"; mkdir "$TMP/res"; cp "$TMP/good/metrics.csv" "$TMP/res/"
    cp "$TMP/$f.st" "$TMP/res/checkpoint.safetensors"
    case $f in dtype|shape) want="not an lmstab checkpoint: missing metadata 'format'" ;; esac
    expect_error "$want" run "$CFG" $T --resume "$TMP/res"
    grep -qF "lmstab: error: $TMP/res/checkpoint.safetensors: " "$TMP/err" || fail "$f: resume message lacks the path"
    cmp -s "$TMP/good/metrics.csv" "$TMP/res/metrics.csv" || fail "$f: a failed resume changed metrics.csv"
done
st "$TMP/nometa.st" '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}' 4
cp "$TMP/nometa.st" "$TMP/res/checkpoint.safetensors"
expect_error "checkpoint.safetensors: not an lmstab checkpoint: missing metadata 'format'" run "$CFG" $T --resume "$TMP/res"
expect_error "missing tensor 'wte' (F32 [256, 32])" run "$CFG" $T --init-from "$TMP/nometa.st" --out "$TMP/o"
expect_error "--init-from.st: cannot open: No such file or directory" run "$CFG" $T --init-from "$TMP/--init-from.st" --out "$TMP/o"
# --- golden files: dims are whole numbers, never truncated ----------------------
gmeta() { st "$TMP/g.st" "{\"__metadata__\":{\"config\":\"{\\\"n_layer\\\":1,\\\"d_model\\\":$1,\\\"n_head\\\":2,\\\"seq_len\\\":8,\\\"vocab\\\":256,\\\"batch\\\":$2}\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}" 4; }
gold() { "$LMSTAB" golden "$CFG" "$TMP/g.st" --plugin-dir "$PLUGINS"; }
gmeta 32.7 2
expect_error "$TMP/g.st: metadata config 'd_model' must be a positive integer (got 32.700000000000003)" gold
gmeta 32 1e300
expect_error "$TMP/g.st: metadata config 'batch' must be a positive integer (got 1.0000000000000001e+300)" gold
gmeta true 2
expect_error "$TMP/g.st: metadata config 'd_model' must be a positive integer (got not a number)" gold

# --- data -------------------------------------------------------------------
mkdir "$TMP/adir"
expect_error "$TMP/adir" "$LMSTAB" train "$CFG" $T --plugin-dir "$PLUGINS" --data "$TMP/adir" --out "$TMP/o" --quiet
head -c 40 "$TMP/corpus.txt" > "$TMP/tiny.txt"
expect_error "tiny.txt" "$LMSTAB" train "$CFG" $T --plugin-dir "$PLUGINS" --data "$TMP/tiny.txt" --out "$TMP/o" --quiet
# --- FIFOs and devices: refused at once (opened without blocking) -----------
mkfifo "$TMP/fifo"
K="timeout -s KILL 20"
krun() { $K "$LMSTAB" train "$@" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --quiet; }
fifo_err="$TMP/fifo: not a regular file (a FIFO)"
expect_error "$fifo_err" $K "$LMSTAB" train "$CFG" $T --plugin-dir "$PLUGINS" --data "$TMP/fifo" --out "$TMP/o" --quiet
expect_error "/dev/null: not a regular file (a character device)" $K "$LMSTAB" train "$CFG" $T --plugin-dir "$PLUGINS" --data /dev/null --out "$TMP/o" --quiet
expect_error "$fifo_err" $K "$LMSTAB" train "$TMP/fifo" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/o" --quiet
expect_error "$fifo_err" krun "$CFG" $T --init-from "$TMP/fifo" --out "$TMP/o"
expect_error "$fifo_err" $K "$LMSTAB" sweep "$TMP/fifo"
expect_error "$fifo_err" $K "$LMSTAB" sample "$TMP/fifo"
rm -rf "$TMP/res"; mkdir "$TMP/res"; mkfifo "$TMP/res/checkpoint.safetensors"
expect_error "checkpoint.safetensors: not a regular file (a FIFO)" krun "$CFG" $T --resume "$TMP/res"
rm -rf "$TMP/res"; mkdir "$TMP/res"; cp "$ck" "$TMP/res/"; mkfifo "$TMP/res/metrics.csv"
expect_error "metrics.csv: not a regular file (a FIFO)" krun "$CFG" $T --resume "$TMP/res"
mkdir "$TMP/fifo_plugins"; mkfifo "$TMP/fifo_plugins/lms_gelu.so"
expect_error "lms_gelu.so: not a regular file (a FIFO)" $K "$LMSTAB" train "$CFG" $T --plugin-dir "$TMP/fifo_plugins" --data "$TMP/corpus.txt" --out "$TMP/o" --quiet
[ ! -e "$TMP/o" ] || fail "an output directory was left behind by a failed run"
echo "ok"
