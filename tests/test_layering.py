"""Imports point only downward: app → inbox, sms, bot · inbox → bot, sms · sms → twilio · bot → rapidfuzz."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"app", "bot", "sms", "inbox"}
ALLOWED = {"bot": set(), "sms": set(), "inbox": {"bot", "sms", "inbox"}}
THIRD_PARTY = {
    "bot": {"rapidfuzz"},  # and the stdlib only
    "sms": {"twilio", "phonenumbers", "requests"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["bot", "sms", "inbox"])
def test_packages_import_only_downward(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        ours = imports_of(path) & OURS - {package}
        assert ours <= ALLOWED[package], f"{path.relative_to(ROOT)} imports {sorted(ours - ALLOWED[package])}"


@pytest.mark.parametrize("package", ["bot", "sms"])
def test_pure_packages_use_only_the_stdlib_and_their_libraries(package: str) -> None:
    import sys

    for path in (ROOT / package).rglob("*.py"):
        outside = {
            name
            for name in imports_of(path) - OURS - THIRD_PARTY[package]
            if name not in sys.stdlib_module_names and name != "__future__"
        }
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


def test_only_sms_twilio_imports_twilio_and_only_bot_matching_imports_rapidfuzz() -> None:
    for path in ROOT.glob("[bis]*/**/*.py"):
        names = imports_of(path)
        rel = path.relative_to(ROOT).as_posix()
        if "twilio" in names:
            assert rel == "sms/twilio.py", rel
        if "rapidfuzz" in names:
            assert rel == "bot/matching.py", rel


def test_nothing_imports_app() -> None:
    for package in ("bot", "sms", "inbox"):
        for path in (ROOT / package).rglob("*.py"):
            assert "app" not in imports_of(path), path
