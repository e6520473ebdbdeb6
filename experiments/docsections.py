"""Generated sections of the docs: a script's tables between markers in a Markdown file.

Every figure table in docs/ is a script's output, so that a recalibration only reruns the
script. A generated section sits between two marker lines,

    <!-- NAME:start -->
    ... generated text ...
    <!-- NAME:end -->

and `replace_section` swaps what lies between them, leaving the hand-written text around it.
"""

import re
from pathlib import Path


def _pattern(name: str) -> re.Pattern:
    start, end = re.escape(f"<!-- {name}:start -->"), re.escape(f"<!-- {name}:end -->")
    return re.compile(rf"^({start}\n)(.*?)^({end})$", re.M | re.S)


def read_section(path: str | Path, name: str) -> str:
    """The generated text between the markers (ValueError if they are not there once)."""
    text = Path(path).read_text(encoding="utf-8")
    found = _pattern(name).findall(text)
    if len(found) != 1:
        raise ValueError(f"{path}: expected one '<!-- {name}:start -->' ... "
                         f"'<!-- {name}:end -->' section, each marker on a line of its own; "
                         f"found {len(found)}")
    return found[0][1]


def replace_section(path: str | Path, name: str, body: str) -> None:
    """Put `body` between the section's markers in `path` (written atomically)."""
    path = Path(path)
    read_section(path, name)  # the markers must exist, once
    body = body if body.endswith("\n") else body + "\n"
    text = _pattern(name).sub(lambda m: m[1] + body + m[3], path.read_text(encoding="utf-8"))
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
