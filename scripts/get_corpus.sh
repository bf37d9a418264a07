#!/bin/sh
# Print the path of the default corpus (TinyShakespeare), looking in order at:
# $1 (a path given by the user), data/ in the repo, ../shared/data/, and
# otherwise downloading it into data/ from its public URL.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
name=tinyshakespeare.txt
url=https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt
if [ $# -ge 1 ] && [ -n "$1" ]; then
    [ -r "$1" ] || { echo "get_corpus: $1: not readable" >&2; exit 1; }
    echo "$1"; exit 0
fi
for p in "$root/data/$name" "$root/../shared/data/$name"; do
    if [ -r "$p" ]; then echo "$p"; exit 0; fi
done
mkdir -p "$root/data"
echo "get_corpus: downloading $url" >&2
if command -v curl >/dev/null; then
    curl -fsSL "$url" -o "$root/data/$name.part"
else
    wget -q "$url" -O "$root/data/$name.part"
fi
mv "$root/data/$name.part" "$root/data/$name"
echo "$root/data/$name"
