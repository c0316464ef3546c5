"""write_file: what Orchestron writes for a person lands whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestron.core import InvalidInputError, OrchestronError
from orchestron.runtime import write_file


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_file(target, "é ✓\n")
    assert target.read_text(encoding="utf-8") == "é ✓\n"
    write_file(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_new_file_gets_the_umasks_mode_and_a_replaced_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        fresh = write_file(tmp_path / "fresh", "x")
    finally:
        os.umask(old)
    assert fresh.stat().st_mode & 0o777 == 0o644
    kept = tmp_path / "kept"
    kept.write_text("old")
    kept.chmod(0o600)
    write_file(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text() == "new"


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / "settings.json"
    link.symlink_to(real)
    write_file(link, '{"a": 1}')
    assert link.is_symlink() and real.read_text() == '{"a": 1}'


def test_a_missing_folder_is_refused_not_made(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as raised:
        write_file(tmp_path / "no" / "such" / "f.json", "x", field="output")
    assert raised.value.field == "output"
    assert "does not exist" in raised.value.message
    assert not (tmp_path / "no").exists()


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(OrchestronError, match="it is a folder"):
        write_file(tmp_path, "x")


def test_a_failure_halfway_leaves_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "backup.json"
    target.write_text("the earlier backup")
    real_write = os.write

    def disk_full(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 10:
            real_write(fd, bytes(data[:10]))  # part of it lands, then the disk is full
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OrchestronError) as raised:
        write_file(target, "a much longer new export that will not fit")
    assert "the disk is full" in raised.value.message
    assert "left as it was" in raised.value.message
    assert target.read_text() == "the earlier backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]
