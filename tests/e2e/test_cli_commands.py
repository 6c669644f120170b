"""The `loyalty` CLI: amounts as cashiers write them, every member command, programs from definition files, and
no input that ends in a traceback (issue #11). In-process through Typer's runner on a SQLite store, and the
real entry point in a subprocess for the promise about tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loyalty_cli.main import app

REPO = Path(__file__).resolve().parents[2]
PHONE = "0901234567"


class Cli:
    def __init__(self, url: str):
        self.runner, self.env = CliRunner(), {"LOYALTY_DATABASE_URL": url}

    def __call__(self, *args: str, code: int = 0) -> dict:
        result = self.runner.invoke(app, list(args), env=self.env)
        assert result.exit_code == code, (args, result.output, result.exception)
        text = result.stdout.strip()
        return json.loads(text) if text.startswith("{") else {"text": text, "stderr": result.stderr}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    run = Cli(f"sqlite:///{tmp_path}/cli.db")
    run("demo")
    run("enroll", PHONE, "--name", "Lan")
    return run


@pytest.mark.parametrize("spelling", ["125.000", "125,000", "125.000 ₫", "125000", "125.000đ", "125 000 VND"])
def test_a_cashiers_spelling_of_an_amount_is_read_as_whole_dong(cli, spelling):
    answer = cli("simulate", PHONE, "--total", spelling)
    base = next(line for line in answer["breakdown"] if line["rule_id"] == "base-1-per-10k")
    assert base["points"] == 12 and "125.000 ₫" in base["description_vi"]


@pytest.mark.parametrize("spelling", ["125,5", "12.34", "1.234,5", "1,25.000", "abc", "", "--", "12.5.1"])
def test_an_ambiguous_amount_is_refused_in_one_line_and_nothing_is_written(cli, spelling):
    result = cli.runner.invoke(app, ["purchase", PHONE, "--total", spelling, "--ref", "T-x"], env=cli.env)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert cli("balance", PHONE)["balance"]["lifetime_earned"] == 0


def test_a_purchase_with_points_used_and_a_discount_line_is_explained(cli):
    bought = cli("purchase", PHONE, "--ref", "HD-9", "--total", "70.000", "--points-used", "100",
                 "--line", "CF:coffee:2:45.000", "--line", "KM:promo:1:-10.000")
    assert bought["transaction_ref"] == "HD-9" and "reference" not in bought
    explained = next(line for line in bought["breakdown"] if line["rule_id"] == "receipt-money-paid")
    assert "70.000 ₫" in explained["description_vi"] and "100 điểm" in explained["description_vi"]


def test_refund_defaults_to_the_purchase_channel_and_reads_grouped_amounts(cli):
    bought = cli("purchase", PHONE, "--ref", "HD-1", "--total", "125.000")
    refunded = cli("refund", "HD-1", "125.000", "--refund-ref", "R1")
    assert refunded["points_reversed"] == bought["points_earned"]


def test_every_member_command_from_the_command_line(cli):
    code = cli("enroll", "0912000111", "--referrer", cli("balance", PHONE)["member_code"],
               "--channel-id", "zalo:555", "--print", "member_code")["text"]
    assert cli("lookup", "--channel-id", "zalo:555", "--print", "member_code")["text"] == code
    assert cli("profile", code, "--name", "Minh")["events"] == ["ProfileUpdated"]
    assert cli("consent", code, "zalo=yes", "sms=no")["events"] == ["ConsentChanged"]
    cli("consent", code, "zalo=maybe", code=2)
    cli("identifier", "link", code, "channel_id", "shopee:buyer-1")
    cli("identifier", "unlink", code, "channel_id", "zalo:555")
    cli("lookup", "--channel-id", "zalo:555", code=1)
    moved = cli("change-phone", code, "0912000222")
    assert moved["phone"] == "+84912000222" and moved["member_code"] == code
    assert cli("set-tier", code, "gold", "--reason", "VIP gesture")["balance"]["tier"] == "gold"
    cli("adjust", code, "--points", "300", "--reason", "paper card")
    voucher = cli("redeem", code, "--reward", "discount-15", "--order", "o-1", "--print", "voucher_code")["text"]
    assert cli("voucher", "show", voucher)["status"] == "issued"
    used = cli("voucher", "use", voucher, "--order", "o-2")
    assert used["voucher_code"] == voucher
    assert "voucher_already_used" in cli("voucher", "use", voucher, "--order", "o-3", code=1)["stderr"]
    redemption = cli("redeem", code, "--points", "10", "--order", "o-4", "--print", "redemption_id")["text"]
    assert cli("reverse-redemption", code, redemption, "--reason", "wrong order")["points"] == 10


def test_program_init_from_yaml_with_a_dry_run_on_a_store_with_no_program(tmp_path):
    run = Cli(f"sqlite:///{tmp_path}/fresh.db")
    definition = tmp_path / "tra-sua.yaml"
    definition.write_text(
        "settings: {code: TS, name: Trà Sữa Hẻm, currency: VND, point_value: 50, max_points_share_of_order: 0.3}\n"
        "expiry: {kind: per_lot, months: 12}\n"
        "rules:\n"
        "  - {kind: points_per_amount, rule_id: base, priority: 10, points: 1, per_amount: 5000}\n"
        "  - {kind: activity, rule_id: welcome, priority: 5, activity: sign_up, points: 10, limit: 1,"
        " period: lifetime}\n"
        "  - {kind: multiplier, rule_id: tet, priority: 30, factor: 1.5, starts_at: 2030-01-28T00:00:00+07:00,"
        " ends_at: 2030-02-05T00:00:00+07:00}\n", encoding="utf-8")
    assert "would be created" in run("program", "init", str(definition), "--dry-run")["text"]
    run("program", "show", code=1)  # the dry run wrote nothing
    assert "created" in run("program", "init", str(definition))["text"]
    shown = run("program", "show")
    assert shown["code"] == "TS" and shown["max_points_share_of_order"] == "0.3" and shown["point_value"] == "50"
    assert [rule["rule_id"] for rule in shown["rules"]] == ["base", "welcome", "tet"]
    assert run("enroll", PHONE)["balance"]["available"] == 10  # the sign_up rule paid at enrolment
    assert run("simulate", PHONE, "--total", "50.000")["points_earned"] == 10
    assert "program_already_exists" in run("program", "init", str(definition), code=1)["stderr"]


@pytest.mark.parametrize("content,name,needle", [
    ("{not json", "p.json", "not valid JSON"),
    ("settings: [unclosed", "p.yaml", "not valid YAML"),
    ('{"settings": {"code": "X", "name": "X", "currency": "VND", "point_value": "0"}}', "p.json",
     "point_value"),
    ('{"settings": {"code": "X", "name": "X", "currency": "VND", "point_value": "1"}, "rules": [{"kind": '
     '"multiplier", "rule_id": "m", "priority": 1, "factor": "1"}]}', "p.json", "rules (m)"),
    ('{"settings": {}, "extra": 1}', "p.json", "unknown section"),
    ('[1, 2]', "p.json", "is an object"),
    ("settings: {code: X, name: X, currency: VND, point_value: 100}\nrules:\n  - {kind: points_per_amount, "
     "rule_id: b, priority: 1, points: 1, per_amount: 10.000}\n", "p.yaml", "amount_not_whole_vnd"),
])
def test_a_bad_definition_is_refused_in_one_line_naming_what_is_wrong(tmp_path, content, name, needle):
    run = Cli(f"sqlite:///{tmp_path}/fresh.db")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused = run("program", "init", str(path), code=1)
    assert needle in refused["stderr"] and refused["stderr"].startswith("refused: ")
    run("program", "show", code=1)


def loyalty(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loyalty_cli.main", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_no_input_ends_in_a_traceback_at_the_real_entry_point(tmp_path):
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    cases = [
        (["purchase", PHONE, "--total", "125,5"], env),
        (["program", "init", str(tmp_path / "missing.yaml")], env),
        (["balance", PHONE], {"LOYALTY_DATABASE_URL": "nonsense://x"}),
        (["balance", "not a member"], env),
        (["purchase", PHONE, "--total", "1000", "--line", "broken"], env),
    ]
    for args, case_env in cases:
        done = loyalty(*args, env=case_env)
        assert done.returncode in (1, 2), (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0, (args, done.stderr)


def test_the_example_program_file_installs_and_init_if_missing_leaves_a_program_alone(tmp_path):
    run = Cli(f"sqlite:///{tmp_path}/fresh.db")
    example = REPO / "examples" / "programs" / "tra-sua.yaml"
    assert "created" in run("program", "init", str(example))["text"]
    demo = REPO / "loyalty_core" / "program" / "demo.json"
    assert "nothing done" in run("program", "init", "--if-missing", str(demo))["text"]
    assert run("program", "show")["code"] == "TSH"
    assert run("enroll", PHONE)["balance"]["available"] == 10  # its sign_up rule
    tea = run("simulate", PHONE, "--total", "50.000", "--line", "TS-DEN:tea:1:50.000")
    assert tea["points_earned"] >= 10


def test_docker_compose_creates_the_program_from_a_file_that_exists_in_the_image():
    import yaml

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["init"]["command"]
    assert command[:4] == ["loyalty", "program", "init", "--if-missing"]
    default = command[4].removeprefix("${LOYALTY_PROGRAM_FILE:-").removesuffix("}")
    assert (REPO / default).is_file()  # the image copies the repository to /app, its working directory


def test_add_rule_reads_json_or_yaml_and_refuses_grouped_vnd(cli, tmp_path):
    rule = tmp_path / "extra.yaml"
    rule.write_text("{kind: fixed_bonus, rule_id: extra, priority: 70, points: 5, min_spend: 100.000}\n",
                    encoding="utf-8")
    refused = cli("program", "add-rule", str(rule), "--actor", "marketing", code=1)
    assert "amount_not_whole_vnd" in refused["stderr"] and "min_spend" in refused["stderr"]
    rule.write_text("{kind: fixed_bonus, rule_id: extra, priority: 70, points: 5, min_spend: 100000}\n",
                    encoding="utf-8")
    assert "now at version" in cli("program", "add-rule", str(rule), "--actor", "marketing")["text"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "fixed_bonus"}', encoding="utf-8")
    assert cli("program", "add-rule", str(broken), "--actor", "m", code=1)["stderr"].startswith("refused: ")


def test_a_worker_for_projections_that_do_not_exist_is_refused_before_it_connects(tmp_path):
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/never-created.db"}
    for names in ("timeline,nope", " , "):
        done = loyalty("worker", "--projections", names, env=env)
        assert done.returncode == 2 and "no projection named" in done.stderr, (done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    assert not (tmp_path / "never-created.db").exists()
