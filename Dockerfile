# The loyalty platform: one image for the API (`loyalty serve`), the worker (`loyalty worker`) and the
# webhook dispatcher (`loyalty webhooks run`). docker-compose.yml wires them to PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Ho_Chi_Minh

WORKDIR /app
# Only the packages and their metadata: tests, docs and benchmarks stay out of the image.
COPY pyproject.toml README.md ./
COPY loyalty_core ./loyalty_core
COPY loyalty_cli ./loyalty_cli
COPY projections ./projections
COPY api ./api
RUN pip install .

RUN useradd --system --uid 10001 --home-dir /app loyalty
USER loyalty

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3)"]
CMD ["loyalty", "serve", "--host", "0.0.0.0", "--port", "8000"]
