"""Write the API's OpenAPI document to sdk/openapi.json and, with --generate, regenerate sdk/python from it.

`make sdk` runs both (installing openapi-python-client into .venv-sdk, apart from the service's own venv,
because the generator pins its own typer). tests/e2e/test_sdk.py fails when the served document differs from
sdk/openapi.json, i.e. when the API changed and the client was not regenerated.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "sdk" / "openapi.json"


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


def main() -> None:
    sys.path.insert(0, str(REPO))
    spec = current_spec()
    SPEC.write_text(render(spec), encoding="utf-8")
    if "--generate" in sys.argv:
        generator = Path(sys.argv[sys.argv.index("--generate") + 1])
        source = Path(tempfile.mkdtemp(prefix="loyalty-sdk-")) / "openapi.json"
        source.write_text(render(for_generator(spec)), encoding="utf-8")
        subprocess.run([str(generator), "generate", "--path", str(source), "--config",
                        str(REPO / "sdk" / "python-config.yml"), "--output-path", str(REPO / "sdk" / "python" / "loyalty_client"),
                        "--overwrite", "--meta", "none"], check=True, cwd=REPO)


if __name__ == "__main__":
    main()
