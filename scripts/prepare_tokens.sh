#!/bin/sh
# The token data of the z-loss experiment (configs/sweeps/zloss*.ini): a
# 4096-piece SentencePiece BPE trained on the default corpus and the corpus
# encoded with it, in data/tok/ (not committed: the same commands make the
# same files, byte for byte). Needs lmstab built with SentencePiece.
# Usage: scripts/prepare_tokens.sh [CORPUS]
set -eu
cd "$(dirname "$0")/.."
corpus="${1:-}"
if [ -z "$corpus" ]; then
    for c in data/tinyshakespeare.txt ../shared/data/tinyshakespeare.txt; do
        [ -f "$c" ] && corpus="$c" && break
    done
fi
[ -n "$corpus" ] || { echo "prepare_tokens: no corpus (scripts/get_corpus.sh)" >&2; exit 1; }
mkdir -p data/tok
./build/lmstab tokenize train "$corpus" --vocab 4096 --out data/tok/ts4096.model --overwrite
./build/lmstab tokenize encode --model data/tok/ts4096.model "$corpus" --out data/tok/ts4096.bin --overwrite
