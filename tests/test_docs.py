"""The documentation holds together: a short README, and no link or doc path that leads nowhere.

- README.md stays under 8,000 characters and links to every file in docs/;
- every relative link in README.md and the Markdown files in docs/ names a file that exists
  and, for `file.md#anchor` (or `#anchor`), a heading whose GitHub slug is that anchor;
- every path under docs/ that code, templates, the Makefile, scripts or CI mention exists,
  and a section named beside it (`docs/deployment.md, "Backups"`) is one of its headings.

Reads files only: no database, no server.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MARKDOWN = [README, *sorted(DOCS.glob("*.md"))]
README_LIMIT = 8000

# Directories that hold no project file worth checking (tools, caches, data, output).
SKIPPED_DIRS = {
    ".git",
    ".venv",
    ".postgres",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "node_modules",
    "staticfiles",
    "artifacts",
    "backups",
    "exports",
}

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:, ...
# A path under docs/ naming a file, e.g. docs/deployment.md (not /api/docs/, a URL).
DOC_PATH = re.compile(r"(?<![\w/.-])docs/[\w.-]+(?:/[\w.-]+)*")
# A doc named with its section(s): docs/deployment.md, "Deployment" and "Security";
# docs/benchmarks.md ("Load").
DOC_SECTION = re.compile(
    r"(?<![\w/.-])(README\.md|docs/[\w.-]+\.md),? \(?(\"[^\"\n]+\"(?: and \"[^\"\n]+\")*)"
)


def without_code(text):
    """Markdown text with fenced blocks and code spans blanked, so that `[...](x)` written as
    code is not taken for a link."""
    text = FENCE.sub("", text)
    return CODE_SPAN.sub("", text)


def heading_texts(path):
    """Each heading of a Markdown file as it reads (code marks and link targets dropped)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    headings = []
    for match in HEADING.finditer(text):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2))
        headings.append(heading.replace("`", ""))
    return headings


def github_slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(path):
    """Every anchor GitHub makes in a Markdown file (a repeated heading gets -1, -2, ...)."""
    seen = {}
    found = set()
    for heading in heading_texts(path):
        slug = github_slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(path):
    """The relative link targets in a Markdown file (external addresses left out)."""
    text = without_code(path.read_text(encoding="utf-8"))
    return [target for target in LINK.findall(text) if not EXTERNAL.match(target)]


def source_files():
    """The files whose comments, docstrings, help texts and templates may name a doc: Python,
    templates, the Makefile, .env.example, and everything in scripts/ and .ci/."""
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS)
        for file_name in sorted(files):
            path = Path(directory, file_name)
            if (
                path.suffix in {".py", ".html", ".sh"}
                or file_name in {"Makefile", ".env.example"}
                or path.relative_to(ROOT).parts[0] in {"scripts", ".ci"}
            ):
                yield path


def name(path):
    return str(path.relative_to(ROOT))


def test_readme_is_short():
    length = len(README.read_text(encoding="utf-8"))
    assert length < README_LIMIT, f"README.md has {length:,} characters"


def test_readme_links_every_doc():
    linked = {
        (ROOT / target.split("#")[0]).resolve() for target in relative_links(README) if target
    }
    missing = [name(path) for path in sorted(DOCS.iterdir()) if path.resolve() not in linked]
    assert not missing, f"README.md does not link to {missing}"


@pytest.mark.parametrize("path", MARKDOWN, ids=name)
def test_markdown_links_lead_somewhere(path):
    broken = []
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with that anchor in {name(linked)}")
    assert not broken, f"{name(path)}: " + "; ".join(broken)


def test_doc_paths_in_code_exist():
    broken = []
    for path in source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in DOC_PATH.finditer(text):
            mentioned = match.group().rstrip(".")
            if "." in mentioned.rsplit("/", 1)[-1] and not (ROOT / mentioned).exists():
                line = text.count("\n", 0, match.start()) + 1
                broken.append(f"{name(path)}:{line}: {mentioned}")
    assert not broken, "no such file: " + ", ".join(broken)


def test_doc_sections_named_in_code_exist():
    broken = []
    for path in source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in DOC_SECTION.finditer(text):
            doc = ROOT / match.group(1)
            headings = heading_texts(doc) if doc.exists() else []
            for section in re.findall(r"\"([^\"]+)\"", match.group(2)):
                if not any(h == section or h.startswith(section + ":") for h in headings):
                    line = text.count("\n", 0, match.start()) + 1
                    broken.append(f'{name(path)}:{line}: {match.group(1)}, "{section}"')
    assert not broken, "no such section: " + ", ".join(broken)


def test_github_slug():
    assert github_slug("Search (/search/)") == "search-search"
    assert github_slug("Feeds, sitemap and robots.txt") == "feeds-sitemap-and-robotstxt"
    assert github_slug("make serve: the production configuration on one machine") == (
        "make-serve-the-production-configuration-on-one-machine"
    )
