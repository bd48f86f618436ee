#!/usr/bin/python3
"""Keeps the house easy to read (docs/extending.md, "Size limits"): no source file of the library over
400 lines and no function over 80. Data tables (brace initialisers) are not functions and are exempt.
Usage: check_sizes.py [ROOT]; prints each offender and exits 1 if there is any."""
import re
import sys
from pathlib import Path

FOLDERS = ["core", "attention", "envs", "agents", "experiments", "pybind", "examples"]
MAX_FILE_LINES, MAX_FUNCTION_LINES = 400, 80


def strip_code(text):
    """The text with comments, string and character literals blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(text):
    """(first line, lines) of each function body longer than MAX_FUNCTION_LINES."""
    code = strip_code(text)
    stack, found, since, tables = [], [], 0, []  # stack of (kind, line); `since`: where the current statement began
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c in ";":
            since = i + 1
        elif c == "{":
            head = code[since:i]
            if any(k == "init" for k, _ in stack):
                kind = "block"
            elif any(k == "function" for k, _ in stack):
                kind = "init" if head.rstrip().endswith("=") else "block"
            elif re.search(r"\bnamespace\b", head):
                kind = "namespace"
            elif re.search(r"\b(class|struct|union|enum)\b", head) and "(" not in head.split("{")[-1]:
                kind = "class"
            elif ")" in head and not re.search(r"=\s*$", head.strip()) and not head.rstrip().endswith("="):
                kind = "function"
            else:
                kind = "block"
            stack.append((kind, line))
            if kind == "function":
                tables.append(0)
            since = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "init":  # a data table inside a function: not counted against it
                    tables[-1] += line - start + 1
                if kind == "function":
                    n = line - start + 1 - tables.pop()
                    if n > MAX_FUNCTION_LINES:
                        found.append((start, n))
            since = i + 1
    return found


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.[ch]pp")):
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = text.count("\n")
            rel = path.relative_to(root)
            if lines > MAX_FILE_LINES:
                problems.append(f"{rel}: {lines} lines (limit {MAX_FILE_LINES}): split it by idea")
            for start, n in long_functions(text):
                problems.append(f"{rel}:{start}: a function of {n} lines (limit {MAX_FUNCTION_LINES})")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} over the size limits (docs/extending.md)")
        return 1
    print("sizes ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
