#!/usr/bin/env bash
# Idempotent set-up for a fresh machine of this kind: Debian ODBC drivers, the project's venv,
# the local database servers and the test databases. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Usage: setup.sh [test]. The browser (for the web console's tests) only comes with `test`.
APT_PACKAGES=(unixodbc unixodbc-dev odbc-postgresql odbc-mariadb libsqliteodbc tdsodbc)
if [ "${1:-}" = "test" ]; then
  APT_PACKAGES+=(chromium chromium-driver)
fi
APT_PACKAGES+=(${GOLDHEAT_EXTRA_APT:-})

log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The venv is rebuilt only when pyproject.toml changed since the last install.
stamp=.venv/.goldheat-installed
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log "installing goldheat and its dev extras into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  # compat mode puts the checkout on sys.path, so packages added later import without a reinstall
  .venv/bin/pip install -q -e '.[dev]' --config-settings editable_mode=compat
  touch "$stamp"
fi

# Services this kind of machine normally starts; start them when they are down.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  log "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! mysqladmin -uroot -h127.0.0.1 status >/dev/null 2>&1; then
  log "starting MariaDB"
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  log "starting Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  log "starting RabbitMQ"
  as_root rabbitmq-server -detached || true
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && mysqladmin -uroot -h127.0.0.1 status >/dev/null 2>&1 && break
  sleep 1
done

# Test databases: one per purpose, so suites never trample each other's tables.
# GoldMine and HEAT classic are non-Unicode (Windows-1252) databases: the replicas are too.
for db in goldheat_gm goldheat_heat goldheat_bench; do
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql -q -h 127.0.0.1 -U postgres -c \
      "CREATE DATABASE $db ENCODING 'WIN1252' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
  mysql -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS $db CHARACTER SET latin1 COLLATE latin1_general_ci"
done
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='goldheat_state'" | grep -q 1 \
  || psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE goldheat_state" >/dev/null
log "ready"
