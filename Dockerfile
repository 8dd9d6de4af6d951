# Intercept Watch: a slim image that migrates, then serves with uvicorn.
# DATABASE_URL comes from the environment (default: SQLite in /app/data, a volume).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin intercept
WORKDIR /app

# Dependencies in their own layer: rebuilt only when the pins change.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The application: a wheel that carries its templates, static files, migrations and seeds.
COPY README.md alembic.ini ./
COPY app ./app
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
COPY seeds ./seeds
RUN pip install --no-deps . \
 && mkdir -p /app/data \
 && chown intercept:intercept /app/data

USER intercept
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"

# `serve` runs the migrations (and seeds an empty database), then uvicorn.
CMD ["intercept-watch", "serve", "--host", "0.0.0.0", "--port", "8000"]
