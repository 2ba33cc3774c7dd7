"""Run the test stories in tests/stories/ against the trained model and a real action server.

    python scripts/test_stories.py --model models/lingkar.tar.gz

Starts the action server on a free port with a throw-away SQLite lead store, runs
`rasa test core --e2e --fail-on-prediction-errors` (so typed user text is checked
against its intent too; Rasa then reads only files named test_*.yml), writes reports/stories/, stops the action server.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.stack import BIN, Stack, action_server_cmd, default_env, wait_http  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "lingkar.tar.gz")
    ap.add_argument("--stories", type=Path, default=ROOT / "tests" / "stories")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "stories")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="lingkar-stories-") as tmp:
        port = free_port()
        env = default_env({**os.environ, "ACTION_SERVER_PORT": str(port),
                           "ACTION_ENDPOINT_URL": f"http://localhost:{port}/webhook",
                           "DATABASE_URL": f"sqlite:///{tmp}/stories.db", "LINGKAR_VAR_DIR": tmp})
        env.pop("REDIS_URL", None)
        stack = Stack(env)
        log = open(Path(tmp) / "actions.log", "w")
        try:
            stack.start(action_server_cmd(env), stdout=log, stderr=subprocess.STDOUT)
            if not wait_http(f"http://localhost:{port}/health", 120, stack.procs):
                log.flush()
                print((Path(tmp) / "actions.log").read_text()[-4000:], file=sys.stderr)
                print("error: the action server did not start", file=sys.stderr)
                return 1
            cmd = [str(BIN / "rasa"), "test", "core", "--model", str(args.model), "--stories", str(args.stories),
                   "--endpoints", str(ROOT / "endpoints.yml"), "--out", str(args.out),
                   "--fail-on-prediction-errors", "--no-plot", "--e2e"]
            rc = subprocess.call(cmd, cwd=ROOT, env=env)
            failed = args.out / "failed_test_stories.yml"
            if rc != 0 and failed.exists():
                print(failed.read_text()[-6000:], file=sys.stderr)
            if rc != 0:
                log.flush()
                print("--- action server log (tail) ---\n" + (Path(tmp) / "actions.log").read_text()[-3000:],
                      file=sys.stderr)
            print(f">> test stories: {'passed' if rc == 0 else 'FAILED'} (report: {args.out})")
            return rc
        finally:
            stack.stop()
            log.close()


if __name__ == "__main__":
    sys.exit(main())
