# Shared by the MPI test scripts (sourced): $1 lmstab, $2 source dir,
# $3 plugin dir, $4 mpirun, $5 st_diff, $6 dist_probe.
LMSTAB="$1"; SRC="$2"; PLUGINS="$3"; MPIRUN="$4"; STDIFF="$5"; PROBE="$6"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
MPI="$MPIRUN --oversubscribe -np 2"
[ "$(id -u)" = 0 ] && MPI="$MPI --allow-run-as-root"
make_corpus() {
    src="$SRC/../shared/data/tinyshakespeare.txt"
    [ -r "$SRC/data/tinyshakespeare.txt" ] && src="$SRC/data/tinyshakespeare.txt"
    if [ -r "$src" ]; then head -c 200000 "$src" > "$1"
    else i=0; while [ $i -lt 4000 ]; do echo "line $i of some text to learn from, again and again."; i=$((i+1)); done > "$1"; fi
}
TINY="--set model.d_model=32 --set model.n_layer=2 --set model.n_head=2 --set model.context=32 --set training.eval_every=10 --set training.eval_batches=2 --set training.log_every=1 --set training.warmup_steps=5"
