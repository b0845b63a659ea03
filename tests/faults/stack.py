"""Private servers for the fault suite, each on a free port, for the test to stop, kill and start again.

PostgreSQL (its own cluster in a temporary directory, run as the ``postgres``
user when the tests run as root), Redis, an SMTP server (aiosmtpd) that keeps
every message it accepts, and Celery workers as subprocesses. None of them is
a server anyone else uses.
"""

import asyncio
import contextlib
import email
import email.policy
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout} s")
        time.sleep(0.05)


def postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A PostgreSQL cluster of our own: ``stop``/``start`` it as a database restart would."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="irportal-faults-pg-"))
        self.data = self.directory / "data"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.binaries / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory} -c fsync=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def execute(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """A redis-server of our own; ``kill`` it (kill -9, nothing saved) and ``start`` it on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                return redis.Redis.from_url(self.url).ping()
            except redis.ConnectionError:
                return False

        _wait(answers, 10, "redis-server")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class MailRecorder:
    """The SMTP server's side: every accepted message, and a hook run before each one is accepted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[dict] = []
        self.before_accepting = None  # called with the number of messages accepted so far

    async def handle_DATA(self, server, session, envelope):
        if self.before_accepting is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.before_accepting, len(self.messages))
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": str(message["Subject"]),
                    "message_id": message["Message-ID"],
                    "alert": message["List-Unsubscribe"] is not None,
                }
            )
        return "250 Message accepted for delivery"

    def alerts_to(self) -> dict[str, int]:
        """How many alert mails each address received."""
        counts: dict[str, int] = {}
        with self.lock:
            for message in self.messages:
                if message["alert"]:
                    for address in message["to"]:
                        counts[address] = counts.get(address, 0) + 1
        return counts

    def subjects_to(self, address: str) -> list[str]:
        with self.lock:
            return [message["subject"] for message in self.messages if address in message["to"]]


class SMTPServer:
    """aiosmtpd on a port of our own: ``stop`` refuses connections until ``start``."""

    def __init__(self):
        self.port = free_port()
        self.recorder = MailRecorder()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Worker:
    """``celery worker`` in a subprocess (``tests.faults.worker`` can make it die at a chosen point)."""

    def __init__(self, env: dict, log: Path, *, die_after_commit: bool = False, beat: bool = False):
        command = [sys.executable, "-m", "tests.faults.worker", "--pool=solo", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            command += ["--beat", f"--schedule={log.parent / 'celerybeat-schedule'}"]
        env = {**env, "FAULTS_DIE_AFTER_COMMIT": "1" if die_after_commit else ""}
        self.log = log
        with open(log, "ab") as output:
            # A session of its own: ``kill`` ends the worker with the beat process it starts (``--beat``).
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait(lambda: b"ready." in log.read_bytes() or self.process.poll() is not None, 60, "the worker")
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker exited at start:\n{log.read_text()[-3000:]}")

    def wait_killed(self, timeout: float = 60) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """Kill the worker and whatever it started, even when the worker itself is already gone."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
