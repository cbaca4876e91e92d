"""The shape README's Architecture section promises: one direction between the apps, small modules.

Read from the source with ``ast``, so a module that imports comments only inside a
function is caught as well as one that does so at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["articles", "comments", "newsroom", "readers"]
# Every project module: the apps, the project and its tests (migrations and bench/ aside).
PROJECT = [*APPS, "tests"]
MAX_LINES = 300


def modules(*folders: str) -> list[Path]:
    """The Python modules of ``folders``, migrations aside."""
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, with the line that imports it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


# comments builds on articles and readers; neither knows comments, and readers
# (names, accounts) knows no article either.
@pytest.mark.parametrize(
    ("app", "forbidden"), [("articles", {"comments"}), ("readers", {"comments", "articles"})]
)
def test_apps_depend_one_way(app, forbidden):
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules(app)
        for line, name in imported_modules(path)
        if name.split(".")[0] in forbidden
    ]

    assert offenders == [], "\n".join(offenders)


def test_no_project_module_is_over_300_lines():
    offenders = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in modules(*PROJECT)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]

    assert offenders == [], "\n".join(offenders)
