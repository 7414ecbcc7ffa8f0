#!/usr/bin/env python3
"""Lines per function body in C++ sources: a rough brace-matching reader, good enough for this
tree's style (one function per definition, braces balanced outside strings and comments).

Usage: scripts/function_lengths.py [--max N] [--allow NAME ...] FILE_OR_DIR ...
Prints functions longer than --max (default: all, longest first) and exits 1 when any function
not named in --allow is longer than --max.
"""
import argparse
import pathlib
import re
import sys

CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|do|else|try)\b")
SCOPE = re.compile(r"\b(namespace|struct|class|union|enum)\b[^;()]*$")


def strip(code):
    """Blank out comments and string/char literals, keeping line breaks."""
    out, i, n = [], 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in code[i:j]))
            i = j
        elif c == 'R' and code.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', code[i:])
            end = code.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append("".join(ch if ch == "\n" else " " for ch in code[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    text = strip(path.read_text())
    stack = []  # (kind, start line, header)
    header = ""
    line = 1
    found = []
    for ch in text:
        if ch == "\n":
            line += 1
            header += " "
            continue
        if ch == "{":
            h = header.strip()
            in_function = any(k == "function" for k, _, _ in stack)
            if in_function:
                kind = "inner"
            elif SCOPE.search(h) and "(" not in h.split("{")[-1]:
                kind = "scope"
            elif ")" in h and not CONTROL.match(h) and not h.endswith("="):
                kind = "function"
            else:
                kind = "other"
            name = ""
            if kind == "function":
                m = re.search(r"([~\w:<>]+)\s*\([^()]*(\([^()]*\)[^()]*)*\)[^()]*$", h)
                name = m.group(1) if m else h[-60:]
            stack.append((kind, line, name))
            header = ""
        elif ch == "}":
            if stack:
                kind, start, name = stack.pop()
                if kind == "function":
                    found.append((line - start + 1, name, start))
            header = ""
        elif ch == ";":
            header = ""
        else:
            header += ch
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=0)
    ap.add_argument("--allow", nargs="*", default=[])
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    files = []
    for p in map(pathlib.Path, a.paths):
        files += sorted(p.rglob("*.[ch]pp")) if p.is_dir() else [p]
    rows = []
    for f in files:
        rows += [(n, name, f, start) for n, name, start in functions(f)]
    rows.sort(reverse=True)
    bad = 0
    for n, name, f, start in rows:
        if n <= a.max:
            break
        allowed = name.split("::")[-1] in a.allow
        bad += 0 if allowed else 1
        print(f"{n:5d} {f}:{start} {name}{'  (allowed: declarative table)' if allowed else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
