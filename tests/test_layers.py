"""The dependency rule, checked on the source: imports point down only
(orderzap_http → orderzap_adapters → orderzap_core), and the core imports nothing that does I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
CORE_MAY_IMPORT = {"attrs", "attr", "cattrs", "phonenumbers", "orderzap_core"}


def imported_packages(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` and the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(SRC))] = names
    return found


def test_the_core_imports_only_the_standard_library_attrs_cattrs_and_phonenumbers() -> None:
    for module, names in imported_packages("orderzap_core").items():
        foreign = {n for n in names if n not in sys.stdlib_module_names and n not in CORE_MAY_IMPORT}
        assert not foreign, (module, foreign)


def test_the_core_does_no_io_and_reads_no_clock_or_chance_of_its_own() -> None:
    io_modules = {"socket", "subprocess", "os", "io", "urllib", "http", "sqlite3", "time", "random",
                  "secrets", "logging", "pathlib", "shutil", "tempfile"}
    for module, names in imported_packages("orderzap_core").items():
        assert not names & io_modules, (module, names & io_modules)
    # The clock and ids come through ports (self._clock.now()); never datetime.now() or uuid4().
    impure_owners = {"datetime", "date", "uuid", "os", "random", "time", "secrets"}
    impure_names = {"uuid1", "uuid4", "open", "print", "input"}
    for path in (SRC / "orderzap_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            f, where = node.func, (str(path.relative_to(SRC)), node.lineno)
            if isinstance(f, ast.Attribute):
                root = f.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                owner = root.id if isinstance(root, ast.Name) else None
                assert owner not in impure_owners or f.attr in {"fromisoformat", "fromtimestamp"}, where
            assert not (isinstance(f, ast.Name) and f.id in impure_names), where


@pytest.mark.parametrize(("package", "above"), [
    ("orderzap_core", {"orderzap_adapters", "orderzap_http"}),
    ("orderzap_adapters", {"orderzap_http"}),
])
def test_imports_point_down_only(package: str, above: set[str]) -> None:
    for module, names in imported_packages(package).items():
        assert not names & above, (module, names & above)
