"""Two OS processes on one database file at once lose nothing and never see a lock error."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("_create_tasks.py")
PER_PROCESS = 200


def test_two_processes_create_tasks_in_one_file(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    # Both start on a file that does not exist yet, so they also race to create it.
    workers = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), str(db), name, str(PER_PROCESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()

    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        assert "locked" not in err and "locked" not in out
        assert out.strip() == "done"

    total = 2 * PER_PROCESS
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM tasks ORDER BY sort_num")]
        per_name = dict(
            conn.execute("SELECT label, count(*) FROM task_labels GROUP BY label").fetchall()
        )
        created = conn.execute("SELECT count(*) FROM events WHERE kind = 'task.created'").fetchone()
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    assert ids == [f"TASK-{n:03d}" for n in range(1, total + 1)]
    assert per_name == {"alpha": PER_PROCESS, "beta": PER_PROCESS}
    assert created == (total,)
    assert integrity == [("ok",)]
