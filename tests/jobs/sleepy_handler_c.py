"""A job handler for tests only, loaded by a worker subprocess through FESTIVAL_JOB_MODULES:
notes each start and end in the payload's file and sleeps in between."""

import time
from pathlib import Path

from festival.jobs.queue import handler


@handler("sleepy_c")
def sleepy(_session, payload, progress):
    notes = Path(payload["notes"])
    with notes.open("a") as file:
        file.write("start\n")
    deadline = time.monotonic() + payload["seconds"]
    while time.monotonic() < deadline:
        progress(0)
        time.sleep(0.05)
    with notes.open("a") as file:
        file.write("end\n")
