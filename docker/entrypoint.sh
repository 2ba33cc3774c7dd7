#!/bin/sh
# Entry point of the Lingkar image: one image, one role per container (docker-compose.yml picks it).
#
#   rasa       Rasa server: REST channel + HTTP API on $RASA_HOST:$RASA_PORT (default 127.0.0.1:5005). The HTTP
#              API is always on and always behind RASA_AUTH_TOKEN; it calls the action server with
#              ACTION_SERVER_TOKEN (endpoints.yml). Without either token this refuses to start.
#   actions    the action server (python -m bot.action_server: rasa-sdk behind ACTION_SERVER_TOKEN) on
#              $ACTION_SERVER_HOST:$ACTION_SERVER_PORT (default 127.0.0.1:5055); refuses to start without a token
#   telegram   the Telegram adapter (python -m bot.telegram; TELEGRAM_MODE=webhook in production; with
#              TELEGRAM_PLUGINS=bot.staff.plugin:setup_all it serves the staff and agent commands too)
#   channels   every configured messenger channel in one process on BOT_PORT (python -m bot.channels): Telegram
#              (TELEGRAM_BOT_TOKEN) and WhatsApp (WHATSAPP_TOKEN; webhook /webhooks/whatsapp, docs/whatsapp.md)
#   dashboard  the staff dashboard (python -m bot.dashboard) on $DASHBOARD_PORT (default 8081); GET /health
#   notifier   the staff notifier (python -m bot.staff notifier): posts new leads, agent applications and
#              handoffs from the outbox to the staff group (STAFF_CHAT_ID), tells agents, daily reminder.
#              It refuses to start without TELEGRAM_BOT_TOKEN and STAFF_CHAT_ID.
#   outreach   the broadcast worker (python -m bot.outreach worker): runs broadcast jobs from PostgreSQL at each
#              platform's limits; start more containers to scale out (docs/jobs.md)
#   health     python -m rasa_plugins.health (exit 0 ok, 1 degraded, 2 down)
#   anything else is run as a command, e.g. `python -m lingkar.store upgrade`.
#
# LINGKAR_HOME (default /app) is where the repository lives; RASA_MODEL the trained model to serve.
set -eu

home="${LINGKAR_HOME:-/app}"
cd "$home"
export PYTHONPATH="$home${PYTHONPATH:+:$PYTHONPATH}"

role="${1:-rasa}"
[ "$#" -gt 0 ] && shift

case "$role" in
  rasa)
    if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
      echo "entrypoint: RASA_AUTH_TOKEN is empty; refusing to start Rasa with an unauthenticated HTTP API." >&2
      echo "entrypoint: set it in .env (e.g. openssl rand -hex 32)." >&2
      exit 64
    fi
    if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
      echo "entrypoint: ACTION_SERVER_TOKEN is empty; the action server accepts only calls that carry it." >&2
      echo "entrypoint: set it in .env (e.g. openssl rand -hex 32)." >&2
      exit 64
    fi
    : "${ACTION_ENDPOINT_URL:?ACTION_ENDPOINT_URL must be set (e.g. http://actions:5055/webhook)}"
    exec python -m rasa_plugins.run run \
      --model "${RASA_MODEL:-$home/models/lingkar.tar.gz}" \
      --interface "${RASA_HOST:-127.0.0.1}" \
      --port "${RASA_PORT:-5005}" \
      --enable-api --auth-token="$RASA_AUTH_TOKEN" \
      --endpoints "$home/endpoints.yml" \
      --credentials "$home/credentials.yml" \
      "$@"
    ;;
  actions)
    exec python -m bot.action_server --actions actions --port "${ACTION_SERVER_PORT:-5055}" "$@"
    ;;
  telegram)
    exec python -m bot.telegram "$@"
    ;;
  channels)
    exec python -m bot.channels "$@"
    ;;
  dashboard)
    exec python -m bot.dashboard "$@"
    ;;
  notifier)
    exec python -m bot.staff notifier "$@"
    ;;
  outreach)
    exec python -m bot.outreach worker "$@"
    ;;
  health)
    exec python -m rasa_plugins.health "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
