# The loyalty platform: one image for the API (`loyalty serve`), the worker (`loyalty worker`) and the
# webhook dispatcher (`loyalty webhooks run`). docker-compose.yml wires them to PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Ho_Chi_Minh \
    LOYALTY_DATABASE_URL=sqlite:////data/loyalty.db

WORKDIR /app
# The build context is filtered by .dockerignore (no .venv, data/, tests or caches), so this copies the
# packages, pyproject.toml, README.md and LICENSE, with the pinned versions of requirements.lock.
COPY . .
RUN pip install -r requirements.lock && pip install --no-deps .

# Runs as an unprivileged user; the only place it writes is the data volume (the SQLite store when no
# PostgreSQL is configured, and the audit signing key if one is generated there).
RUN useradd --system --uid 10001 --home-dir /app loyalty \
    && mkdir -p /data && chown loyalty:loyalty /data
VOLUME ["/data"]
USER loyalty

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3)"]
CMD ["loyalty", "serve", "--host", "0.0.0.0", "--port", "8000"]
