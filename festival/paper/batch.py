"""Every certificate of a festival in one PDF, built once per version of its award list and
kept: instance/paper/<festival_id>-<version>.pdf, where the version is the SHA-256 of the
list's published .csv (awards.exports.award_list_csv), the signatory and the seal file.

A build runs in a thread of the worker that was asked first; a lock file (created with
O_EXCL) keeps a second worker from building the same version at once, and a small JSON file
beside the PDF tells every worker how far it got: {"state": "building"|"ready"|"failed",
"done": n, "total": m}. The PDF appears only when complete (written atomically)."""

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from festival.paper.render import Sheet, write_certificates

log = logging.getLogger(__name__)

STALE_SECONDS = 300  # a lock not touched for this long belongs to a build that died
_threads: dict[str, threading.Thread] = {}
_threads_lock = threading.Lock()


def version(list_csv: bytes, *, signatory: str, seal_file: str) -> str:
    digest = hashlib.sha256(list_csv)
    digest.update(b"\0" + signatory.encode() + b"\0" + seal_file.encode())
    return digest.hexdigest()


class Batch:
    """The files of one festival's batch at one version."""

    def __init__(self, instance_path: str | Path, festival_id: int, list_version: str):
        self.directory = Path(instance_path) / "paper"
        self.festival_id = festival_id
        self.stem = f"{festival_id}-{list_version}"
        self.pdf = self.directory / f"{self.stem}.pdf"
        self.progress_file = self.directory / f"{self.stem}.json"
        self.lock = self.directory / f"{self.stem}.lock"

    def status(self) -> dict:
        """{state, done, total}; state "missing" when no build has started."""
        try:
            recorded = json.loads(self.progress_file.read_text())
        except (FileNotFoundError, ValueError):
            recorded = None
        if self.pdf.exists():
            total = recorded["total"] if recorded else 0
            return {"state": "ready", "done": total, "total": total}
        if recorded is None:
            return {"state": "missing", "done": 0, "total": 0}
        if recorded["state"] == "building" and self._stale():
            return {**recorded, "state": "failed"}
        return recorded

    def _stale(self) -> bool:
        try:
            return time.time() - self.lock.stat().st_mtime > STALE_SECONDS
        except FileNotFoundError:
            return True  # building, yet nobody holds the lock: the build died

    def _write_progress(self, state: str, done: int, total: int) -> None:
        partial = self.progress_file.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps({"state": state, "done": done, "total": total}))
        os.replace(partial, self.progress_file)
        if state == "building":
            os.utime(self.lock)  # still alive

    def _acquire(self) -> bool:
        self.directory.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                os.close(os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return True
            except FileExistsError:
                if not self._stale():
                    return False
                self.lock.unlink(missing_ok=True)  # a dead build's lock
        return False

    def start(
        self, app: Flask, sheets: Sequence[Sheet], seal: bytes | None, *, retry: bool = False
    ) -> dict:
        """Start building unless it is built, building, or failed (``retry`` starts a failed
        build again). Returns the status."""
        current = self.status()
        if current["state"] in ("ready", "building") or (
            current["state"] == "failed" and not retry
        ):
            return current
        if not self._acquire():
            return self.status()
        self._write_progress("building", 0, len(sheets))
        thread = threading.Thread(
            target=self._build,
            args=(app, list(sheets), seal),
            name=f"paper-{self.stem[:24]}",
            daemon=True,
        )
        with _threads_lock:
            _threads[self.stem] = thread
        thread.start()
        return self.status()

    def _build(self, app: Flask, sheets: list[Sheet], seal: bytes | None) -> None:
        total = len(sheets)
        try:
            with app.app_context():
                write_certificates(
                    sheets,
                    seal,
                    self.pdf,
                    progress=lambda done, _total: self._write_progress("building", done, total),
                )
            self._write_progress("ready", total, total)
            self._remove_other_versions()
        except Exception:
            log.exception("building the certificates of festival %s failed", self.festival_id)
            self._write_progress("failed", 0, total)
        finally:
            self.lock.unlink(missing_ok=True)
            with _threads_lock:
                _threads.pop(self.stem, None)

    def _remove_other_versions(self) -> None:
        for path in self.directory.glob(f"{self.festival_id}-*"):
            stale = path.is_file() and not path.name.startswith(self.stem)
            if stale and path.suffix in (".pdf", ".json"):
                path.unlink(missing_ok=True)

    def wait(self, timeout: float = 120) -> dict:
        """Wait for this process's build to end (tests, the benchmark)."""
        with _threads_lock:
            thread = _threads.get(self.stem)
        if thread is not None:
            thread.join(timeout)
        return self.status()
