"""docs/configuration.md lists every `LOYALTY_*` setting the code reads, and nothing the code no longer reads.

The code is grepped, not imported: a setting read in a CLI command, an example till, a test fixture, the
Makefile or the compose file counts as much as one in a Settings class.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "configuration.md"
CODE_DIRS = ("api", "loyalty_core", "loyalty_cli", "projections", "messaging", "faces", "adapters", "bench",
             "scripts", "examples", "tests")
CODE_FILES = ("Makefile", "Dockerfile", "docker-compose.yml", "pyproject.toml")
SUFFIXES = {".py", ".yml", ".yaml", ".toml", ".sh", ".js", ".html"}
NAME = re.compile(r"LOYALTY_[A-Z0-9_]+")


def _code_files() -> list[Path]:
    found = [ROOT / name for name in CODE_FILES if (ROOT / name).exists()]
    for directory in CODE_DIRS:
        found += [p for p in (ROOT / directory).rglob("*") if p.suffix in SUFFIXES and p.is_file()
                  and "__pycache__" not in p.parts and "vendor" not in p.parts]
    return found


def settings_in_code() -> dict[str, Path]:
    """Each name read anywhere, with one file that reads it; a name ending in `_` is a prefix
    (`LOYALTY_API_RATE_LIMIT_{role}`)."""
    names: dict[str, Path] = {}
    for path in _code_files():
        if path.resolve() == Path(__file__).resolve():
            continue  # this file names settings that do not exist, on purpose
        for name in NAME.findall(path.read_text(errors="replace")):
            names.setdefault(name, path)
    return names


def _documented(name: str, text: str) -> bool:
    if name.endswith("_"):
        return f"{name}<" in text  # a family: LOYALTY_API_RATE_LIMIT_<ROLE>
    return re.search(rf"`{name}`", text) is not None


def test_every_setting_the_code_reads_is_documented() -> None:
    text = REFERENCE.read_text()
    missing = {name: str(path.relative_to(ROOT)) for name, path in settings_in_code().items()
               if not _documented(name, text)}
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_the_reference_lists_nothing_the_code_no_longer_reads() -> None:
    read = settings_in_code()
    documented = set(re.findall(r"`(LOYALTY_[A-Z0-9_]+)`", REFERENCE.read_text()))
    families = [name for name in read if name.endswith("_")]
    stale = {name for name in documented if name not in read and not name.startswith(tuple(families))}
    assert not stale, f"docs/configuration.md lists settings nothing reads: {sorted(stale)}"


def test_the_grep_finds_settings_wherever_they_are_read() -> None:
    read = settings_in_code()
    # One from a Settings class, one from the CLI, one from a test fixture, one family by prefix.
    assert {"LOYALTY_DATABASE_URL", "LOYALTY_AUDIT_KEY_FILE", "LOYALTY_TEST_PG",
            "LOYALTY_API_RATE_LIMIT_"} <= set(read)
    assert not _documented("LOYALTY_NOT_A_SETTING", REFERENCE.read_text())
