#!/usr/bin/env bash
# Make sure the local Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432) that the
# tests talk to are running; start them if they are installed but stopped.
# A server whose binary is missing is reported loudly; the tests that need it then skip.
set -u
REDIS_HOST=${TEST_REDIS_HOST:-127.0.0.1}; REDIS_PORT=${TEST_REDIS_PORT:-6379}
PG_HOST=${TEST_PG_HOST:-127.0.0.1}; PG_PORT=${TEST_PG_PORT:-5432}

redis_up() { (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
pg_up() { if command -v pg_isready >/dev/null; then pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; else (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; fi; }
loud() { printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' "$1" >&2; }

if redis_up; then echo ">> redis: up on $REDIS_HOST:$REDIS_PORT"
elif command -v redis-server >/dev/null; then
  echo ">> redis: starting"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null \
    || redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  for _ in $(seq 20); do redis_up && break; sleep 0.5; done
  redis_up && echo ">> redis: up" || echo ">> redis: failed to start (tests that need it will FAIL)"
else
  loud "redis-server is not installed: tests that need Redis will be SKIPPED"
fi

if pg_up; then echo ">> postgres: up on $PG_HOST:$PG_PORT"
elif command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
  echo ">> postgres: starting"
  for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
  for _ in $(seq 30); do pg_up && break; sleep 0.5; done
  pg_up && echo ">> postgres: up" || echo ">> postgres: failed to start (tests that need it will FAIL)"
else
  loud "PostgreSQL is not installed: tests that need PostgreSQL will be SKIPPED"
fi
exit 0
