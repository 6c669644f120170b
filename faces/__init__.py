"""The web faces: server-rendered pages for people (staff console, marketing, the member's app).

They sit above `api`: each face is a package with an `install(app)` that adds its routes and its static
files to the FastAPI app built by `api.main.create_app`, and talks to the ledger only through the
application service and the read models on `app.state.api`, never around them. Pages are Jinja2
templates with a little vendored JavaScript; every asset is served by the service itself (stores run
offline), Vietnamese first with English switchable.
"""

from __future__ import annotations

from typing import Any

# Each face adds itself here: (module path, human name). Installed in this order.
FACES: list[str] = ["faces.member", "faces.console"]


def install_faces(app: Any) -> None:
    import importlib

    for module_path in FACES:
        importlib.import_module(module_path).install(app)
