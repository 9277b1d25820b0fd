"""Kill the server in the middle of autosaving: nothing acknowledged is lost.

A real gunicorn serves a throwaway SQLite file (WAL, synchronous=NORMAL) while a "typist"
adds a word every 100 ms and autosaves every 500 ms, as the page does after a pause. The
server gets SIGKILL while a save is in flight. After a restart, the answer holds at least
the last save the server acknowledged (so at most the typing since then is lost: under the
page's 2-second autosave pause), the database passes an integrity check, and saving goes on.
"""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from django.contrib.auth.models import User
from practice.models import Attempt, PracticeSession
from questions.models import Question
user = User.objects.create_user("typist", password="pw-typist-123456")
q = Question.objects.create(key="crash-q", prompt="Explain overfitting.", category="technical",
                            status="published")
s = PracticeSession.objects.create(user=user, mode="drill", question_count=1)
a = Attempt.objects.create(session=s, question=q, position=1)
print(s.pk)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str]):
        self.env, self.port, self.proc = env, free_port(), None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "interview_prep.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # master and worker at once, no clean-up
        self.proc.wait(10)
        time.sleep(0.5)


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=5) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(
            self.base + path, body, headers={"HX-Request": "true", "Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=5) as response:
            return response.status

    def log_in(self) -> None:
        self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": "typist", "password": "pw-typist-123456"})


def test_killing_the_server_mid_autosave_loses_only_unsaved_typing(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": "crash-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "STATIC_MANIFEST": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "AXES_ENABLED": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    session_id = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    ).stdout.split()[-1]  # fmt: skip
    page = f"/practice/sessions/{session_id}/questions/1/"

    server = Server(env)
    server.start()
    try:
        browser = Browser(f"http://127.0.0.1:{server.port}")
        browser.log_in()
        words: list[str] = []
        acknowledged = ""
        acknowledged_at = time.monotonic()
        version = 0
        stop = threading.Event()
        crashed_with: list[str] = []  # what had been typed when the server died

        def typist() -> None:
            while not stop.is_set():
                words.append(f"word{len(words)}")
                time.sleep(0.1)

        threading.Thread(target=typist, daemon=True).start()

        def crash() -> None:
            crashed_with.append(" ".join(words))
            server.kill()

        # The crash lands between two saves, while the typist is mid-sentence.
        threading.Timer(3.25, crash).start()
        while True:
            time.sleep(0.5)
            text = " ".join(words)
            try:
                status = browser.post(page + "save/", {"answer": text, "version": version})
            except OSError:
                break
            assert status == 200
            acknowledged, acknowledged_at, version = text, time.monotonic(), version + 1
        stop.set()
        while not crashed_with:
            time.sleep(0.05)
        typed_at_crash = crashed_with[0]

        integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
        assert integrity == "ok"
        server.start()
        html = Browser(f"http://127.0.0.1:{server.port}")
        html.log_in()
        body = html.get(page)
        saved = re.search(r'<textarea[^>]*name="answer"[^>]*>\n?(.*?)</textarea>', body, re.S)
        saved_text = saved.group(1) if saved else ""
        assert acknowledged and saved_text.startswith(acknowledged)  # nothing acknowledged lost
        lost = typed_at_crash[len(saved_text) :].split()
        print(f"saved {len(saved_text.split())} words; lost {len(lost)}: {lost}")
        assert len(lost) * 0.1 <= 2.0 + 0.5, f"lost {len(lost)} words ({lost[:5]}...)"
        assert time.monotonic() - acknowledged_at < 10
        # And the answer can be saved again after the restart.
        current = int(re.search(r'name="version" value="(\d+)"', body).group(1))
        assert html.post(page + "save/", {"answer": saved_text + " after", "version": current})
    finally:
        if server.proc and server.proc.poll() is None:
            server.kill()
