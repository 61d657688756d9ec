"""sms/ stays a leaf: stdlib, twilio, phonenumbers and requests only; twilio only in sms/twilio.py."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SMS = Path(__file__).resolve().parents[2] / "sms"
THIRD_PARTY = {"twilio", "phonenumbers", "requests"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(SMS.glob("*.py")), ids=lambda p: p.name)
def test_sms_imports_only_what_the_layering_allows(path: Path) -> None:
    roots = imported_roots(path) - {"__future__", "sms"}
    foreign = {r for r in roots if r not in sys.stdlib_module_names and r not in THIRD_PARTY}
    assert not foreign, f"{path.name} imports {sorted(foreign)}"
    if path.name != "twilio.py":
        assert "twilio" not in roots, f"{path.name} imports the twilio SDK; only sms/twilio.py may"
