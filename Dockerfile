# goldheat's service image: Debian's ODBC drivers and the package. One image, three roles
# (docker-compose.yml): `goldheat serve --role worker|beat|flower`.
FROM python:3.11-slim-bookworm

# The ODBC drivers goldheat talks to GoldMine and HEAT classic through: FreeTDS for SQL Server,
# plus PostgreSQL, MariaDB and SQLite (replicas, the demo). Microsoft's own SQL Server driver
# (msodbcsql18) needs Microsoft's apt repository: build with --build-arg MSODBCSQL=1 to add it.
ARG MSODBCSQL=0
RUN apt-get update \
 && apt-get install -y --no-install-recommends unixodbc odbc-postgresql odbc-mariadb libsqliteodbc tdsodbc \
      curl gnupg ca-certificates \
 && if [ "$MSODBCSQL" = "1" ]; then \
      curl -fsSL https://packages.microsoft.com/keys/microsoft.asc | gpg --dearmor -o /usr/share/keyrings/microsoft.gpg \
      && echo "deb [signed-by=/usr/share/keyrings/microsoft.gpg] https://packages.microsoft.com/debian/12/prod bookworm main" \
         > /etc/apt/sources.list.d/microsoft.list \
      && apt-get update && ACCEPT_EULA=Y apt-get install -y --no-install-recommends msodbcsql18; \
    fi \
 && apt-get purge -y curl gnupg && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY connectors ./connectors
COPY mappings ./mappings
COPY jobs ./jobs
RUN pip install --no-cache-dir ".[monitoring]"

# Never root: Celery refuses to be comfortable as root, and letters should not be owned by it.
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/goldheat goldheat
USER goldheat
ENV GOLDHEAT_VAR_DIR=/var/lib/goldheat \
    GOLDHEAT_LETTERS__OUTPUT_DIR=/var/lib/goldheat/letters \
    GOLDHEAT_LOG__FORMAT=json \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/goldheat"]
EXPOSE 9808 5555
CMD ["goldheat", "serve"]
