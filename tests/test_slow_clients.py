"""`make serve` keeps answering while a handful of clients send their uploads a byte at a time.

Issue 12 item 9: with one process per request, six uploads sending one byte every three
seconds held every worker. ``scripts/serve`` (what ``make serve`` runs) uses threaded
workers that each accept only as many connections as they have threads, so a slow client
holds one thread and other visitors are served by the rest.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from urllib.parse import urlsplit

from helpers import serving, tiny_course

SLOW_CLIENTS = 6
#: Seconds between two bytes of a slow upload, as in the issue.
TRICKLE = 3.0
#: How long a normal page may take while the uploads trickle (it takes milliseconds alone).
PATIENCE = 3.0


def start_slow_upload(url: str) -> socket.socket:
    """Open an upload to the verification API that announces 10 kB and sends one byte."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    head = (
        "POST /api/v1/verify HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        "Content-Type: multipart/form-data; boundary=slow\r\n"
        "Content-Length: 10000\r\n\r\n"
    )
    sock.sendall(head.encode() + b"-")
    return sock


def timed_get(url: str) -> tuple[int, float]:
    """The status of GET ``url`` and how long it took, giving up after ``PATIENCE``."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=PATIENCE) as response:  # noqa: S310 - loopback
            response.read()
            status = response.status
    except TimeoutError:
        status = 0
    return status, time.monotonic() - started


def test_pages_answer_while_six_uploads_trickle_a_byte_every_three_seconds(tmp_path):
    """Runs about 7 s once the server is up: two trickle periods with pages fetched between."""
    with serving(tmp_path / "instance", **tiny_course(tmp_path / "content")) as server:
        uploads = [start_slow_upload(server.url) for _ in range(SLOW_CLIENTS)]
        try:
            time.sleep(0.5)  # every upload is now being read by the server
            answers = []
            for _ in range(2):
                next_byte = time.monotonic() + TRICKLE
                while time.monotonic() < next_byte:
                    answers.append(timed_get(f"{server.url}/"))
                    answers.append(timed_get(f"{server.url}/modules"))
                    time.sleep(0.2)
                for upload in uploads:
                    upload.sendall(b"-")
        finally:
            for upload in uploads:
                upload.close()
    slow = [(status, round(seconds, 2)) for status, seconds in answers if status != 200]
    assert slow == [], f"pages that did not answer within {PATIENCE} s: {slow}"
    assert len(answers) >= 10
