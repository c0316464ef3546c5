"""Files Orchestron writes for a person (exports, settings, config): whole or not at all.

`write_file` writes a temporary file beside the target, flushes it to disk,
then renames it over the target, so a failed write (disk full, a file-size
limit, a crash halfway) leaves the earlier file as it was, never a truncated
one. A symlinked target is written through the link; an existing file keeps
its permissions.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from orchestron.core.errors import InvalidInputError, OrchestronError

__all__ = ["write_file"]

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would pass the size limit (ulimit -f)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


def write_file(path: Path | str, data: str | bytes, *, field: str | None = None) -> Path:
    """Write `data` (text as UTF-8) to `path` atomically; return the path written.

    The folder must exist: a mistyped folder is refused rather than created.
    A path that cannot be written (no such folder, a folder) raises InvalidInputError
    naming `field` (the option the path came from), or OrchestronError without one;
    a write that fails on the way (the disk full, a size limit, no permission)
    raises OrchestronError: not the path's fault. Either way the earlier file is
    left untouched.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    folder = target.parent
    if not folder.is_dir():
        raise _refused(
            field,
            f"cannot write {path}: the folder {folder} does not exist; create it first "
            "or choose another path",
        )
    if target.is_dir():
        raise _refused(field, f"cannot write {path}: it is a folder; name a file")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        _write_synced(temporary, payload, _existing_mode(target))
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        kept = "was left as it was" if target.exists() else "was not created"
        raise OrchestronError(f"cannot write {path}: {reason}; {path} {kept}") from None
    _sync_folder(folder)
    return target


def _refused(field: str | None, message: str) -> OrchestronError:
    return InvalidInputError(field, message) if field else OrchestronError(message)


def _existing_mode(target: Path) -> int | None:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return None


def _write_synced(path: Path, payload: bytes, keep_mode: int | None) -> None:
    # A new file gets what open() would give it (0o666 less the umask); a replaced one its mode.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if keep_mode is not None:
            os.fchmod(fd, keep_mode)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
