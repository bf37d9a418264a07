# Sweeps under hostile inputs: a large summary.json (read whole, not looped
# on), corrupt summaries (an error naming the file, never a silently
# dropped or relaunched run), variant names, duplicate variants.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
mkdir "$TMP/cfg"
# sweep_ini OUT VARIANTS [CONFIGS_DIR]: a one-cell sweep of tiny runs
sweep_ini() {
    cat <<EOT
[sweep]
variants = $2
configs_dir = ${3:-$TMP/cfg}
lr_min = 0.01
lr_max = 0.01
seeds = 1
jobs = 2
out = $1

[overrides]
model.d_model = 16
model.n_layer = 1
model.n_head = 2
model.context = 16
training.batch_size = 2
training.max_steps = 4
training.warmup_steps = 1
training.eval_every = 4
training.eval_batches = 1
EOT
}
sweep() { timeout 120 "$LMSTAB" sweep "$@" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt"; }

# --- a variant config of ~100 KB: its summary.json is larger than 64 KiB ----
cp "$SRC/configs/baseline.ini" "$TMP/cfg/big.ini"
i=0; while [ $i -lt 600 ]; do
    echo "; a long comment line to make the config (and so summary.json) large: $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    i=$((i + 1)); done >> "$TMP/cfg/big.ini"
sweep_ini "$TMP/big" big > "$TMP/big.ini"
sweep "$TMP/big.ini" > /dev/null 2> "$TMP/log1"; rc=$?
[ $rc -eq 0 ] || { tail -3 "$TMP/log1"; fail "the sweep with a large config did not finish (rc $rc; 124 = looped until timeout)"; }
sum="$TMP/big/big/lr_0.01/seed_1/summary.json"
[ "$(wc -c < "$sum")" -gt 65536 ] || fail "the test's summary.json is not larger than 64 KiB"
[ "$(grep -c '^\[' "$TMP/log1")" -eq 1 ] || { cat "$TMP/log1"; fail "expected exactly one launch"; }

# --- a corrupt summary.json: named, never dropped nor relaunched ------------
cp "$sum" "$TMP/good.json"
head -c 100 "$TMP/good.json" > "$sum"
expect_error "$sum: not valid JSON" "$LMSTAB" sweep --aggregate "$TMP/big"
sweep "$TMP/big.ini" > /dev/null 2> "$TMP/err" && fail "a sweep with a corrupt summary.json exited 0"
grep -qF "lmstab: error: $sum: not valid JSON" "$TMP/err" || { cat "$TMP/err"; fail "no error naming the corrupt summary.json"; }
[ "$(head -c 100 "$sum")" = "$(head -c 100 "$TMP/good.json")" ] && [ "$(wc -c < "$sum")" -eq 100 ] || fail "a run with a corrupt summary was relaunched"
chmod 000 "$sum"
if ! cat "$sum" > /dev/null 2>&1; then
    expect_error "$sum: cannot open: Permission denied" "$LMSTAB" sweep --aggregate "$TMP/big"
elif command -v setpriv > /dev/null; then
    # root reads anyway: as nobody, on a copy nobody may read but for it
    ro=$(mktemp -d) && cp -r "$TMP/big" "$ro/big" && chmod -R a+rwX "$ro" && chmod 000 "$ro/big/${sum#"$TMP/big/"}" \
        || fail "cannot make a copy for nobody"
    expect_error "$ro/big/${sum#"$TMP/big/"}: cannot open: Permission denied" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$LMSTAB" sweep --aggregate "$ro/big"
    rm -rf "$ro"
else
    echo "note: root without setpriv: the unreadable summary.json is not checked"
fi
rm -f "$sum"; mkfifo "$sum"
expect_error "$sum: not a regular file (a FIFO)" timeout 20 "$LMSTAB" sweep --aggregate "$TMP/big"
rm -f "$sum"; cp "$TMP/good.json" "$sum"
# a verdict that does not read is an error, never counted as a failure
sed 's/"default":[[:space:]]*"[a-z]*"/"default": "Converged"/' "$TMP/good.json" > "$sum"
grep -q '"default": "Converged"' "$sum" || fail "the test did not damage the verdict"
expect_error "$sum: verdicts.default is unreadable, not a verdict" "$LMSTAB" sweep --aggregate "$TMP/big"
cp "$TMP/good.json" "$sum"
"$LMSTAB" sweep --aggregate "$TMP/big" > /dev/null 2>&1 || fail "aggregate of a repaired sweep failed"
# every other file of ours read back is refused as a FIFO too, never waited on
mkfifo "$TMP/big/edges.json"
expect_error "$TMP/big/edges.json: not a regular file (a FIFO)" timeout 20 "$LMSTAB" sweep --aggregate "$TMP/big"
rm -f "$TMP/big/edges.json"
run="$(dirname "$sum")"
"$LMSTAB" verdict "$run" > /dev/null || fail "lmstab verdict of a finished run failed"
mv "$run/metrics.csv" "$TMP/metrics.keep"; mkfifo "$run/metrics.csv"
expect_error "$run/metrics.csv: not a regular file (a FIFO)" timeout 20 "$LMSTAB" verdict "$run"
rm -f "$run/metrics.csv"; mv "$TMP/metrics.keep" "$run/metrics.csv"
rm -f "$sum"; mkfifo "$sum"
expect_error "$sum: not a regular file (a FIFO)" timeout 20 "$LMSTAB" verdict "$run"
rm -f "$sum"; cp "$TMP/good.json" "$sum"
# --- out is the sweep's own: not a directory of other files, not a sweep ---
# --- of another design (its runs and the new ones would share a table) ---
mkdir -p "$TMP/userdir" && echo MINE > "$TMP/userdir/notes.txt" && echo MINE > "$TMP/userdir/table.md"
sweep_ini "$TMP/userdir" big > "$TMP/user.ini"
expect_error "$TMP/userdir: out names a directory that holds other files (" sweep "$TMP/user.ini" --quiet
[ "$(cat "$TMP/userdir/table.md")" = MINE ] && [ ! -e "$TMP/userdir/sweep.json" ] || fail "a sweep wrote into a directory of other files"
cp "$TMP/big/sweep.json" "$TMP/sweep.keep"
sed 's/^model.d_model = 16/model.d_model = 24/' "$TMP/big.ini" > "$TMP/big24.ini"
expect_error "$run: a finished run of this sweep directory was not made with this sweep's configuration (model.d_model=24 here, model.d_model=16 there)" \
    sweep "$TMP/big24.ini" --quiet
cmp -s "$TMP/big/sweep.json" "$TMP/sweep.keep" || fail "a refused sweep rewrote sweep.json"
# settings that change no number (threads, the matrix-product backend) do
# not make another design; a sweep file that drops a variant with runs is
# refused (its sweep.json and tables would leave them out)
sweep "$TMP/big.ini" --quiet --set training.threads=1 --set training.gemm=openblas > /dev/null 2> "$TMP/err" \
    || { cat "$TMP/err"; fail "a sweep continued with --set training.threads/gemm was refused"; }
cp "$TMP/big/sweep.json" "$TMP/sweep.keep"
sed 's/^variants = big/variants = baseline/; s|^configs_dir = .*|configs_dir = '"$SRC"'/configs|' "$TMP/big.ini" > "$TMP/other.ini"
expect_error "$TMP/big: this sweep directory holds runs of variant big, which the sweep file does not list" \
    sweep "$TMP/other.ini" --quiet
cmp -s "$TMP/big/sweep.json" "$TMP/sweep.keep" || fail "a refused sweep rewrote sweep.json"
# keys the sweep sets for every run are refused as overrides, at their line
{ sweep_ini "$TMP/own" big; echo "training.lr = 0.5"; } > "$TMP/own.ini"
expect_error "$TMP/own.ini:20: training.lr: the sweep sets it: each run's learning rate comes from lr_min" sweep "$TMP/own.ini" --quiet
sweep_ini "$TMP/own" big > "$TMP/own.ini"
expect_error "--set training.seed: the sweep sets it: each run's seed comes from seeds" sweep "$TMP/own.ini" --quiet --set training.seed=7
[ ! -e "$TMP/own" ] || fail "a refused sweep made its out directory"
# a run's section in a sweep file says where its keys go; an empty out
{ sweep_ini "$TMP/own" big; printf '[training]\nmax_steps = 5\n'; } > "$TMP/own.ini"
expect_error "own.ini:21: [training] max_steps: a sweep file has [sweep] and [overrides] only: a run's key goes under [overrides] as training.max_steps = 5" \
    sweep "$TMP/own.ini" --quiet
sweep_ini "" big > "$TMP/own.ini"
expect_error "own.ini:8: [sweep] out: must name a directory" sweep "$TMP/own.ini" --quiet
# '~' in out (no shell expands it); boundary_seeds beside a band
sweep_ini "~/x" big > "$TMP/own.ini"
expect_error "own.ini:8: [sweep] out: '~' is not expanded in a sweep file" sweep "$TMP/own.ini" --quiet
sweep_ini "$TMP/own" big | sed 's/^seeds = 1$/seeds = 1\nedge_points = 6\nboundary_seeds = 1/' > "$TMP/own.ini"
expect_error "[sweep] boundary_seeds: applies without edge_points" sweep "$TMP/own.ini" --quiet
# a model too small for its data's vocabulary: found before the first run
{ sweep_ini "$TMP/own" big; echo "model.vocab_size = 100"; } > "$TMP/own.ini"
expect_error "own.ini:20: [model] vocab_size: is 100, but $TMP/corpus.txt has a vocabulary of 256" sweep "$TMP/own.ini" --quiet
[ ! -e "$TMP/own" ] || fail "a refused sweep made its out directory"
# 64 overrides at most, [overrides] and --set together: one more is an
# error, not dropped
{ sweep_ini "$TMP/own" big; i=0; while [ $i -lt 55 ]; do echo "x$i.y = 1"; i=$((i + 1)); done; } > "$TMP/own.ini"
expect_error "--set training.max_steps=2: a sweep takes at most 64 overrides" sweep "$TMP/own.ini" --quiet --set training.max_steps=2
echo "x55.y = 1" >> "$TMP/own.ini"
expect_error "own.ini:75: [overrides] x55.y: a sweep takes at most 64 overrides" sweep "$TMP/own.ini" --quiet
# a summary.json without config_text (crafted or old): the report's setup
# falls back to defaults (it freed an uninitialised config)
sed 's/"config_text"/"config_txt"/' "$TMP/good.json" > "$sum"
"$LMSTAB" report "$TMP/big" > /dev/null 2> "$TMP/err" ||
    { cat "$TMP/err"; fail "lmstab report of a summary.json without config_text failed"; }
cp "$TMP/good.json" "$sum"
# --- variant names become directories: no paths, no repeats ----------------
mkdir -p "$TMP/a/b/cfg" "$TMP/a/esc"
cp "$SRC/configs/baseline.ini" "$TMP/a/esc/tiny.ini"
cp "$SRC/configs/baseline.ini" "$TMP/cfg/tiny.ini"
sweep_ini "$TMP/a/b/out" "tiny, ../../esc/tiny" "$TMP/a/b/cfg" > "$TMP/esc.ini"
expect_error "esc.ini:2: [sweep] variants: invalid variant name '../../esc/tiny': names match [a-z][a-z0-9_]{0,31}" sweep "$TMP/esc.ini"
[ ! -e "$TMP/a/esc/tiny" ] && [ ! -e "$TMP/a/b/out" ] || fail "a run directory was created for an escaping variant"
for bad in Tiny "ti/ny" "a..b" "x$(printf '%040d' 0)"; do
    sweep_ini "$TMP/o" "$bad" > "$TMP/bad.ini"
    expect_error "invalid variant name '$bad'" sweep "$TMP/bad.ini"
done
sweep_ini "$TMP/dup" "tiny, big, tiny" > "$TMP/dup.ini"
expect_error "dup.ini:2: [sweep] variants: variant 'tiny' is listed twice" sweep "$TMP/dup.ini"
[ ! -e "$TMP/dup" ] || fail "a sweep with a repeated variant started"
# a crafted manifest cannot lead --aggregate outside the sweep either
sed 's|"big"|"../../x"|' "$TMP/big/sweep.json" > "$TMP/m.json" && mv "$TMP/m.json" "$TMP/big/sweep.json"
expect_error 'sweep.json: malformed sweep.json (variant "../../x")' "$LMSTAB" sweep --aggregate "$TMP/big"
echo ok
