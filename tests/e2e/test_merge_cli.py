"""`loyalty members merge|unmerge` on a SQLite store: the duplicate named by phone, the merge undone by the
duplicate's old phone, a refusal as a one-line error with its code (exit 1), never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli_commands import Cli


def test_members_merge_and_unmerge_from_the_command_line(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path}/cli.db")
    cli("demo")
    survivor = cli("enroll", "0901234567")["member_id"]
    duplicate = cli("enroll", "0912345678")["member_id"]
    cli("adjust", "0912345678", "--points", "300", "--reason", "paper card")
    merged = cli("members", "merge", "0901234567", "0912345678", "--reason", "cùng một người", "--key", "m-1")
    assert merged["status"] == "merged" and merged["member_id"] == survivor and merged["points_moved"] == 300
    assert cli("members", "merge", "0901234567", "0912345678", "--reason", "cùng một người", "--key", "m-1") == merged
    assert cli("balance", duplicate)["balance"]["available"] == 300  # the duplicate's id reads the survivor
    refused = cli("members", "merge", survivor, survivor, "--reason", "x", code=1)
    assert "merge_into_self" in refused["stderr"] and "Traceback" not in refused["stderr"]
    back = cli("members", "unmerge", survivor, "0912345678", "--reason", "khác người")
    assert back["status"] == "unmerged" and back["merged_member_id"] == duplicate
    assert cli("balance", "0912345678")["balance"]["available"] == 300
    assert cli("balance", survivor)["balance"]["available"] == 0
