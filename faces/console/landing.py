"""The landing page at `/` (where a store owner lands after `make run`) and Swagger UI at `/docs`, served
from the vendored `swagger-ui-dist` so the API's documentation works on a store's offline network."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from faces.console.web import PREFIX, current_session, render

router = APIRouter(include_in_schema=False)
SWAGGER = f"{PREFIX}/static/vendor/swagger-ui"


@router.get("/")
def landing(request: Request) -> Response:
    return render(request, "landing.html", session=current_session(request))


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=request.app.openapi_url, title="Loyalty API",
                               swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                               swagger_css_url=f"{SWAGGER}/swagger-ui.css",
                               swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png")
