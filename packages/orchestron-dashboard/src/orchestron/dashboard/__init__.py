"""Orchestron's web dashboard: a Litestar app with a JSON API, pages and live updates.

`create_app(db, token=...)` builds the app; `serve(host, port, db, token)` runs
it (used by `orchestron dashboard`); `main()` is the `orchestron-dashboard`
command.
"""

from orchestron.dashboard._app import create_app
from orchestron.dashboard._cli import DEFAULT_HOST, DEFAULT_PORT, main, serve
from orchestron.dashboard._security import InsecureBindError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "InsecureBindError", "create_app", "main", "serve"]
