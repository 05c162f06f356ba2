"""Put a section into docs/benchmarks.md: `benchmarks_md.py ID < section.md`.

The section goes between `<!-- ID:start -->` and `<!-- ID:end -->`, replacing what an earlier
run wrote there; the first time, it is appended. Everything else in the file is kept as it
is, so several benchmarks (and people) can share the file.
"""

import sys
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Measurements of Notorious, each with its date, machine, command and figures. Sections "
    "between `<!-- ...:start -->` and `<!-- ...:end -->` markers are rewritten by the script "
    "that measured them.\n"
)


def main():
    section_id = sys.argv[1]
    body = sys.stdin.read().strip("\n")
    start, end = f"<!-- {section_id}:start -->", f"<!-- {section_id}:end -->"
    block = f"{start}\n{body}\n{end}"
    text = PATH.read_text(encoding="utf-8") if PATH.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    PATH.parent.mkdir(parents=True, exist_ok=True)
    PATH.write_text(text, encoding="utf-8")
    print(f"Wrote the '{section_id}' section of {PATH.relative_to(PATH.parents[1])}")


if __name__ == "__main__":
    main()
