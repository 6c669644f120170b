"""Write the API's OpenAPI document to sdk/openapi.json and, with --generate, regenerate sdk/python from it.

`make sdk` runs both (openapi-python-client, pinned in GENERATOR, lives in .venv-sdk, apart from the service's
own venv, because it pins its own typer; `generator()` installs it on first use). tests/e2e/test_sdk.py fails
when the served document differs from sdk/openapi.json (the API changed and `make sdk` was not run), and when
sdk/python/loyalty_client differs from what the generator makes of sdk/openapi.json (the document was edited
or regenerated without the client).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "sdk" / "openapi.json"
PYTHON_CLIENT = REPO / "sdk" / "python" / "loyalty_client"
GENERATOR = "openapi-python-client==0.29.1"
SDK_VENV = REPO / ".venv-sdk"


def current_spec() -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from api.main import create_app
        from api.settings import ApiSettings
        from loyalty_core.settings import Settings

    workdir = tempfile.mkdtemp(prefix="loyalty-sdk-")
    app = create_app(ApiSettings(core=Settings(database_url=f"sqlite:///{workdir}/loyalty.db")))
    try:
        return app.openapi()
    finally:
        app.state.api.close()
        shutil.rmtree(workdir, ignore_errors=True)


def render(spec: dict) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def for_generator(spec: dict) -> dict:
    """The document with unique schema titles: two modules each have a RetryOut and a VoucherOut (FastAPI
    keys them `api__routes__messages__RetryOut`), and the generator names classes by title."""
    spec = json.loads(json.dumps(spec))
    for key, schema in spec.get("components", {}).get("schemas", {}).items():
        if "__" in key:
            module, name = key.split("__")[-2:]
            schema["title"] = "".join(part.title() for part in module.split("_")) + name
    return spec


def generator() -> Path:
    """The pinned openapi-python-client in .venv-sdk, installed there first if it is not (a stamp names the
    version installed; a file lock keeps two test workers from building the venv at once)."""
    executable, stamp = SDK_VENV / "bin" / "openapi-python-client", SDK_VENV / ".loyalty-generator"
    if executable.exists() and stamp.exists() and stamp.read_text() == GENERATOR:
        return executable
    with open(Path(os.environ.get("TMPDIR", "/tmp")) / f"loyalty-sdk-py-{os.getuid()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (executable.exists() and stamp.exists() and stamp.read_text() == GENERATOR):
            if not (SDK_VENV / "bin" / "pip").exists():
                subprocess.run([sys.executable, "-m", "venv", str(SDK_VENV)], check=True, capture_output=True)
            subprocess.run([str(SDK_VENV / "bin" / "pip"), "install", "--quiet", GENERATOR], check=True)
            stamp.write_text(GENERATOR)
    return executable


def generate_python(spec: dict, output: Path, executable: Path | None = None) -> None:
    """Generate the Python client from `spec` into `output` (replaced)."""
    executable = executable or generator()
    workdir = Path(tempfile.mkdtemp(prefix="loyalty-sdk-"))
    try:
        source = workdir / "openapi.json"
        source.write_text(render(for_generator(spec)), encoding="utf-8")
        shutil.rmtree(output, ignore_errors=True)
        subprocess.run([str(executable), "generate", "--path", str(source), "--config",
                        str(REPO / "sdk" / "python-config.yml"), "--output-path", str(output),
                        "--overwrite", "--meta", "none"], check=True, cwd=REPO)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    sys.path.insert(0, str(REPO))
    spec = current_spec()
    SPEC.write_text(render(spec), encoding="utf-8")
    if "--generate" in sys.argv:
        generate_python(spec, PYTHON_CLIENT)


if __name__ == "__main__":
    main()
