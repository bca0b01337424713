"""Limits that keep every room small enough to find one's way in (issue 15).

No product module over 500 lines, no function over 80 lines, no star imports ("A module past
500 lines or a function past 80 is two things wearing one name: split it", STYLE.md).
Migrations, tests and benchmarks are not product code; the demo and scale worlds keep the
size limits too, so the split they got does not grow back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("fleetops", "releases", "oncall", "kpis", "rituals")
WORLDS = ("worlds",)
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Top-level packages left out of the size limits (none: every product package keeps them).
SIZE_EXCLUDED: tuple[str, ...] = ()
# Over the limits on main before these checks existed, outside this change: each may not grow
# past the size it has today (a ratchet), and its entry goes when it is split.
OVERSIZE_TODAY: dict[str, int] = {}
STAR_IMPORT_ALLOWED: set[str] = set()


def _modules(packages: tuple[str, ...]) -> list[Path]:
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _sized(packages: tuple[str, ...]) -> list[Path]:
    return [
        path for path in _modules(packages) if path.relative_to(ROOT).parts[0] not in SIZE_EXCLUDED
    ]


def modules_too_long(paths: list[Path], root: Path = ROOT) -> list[str]:
    """`path: N lines` for each module longer than 500 lines."""
    out = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > OVERSIZE_TODAY.get(str(path.relative_to(root)), MAX_MODULE_LINES):
            out.append(f"{path.relative_to(root)}: {lines} lines")
    return out


def functions_too_long(paths: list[Path], root: Path = ROOT) -> list[str]:
    """`path:line name: N lines` for each function (or method) longer than 80 lines."""
    out = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                known = f"{path.relative_to(root)} {node.name}"
                if lines > OVERSIZE_TODAY.get(known, MAX_FUNCTION_LINES):
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    out.append(f"{where} {node.name}: {lines} lines")
    return out


def star_imports(paths: list[Path], root: Path = ROOT) -> list[str]:
    """`path:line from X import *` for each star import."""
    out = []
    for path in paths:
        if str(path.relative_to(root)) in STAR_IMPORT_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                out.append(f"{path.relative_to(root)}:{node.lineno} from {node.module} import *")
    return out


def test_limits_see_the_product_code():
    """The checks below look at real files (a check that finds nothing to check passes)."""
    assert len(_modules(PRODUCT)) > 100
    assert any(p.name == "models.py" for p in _sized(PRODUCT))
    assert _modules(WORLDS)


@pytest.mark.parametrize("packages", [PRODUCT, WORLDS], ids=["product", "worlds"])
def test_no_module_over_500_lines(packages):
    assert modules_too_long(_sized(packages)) == []


@pytest.mark.parametrize("packages", [PRODUCT, WORLDS], ids=["product", "worlds"])
def test_no_function_over_80_lines(packages):
    assert functions_too_long(_sized(packages)) == []


def test_no_star_imports_in_product_code():
    assert star_imports(_modules(PRODUCT + WORLDS)) == []


def test_limits_catch_what_they_forbid(tmp_path):
    """Each check fails on the thing it forbids, and only on it."""
    long_module = tmp_path / "long.py"
    long_module.write_text("x = 1\n" * 501)
    short_module = tmp_path / "short.py"
    short_module.write_text("x = 1\n" * 500)
    body = "".join(f"    y{n} = {n}\n" for n in range(79))
    long_function = tmp_path / "long_function.py"
    method_body = body.replace("    ", "        ")
    long_function.write_text(
        f"def f():\n{body}    return 1\n\n\nclass C:\n    def g(self):\n{method_body}"
    )
    star = tmp_path / "star.py"
    star.write_text("from os.path import *\nfrom os import path\n")
    assert modules_too_long([long_module, short_module], tmp_path) == ["long.py: 501 lines"]
    assert functions_too_long([long_function], tmp_path) == ["long_function.py:1 f: 81 lines"]
    assert star_imports([star, short_module], tmp_path) == ["star.py:1 from os.path import *"]
