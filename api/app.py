"""The ASGI app for `uvicorn api.app:app`, configured from the environment (`loyalty serve` does the same)."""

from api.main import create_app

app = create_app()
