"""Print jobs are rendered in a process of their own. A ticket drawn as an image (the
default for printers without a Vietnamese code page) costs ~50 ms of CPU in Pillow and
the QR encoder, more than the request that issued it; in the server process that time
would be taken from the hall's requests and its event loop under the GIL. A second
process uses the machine's other core instead.

The child is ``python -m qms.devices.renderer``, reading pickled jobs on stdin and writing the
bytes on stdout, one at a time. It ends when its stdin closes, so it never outlives the
server, even a SIGKILLed one. Pickle is safe here: both ends are this program.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import threading
from typing import IO, Any

from qms.process import cpu

_LEN = struct.Struct(">I")


class RenderFailed(Exception):
    """The renderer could not make the job's bytes (or died): the job is retried."""


def _write(out: IO[bytes], payload: bytes) -> None:
    out.write(_LEN.pack(len(payload)) + payload)
    out.flush()


def _read(src: IO[bytes]) -> bytes | None:
    head = src.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (size,) = _LEN.unpack(head)
    body = src.read(size)
    if len(body) < size:
        return None
    return body


class Renderer:
    """One renderer process, started at the first job and again after it dies."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def render(self, doc: Any, setup: Any) -> bytes:
        job = pickle.dumps((doc, setup.paper, setup.mode, setup.profile))
        with self._lock:
            proc = self._started()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                _write(proc.stdin, job)
                answer = _read(proc.stdout)
            except OSError:
                answer = None
            if answer is None:
                self._stop()
                raise RenderFailed("the renderer process died; the job will be retried")
        ok, value = pickle.loads(answer)
        if not ok:
            raise RenderFailed(value)
        return bytes(value)

    def _started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is not None:
            self._stop()  # died between two jobs
        if self._proc is None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "qms.devices.renderer"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a dead child: unsent bytes go
                    pipe.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        with self._lock:
            self._stop()


def serve(src: IO[bytes], out: IO[bytes]) -> None:
    """The child's loop: a job in, its bytes (or the error's text) out."""
    from printers.render import render_bytes

    while (job := _read(src)) is not None:
        try:
            doc, paper, mode, profile = pickle.loads(job)
            answer: tuple[bool, Any] = (True, render_bytes(doc, paper, mode, profile))
        except Exception as exc:  # the parent logs it and keeps the job
            answer = (False, f"{type(exc).__name__}: {exc}")
        try:
            _write(out, pickle.dumps(answer))
        except BrokenPipeError:  # the server went away mid-job: so do we
            return


def main() -> None:
    """Keep fd 1 for the answers; anything a library prints goes to stderr instead.
    Temporary files go to a directory of this process's own, removed when it ends:
    python-escpos makes an empty one at import that it never removes (its printer
    database is cached elsewhere, ``printers.capabilities_cache``)."""
    cpu.release()  # off the server's core
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    with tempfile.TemporaryDirectory(prefix="qms-renderer-") as tmp:
        tempfile.tempdir = tmp
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
