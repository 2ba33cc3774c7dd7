"""The action server, refusing every caller but our Rasa: rasa-sdk's app behind a shared secret.

    python -m bot.action_server --actions actions --port 5055     # what `make run/serve` and the image start

Takes the arguments of ``rasa run actions`` (``--actions``, ``--port``, ``--cors``, ``--ssl-*``, ``--auto-reload``,
logging options) and serves rasa-sdk's own Sanic app (``rasa_sdk.endpoint.create_app``), so actions behave exactly
as under ``rasa run actions``. The difference: every request except ``GET /health`` must carry the header
``X-Lingkar-Action-Token: $ACTION_SERVER_TOKEN``; without it the answer is 401, with a wrong value 403, and the
action is not run. Rasa sends the header from endpoints.yml (``action_endpoint.headers``), so Rasa and the action
server must get the same ACTION_SERVER_TOKEN (``python -m bot.stack`` generates one per run when it is unset;
docker-compose takes it from .env). Without a token this refuses to start.

Settings: ACTION_SERVER_TOKEN (required), ACTION_SERVER_HOST (address to listen on; default 127.0.0.1 — set
0.0.0.0 only inside a private network, as docker-compose does), ACTION_SERVER_PORT (default of ``--port``).
"""
from __future__ import annotations

import hmac
import logging
import sys
from typing import List

from sanic import Sanic, response
from sanic.request import Request

from lingkar.process import start_process

HEADER = "X-Lingkar-Action-Token"
OPEN_PATHS = frozenset({"/health"})
DEFAULT_BIND = "127.0.0.1"

logger = logging.getLogger("lingkar.action_server")


def require_token(app: Sanic, token: str) -> Sanic:
    """Make ``app`` answer 401 (no header) or 403 (wrong value) to every request but GET /health."""
    if not token:
        raise ValueError("the action server needs a non-empty ACTION_SERVER_TOKEN")
    expected = token.encode()

    async def check(request: Request):
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        given = request.headers.get(HEADER)
        if given is None:
            return response.json({"error": f"missing {HEADER}"}, status=401)
        if not hmac.compare_digest(given.encode(), expected):
            logger.warning("refused %s %s: wrong %s", request.method, request.path, HEADER)
            return response.json({"error": f"wrong {HEADER}"}, status=403)
        return None

    app.register_middleware(check, "request")
    return app


def build_app(actions: str, token: str, cors_origins=None, auto_reload: bool = False) -> Sanic:
    """rasa-sdk's action server app for the ``actions`` package, behind :func:`require_token`."""
    from rasa_sdk.endpoint import create_app

    return require_token(create_app(actions, cors_origins=cors_origins, auto_reload=auto_reload), token)


def main(argv: List[str] | None = None) -> int:
    env = start_process().env  # settings read once; log filter; library deprecation warnings quieted (sanic is in)
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser, create_ssl_context
    from rasa_sdk.plugin import plugin_manager

    from lingkar.store import Store, database_url, provide

    parser = create_argument_parser()
    parser.prog, parser.description = "python -m bot.action_server", __doc__
    if env.get("ACTION_SERVER_PORT"):
        parser.set_defaults(port=int(env["ACTION_SERVER_PORT"]))
    args = parser.parse_args(argv)
    token = (env.get("ACTION_SERVER_TOKEN") or "").strip()
    if not token:
        print("error: ACTION_SERVER_TOKEN is empty; refusing to run actions for any caller. Set it to the value "
              "Rasa sends (python -m bot.stack generates one; in docker-compose it comes from .env).", file=sys.stderr)
        return 64
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    # the one lead store of this process: rasa-sdk creates the actions itself, so they read it from the provider
    provide(Store(database_url()), migrate=True)  # migrated at the first action that reaches the database
    app = build_app(args.actions, token, cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = (env.get("ACTION_SERVER_HOST") or DEFAULT_BIND).strip()
    logger.info("action server on %s://%s:%s (calls need %s)", "https" if ssl else "http", host, args.port, HEADER)
    app.run(host, args.port, ssl=ssl, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
