# Funnels: slim, non-root, static files collected at build, gunicorn via scripts/start.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data \
    DEBUG=false

WORKDIR /app
# Pango and fonts for the PDF export (WeasyPrint): accents, right-to-left, CJK and emoji.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Build-only secrets: collectstatic needs settings to load; real ones come at run time.
RUN SECRET_KEY=build-only-secret-key-0123456789abcdef \
    JWT_SECRET=build-only-jwt-secret-0123456789abcdef \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home-dir /app funnels \
 && mkdir -p /data && chown funnels /data

USER funnels
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["scripts/start"]
