# One image for every process of Warung Online: web (the default command), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files are part of the image; the key here only lets Django start.
RUN python manage.py compiletranslations \
    && SECRET_KEY=only-for-collectstatic python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --home /app warung \
    && mkdir -p /app/media /app/private \
    && chown warung /app/media /app/private

USER warung
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
