"""docker-compose.yml and Dockerfile: no Docker engine runs here, so their structure and commands are checked.

Every `loyalty …` command they run must be a real CLI command, every long-running service must have a
health check, and the store URL must be one the settings accept.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import typer.main
import yaml

from loyalty_cli.main import app
from loyalty_core.settings import Settings, store_env

ROOT = Path(__file__).resolve().parents[3]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _cli_exists(argv: list[str]) -> bool:
    """True if `loyalty <argv>` names a command and its options parse (typer vendors its own click)."""
    assert argv[0] == "loyalty", argv
    command: Any = typer.main.get_command(app)
    args = argv[1:]
    while getattr(command, "commands", None) is not None:
        if not args or args[0] not in command.commands:
            return False
        command = command.commands[args.pop(0)]
    try:
        command.make_context(argv[0], list(args))
    except Exception:  # noqa: BLE001 - whichever click's usage error it is
        return False
    return True


def test_compose_runs_postgres_the_api_the_worker_and_the_webhook_dispatcher() -> None:
    services = _compose()["services"]
    assert {"db", "api", "worker", "webhooks"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["api"]["command"] == ["loyalty", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert "8000:8000" in services["api"]["ports"]
    assert services["worker"]["command"] == ["loyalty", "worker"]


def test_every_service_that_stays_up_has_a_health_check_and_waits_for_a_healthy_db() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        if name == "db" or service.get("restart") == "no":
            continue
        check = service["healthcheck"]
        assert not check.get("disable") and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_every_loyalty_command_in_compose_and_dockerfile_exists() -> None:
    commands = [s["command"] for s in _compose()["services"].values() if s.get("command")]
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd is not None
    commands.append(yaml.safe_load(cmd.group(1)))
    for argv in commands:
        argv = shlex.split(argv) if isinstance(argv, str) else argv
        if argv[0] == "loyalty":
            assert _cli_exists(argv), argv


def test_the_services_share_a_store_url_the_settings_accept() -> None:
    services = _compose()["services"]
    urls = {
        services[name]["environment"]["LOYALTY_DATABASE_URL"]
        for name in ("api", "worker", "webhooks", "init")
    }
    assert len(urls) == 1
    settings = Settings(database_url=urls.pop())
    env = store_env(settings)
    assert settings.is_postgres and env["POSTGRES_HOST"] == "db"
    db = services["db"]["environment"]
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DBNAME"]) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )


def test_the_dockerfile_installs_the_locked_packages_and_runs_unprivileged_with_a_data_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)
    assert "pip install -r requirements.lock" in dockerfile and "pip install --no-deps ." in dockerfile
    assert re.search(r"^COPY \. \.$", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    # The default store is on the volume the unprivileged user owns.
    assert "LOYALTY_DATABASE_URL=sqlite:////data/loyalty.db" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile and "chown loyalty:loyalty /data" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/readyz" in dockerfile
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)


def test_the_build_context_leaves_out_the_virtualenv_local_stores_and_tests_but_keeps_every_package() -> None:
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", "data", ".git", "tests"} <= ignored
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = re.findall(r'"(\w+)\*"', re.search(r"include = \[(.*)\]", pyproject).group(1))
    for package in packages:
        if (ROOT / package).is_dir():
            assert package not in ignored, package
    assert {"loyalty_core", "loyalty_cli", "projections", "api", "faces"} <= set(packages)


def test_every_runtime_dependency_is_pinned_in_the_lock_file_and_the_licence_matches() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line}
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower().replace("_", "-")
        assert name in pinned, f"{name} is not in requirements.lock: run `make lock`"
    assert project["license"] == "Apache-2.0" and "Apache License" in (ROOT / "LICENSE").read_text()
    assert "Version 2.0" in (ROOT / "LICENSE").read_text()


def test_the_cli_says_its_version() -> None:
    from importlib.metadata import version

    from typer.testing import CliRunner

    from loyalty_cli.main import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"loyalty {version('loyalty-ledger')}"


def test_a_built_wheel_carries_every_template_asset_and_licence_of_the_packages(tmp_path) -> None:
    """The Docker image installs the package (not editable): a page whose template or asset is not in the
    wheel would be a 500 there and nowhere else."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = re.findall(r'"(\w+)\*"', re.search(r"include = \[(.*)\]", pyproject).group(1))
    missing = [path.relative_to(ROOT).as_posix() for package in packages if (ROOT / package).is_dir()
               for path in (ROOT / package).rglob("*")
               if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
               and path.relative_to(ROOT).as_posix() not in names]
    assert missing == []
