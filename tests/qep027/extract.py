"""Copy the fenced ``quest`` blocks of QEP-027 into this folder as .q files.

    python tests/qep027/extract.py [path/to/qep-027-async-tasks.md]

The spec lives outside this repository (../shared/seeds); the copies make the
tests self-contained.  Each block becomes ``NN_<heading>.q``; blocks that are
not programs go to ``not_programs/`` with the reason in a first-line comment
(`test_qep027.py` checks that the copies still match the spec when it is
present).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_SPEC = HERE.parents[2] / "shared" / "seeds" / "qep-027-async-tasks.md"

# Block number (1-based, in order of appearance) -> why it is not a program.
NOT_PROGRAMS = {
    5: "API sketch of the Task type (fields written as `bool: is_finished()`)",
    9: "API sketch of the Channel type (`fun try_send(value) → bool`)",
    20: "REPL transcript (`quest>` prompts)",
    21: "REPL transcript (`quest>` prompts)",
    39: "rejected alternative syntax (`<-task`); must stay a syntax error",
}


def blocks(spec_text: str):
    """Yield (number, heading, code) for each fenced quest block."""
    heading, code, number = "", None, 0
    for line in spec_text.split("\n"):
        if code is None:
            if line.startswith("```quest"):
                code = []
            elif line.startswith("#"):
                heading = line.lstrip("#").strip()
        elif line.startswith("```"):
            number += 1
            yield number, heading, "\n".join(code) + "\n"
            code = None
        else:
            code.append(line)


def file_name(number: int, heading: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")[:48].rstrip("_")
    return f"{number:02d}_{slug}.q"


def expected_files(spec_text: str) -> dict[str, str]:
    """Relative path -> content, for every block of the spec."""
    out = {}
    for number, heading, code in blocks(spec_text):
        name = file_name(number, heading)
        if number in NOT_PROGRAMS:
            out[f"not_programs/{name}"] = f"# not a program: {NOT_PROGRAMS[number]}\n{code}"
        else:
            out[name] = code
    return out


def main(argv: list[str]) -> None:
    spec = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPEC
    files = expected_files(spec.read_text(encoding="utf-8"))
    for old in [*HERE.glob("*.q"), *HERE.glob("not_programs/*.q")]:
        old.unlink()
    (HERE / "not_programs").mkdir(exist_ok=True)
    for rel, content in files.items():
        (HERE / rel).write_text(content, encoding="utf-8")
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main(sys.argv)
