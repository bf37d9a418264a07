#!/usr/bin/env python3
"""Size figures of the core for the architecture notes (issue 17):
lines and files in core/, headers under include/, and the functions over
60 lines (from a definition's first line at column 0 to its closing brace).
usage: scripts/code_stats.py [ROOT]   (clone pairs: run `duplicates`)"""
import glob
import signal
import re
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` is fine
root = sys.argv[1] if len(sys.argv) > 1 else "."
core = sorted(glob.glob(root + "/core/**/*.[ch]", recursive=True) +
              glob.glob(root + "/core/**/*.cc", recursive=True) +
              glob.glob(root + "/core/**/*.inc", recursive=True))
lines = sum(len(open(f).read().split("\n")) - 1 for f in core)
src = [f for f in core if not f.endswith(".h")]
print(f"core/: {lines} lines in {len(src)} source files and "
      f"{len(core) - len(src)} headers")
print(f"include/: {len(glob.glob(root + '/include/**/*.h', recursive=True))} headers")

DEF = re.compile(r"^[a-zA-Z_][\w \*]*?\b(\w+)\s*\(")
long_fns = []
for f in src:
    L = open(f).read().split("\n")
    i = 0
    while i < len(L):
        m = DEF.match(L[i])
        if m and not L[i].rstrip().endswith(";") and not L[i].startswith(
                ("typedef", "return", "if", "else", "static const", "#")):
            j = i
            while j < len(L) and "{" not in L[j] and not L[j].rstrip().endswith(";"):
                j += 1
            if j < len(L) and "{" in L[j]:
                depth, k = 0, j
                while k < len(L):
                    depth += L[k].count("{") - L[k].count("}")
                    if depth == 0:
                        break
                    k += 1
                if k - i + 1 > 60:
                    long_fns.append((k - i + 1, m.group(1), f[len(root) + 1:]))
                i = k
        i += 1
print(f"functions over 60 lines: {len(long_fns)}")
for n, name, f in sorted(long_fns, reverse=True):
    print(f"  {n:4d} {name} ({f})")
