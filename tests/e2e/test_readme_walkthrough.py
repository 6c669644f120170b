"""The README is the truth: its command-line walk-through is read from README.md and run, line by line, through
the real `loyalty` command in a subprocess on a fresh SQLite store.

Nothing is substituted: `NAME=$(loyalty …)` lines run and keep what the command printed, as a shell would,
and later lines use `"$NAME"` as written. Each line must exit 0, and print the text its `# → …` comment names.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXPECTS = re.compile(r"#[^#]*?→\s*(?P<text>.+?)\s*$")
CAPTURE = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*)=\$\((?P<command>.*)\)$")
EXPORT = re.compile(r"^export (?P<name>[A-Z_][A-Z0-9_]*)=(?P<value>\S+)$")


@dataclass
class Step:
    line: str
    expects: str | None


def walkthrough(readme: str) -> list[Step]:
    """The shell block right after "Everything else is the `loyalty` command", continuation lines joined."""
    after = readme.split("Everything else is the `loyalty` command", 1)[1]
    block = after.split("```sh\n", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\s*\\\n\s*", " ", block)
    steps = []
    for raw in joined.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        found = EXPECTS.search(raw)
        command = raw.split("  #", 1)[0].split(" # ", 1)[0].rstrip() if "#" in raw else raw.rstrip()
        steps.append(Step(command, found.group("text") if found else None))
    return steps


def bash(line: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", line], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    steps = walkthrough((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(steps) >= 12 and any("loyalty purchase" in s.line for s in steps)
    env = {**os.environ, "LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/walkthrough.db",
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}  # where `loyalty` is installed
    env.pop("LOYALTY_DEBUG", None)
    for step in steps:
        exported = EXPORT.match(step.line)
        if exported:  # evaluated by the shell, kept for the lines after it
            env[exported["name"]] = bash(f'printf %s "{exported["value"]}"', env).stdout
            continue
        captured = CAPTURE.match(step.line)
        done = bash(captured["command"] if captured else step.line, env)
        assert done.returncode == 0, f"{step.line}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        if captured:
            value = done.stdout.strip()
            assert value and "\n" not in value, f"{step.line} printed {done.stdout!r}"
            env[captured["name"]] = value
        if step.expects:
            assert step.expects in done.stdout, f"{step.line}\nexpected {step.expects!r} in:\n{done.stdout}"


def test_the_walkthrough_parser_reads_captures_expectations_and_continued_lines() -> None:
    readme = ("Everything else is the `loyalty` command:\n\n```sh\nloyalty demo   # → installed\n"
              "X=$(loyalty reserve 1 --print id)\nloyalty a \\\n    --b 1   # note → \"k\": 2\n```\n")
    steps = walkthrough(readme)
    assert [s.line for s in steps] == ["loyalty demo", "X=$(loyalty reserve 1 --print id)", "loyalty a --b 1"]
    assert [s.expects for s in steps] == ["installed", None, '"k": 2']
