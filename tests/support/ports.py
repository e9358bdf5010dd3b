"""A free TCP port on 127.0.0.1: the one helper for it (tests/unit/test_layout.py refuses a second)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on right now: for a process to bind next, or as a closed port to fail against."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
