"""Versioned migrations: the schema grows by numbered steps, each applied once.

`meta.schema_version` records the last step applied. Opening a store applies
the missing steps in one transaction under the write lock (so two processes
opening a fresh database at once do not race). A database whose version is
newer than this code knows is refused with both numbers named.

Identifiers are compared like Python strings: every id column uses the "C"
collation, so ORDER BY agrees with the in-memory reference on any server
locale. JSON travels as `json` (kept as written: key order, number spelling).
"""

from __future__ import annotations

from orchestron.core.errors import StorageError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "check_version"]

_V1 = """
CREATE TABLE meta (
    key text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE counters (
    prefix text COLLATE "C" PRIMARY KEY,
    value bigint NOT NULL
);
CREATE TABLE tasks (
    id text COLLATE "C" PRIMARY KEY,
    id_head text COLLATE "C" NOT NULL,
    id_num bigint NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    type text NOT NULL,
    status text NOT NULL,
    priority text NOT NULL,
    priority_rank smallint NOT NULL,
    progress integer NOT NULL,
    parent text COLLATE "C",
    labels text[] NOT NULL,
    estimate double precision,
    sprint text COLLATE "C",
    assignee text,
    claimed_by text COLLATE "C",
    checkpoints json NOT NULL,
    paused_from text,
    started_at timestamptz,
    done_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version integer NOT NULL,
    open_prereqs integer NOT NULL DEFAULT 0,  -- unfinished prerequisites (kept by triggers)
    downstream integer NOT NULL DEFAULT 0     -- transitive dependents, as of meta.ranks
);
CREATE INDEX tasks_ready ON tasks (priority_rank) WHERE status = 'TODO' AND open_prereqs = 0;
CREATE INDEX tasks_order ON tasks (id_head, id_num, id);
CREATE INDEX tasks_status ON tasks (status);
CREATE INDEX tasks_claimed_by ON tasks (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX tasks_sprint ON tasks (sprint) WHERE sprint IS NOT NULL;
CREATE INDEX tasks_parent ON tasks (parent) WHERE parent IS NOT NULL;
CREATE TABLE deps (
    task_id text COLLATE "C" NOT NULL,
    depends_on text COLLATE "C" NOT NULL,
    PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX deps_depends_on ON deps (depends_on, task_id);
CREATE TABLE sprints (
    id text COLLATE "C" PRIMARY KEY,
    data json NOT NULL,
    status text NOT NULL,
    version integer NOT NULL
);
CREATE TABLE sessions (
    id text COLLATE "C" PRIMARY KEY,
    agent_id text NOT NULL,
    started_at timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    lease_expires timestamptz NOT NULL,
    status text NOT NULL,
    ended_at timestamptz,
    client text NOT NULL,
    version integer NOT NULL
);
CREATE INDEX sessions_live ON sessions (status, lease_expires);
CREATE INDEX sessions_agent ON sessions (agent_id, started_at);
CREATE TABLE contexts (
    id bigint PRIMARY KEY,
    session_id text NOT NULL,
    agent_id text NOT NULL,
    task_id text,
    saved_at timestamptz NOT NULL,
    size_bytes integer NOT NULL,
    data json NOT NULL
);
CREATE INDEX contexts_session ON contexts (session_id, id);
CREATE INDEX contexts_agent ON contexts (agent_id, id);
CREATE INDEX contexts_task ON contexts (task_id, id);
CREATE TABLE handoffs (
    id text COLLATE "C" PRIMARY KEY,
    status text NOT NULL,
    to_agent text,
    created_at timestamptz NOT NULL,
    data json NOT NULL,
    version integer NOT NULL
);
CREATE TABLE requests (
    id text COLLATE "C" PRIMARY KEY,
    status text NOT NULL,
    task_id text COLLATE "C",
    created_at timestamptz NOT NULL,
    data json NOT NULL,
    version integer NOT NULL
);
CREATE TABLE messages (
    id text COLLATE "C" PRIMARY KEY,
    task_id text COLLATE "C",
    session_id text,
    agent_id text,
    created_at timestamptz NOT NULL,
    delivered_at timestamptz,
    data json NOT NULL
);
CREATE INDEX messages_undelivered ON messages (created_at) WHERE delivered_at IS NULL;
CREATE TABLE events (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    entity text NOT NULL,
    kind text NOT NULL,
    data json NOT NULL
);
CREATE INDEX events_entity ON events (entity, seq);
CREATE TABLE outbox (
    id bigint PRIMARY KEY,
    notification json NOT NULL,
    created_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    sent_at timestamptz,
    last_error text
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
CREATE FUNCTION notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('orchestron_events_' || TG_TABLE_SCHEMA, NEW.seq::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION notify_event();
-- open_prereqs follows every change of an edge or of a prerequisite's finished-ness,
-- whoever makes it, so readiness is one indexed condition.
CREATE FUNCTION is_finished(status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
    $$ SELECT status IN ('DONE', 'CANCELLED') $$;
CREATE FUNCTION deps_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    edge deps%ROWTYPE;
    step integer;
BEGIN
    IF TG_OP = 'INSERT' THEN edge := NEW; step := 1; ELSE edge := OLD; step := -1; END IF;
    UPDATE tasks SET open_prereqs = open_prereqs + step
     WHERE id = edge.task_id
       AND EXISTS (SELECT 1 FROM tasks p WHERE p.id = edge.depends_on AND NOT is_finished(p.status));
    RETURN NULL;
END
$$;
CREATE TRIGGER deps_open_prereqs AFTER INSERT OR DELETE ON deps
    FOR EACH ROW EXECUTE FUNCTION deps_counted();
CREATE FUNCTION task_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Edges name existing tasks only, so a new task has none: only a status change counts.
    IF is_finished(OLD.status) <> is_finished(NEW.status) THEN
        UPDATE tasks SET open_prereqs = open_prereqs + CASE WHEN is_finished(NEW.status) THEN -1 ELSE 1 END
         WHERE id IN (SELECT task_id FROM deps WHERE depends_on = NEW.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_open_prereqs AFTER UPDATE OF status ON tasks
    FOR EACH ROW EXECUTE FUNCTION task_counted();
INSERT INTO meta (key, value) VALUES ('graph', '0'), ('ranks', '0');
"""

# Project memory (issue 12). `search` is a tsvector the repository builds from the
# words of topic (weight A), text (B) and rationale (C), split, accent-folded and
# lower-cased in Python as the core's `recall.words` does: the same words on any
# server locale, and no unaccent extension. The repository also keeps memory_refs
# (the files and tasks named in the provenance) and memory_bands (MinHash bands).
_V2_MEMORY = """
CREATE TABLE memory (
    id text COLLATE "C" PRIMARY KEY,
    id_head text COLLATE "C" NOT NULL,
    id_num bigint NOT NULL,
    kind text NOT NULL,
    topic text COLLATE "C" NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_confirmed timestamptz NOT NULL,
    rationale text,
    provenance json NOT NULL,
    status text NOT NULL,
    supersedes text COLLATE "C",
    superseded_by text COLLATE "C",
    dispute text COLLATE "C",
    review_date date,
    retired_reason text,
    updated_by text NOT NULL,
    version integer NOT NULL,
    search tsvector NOT NULL
);
CREATE UNIQUE INDEX memory_by_id_order ON memory (id_head, id_num, id);
CREATE INDEX memory_by_topic ON memory (topic, status);
CREATE INDEX memory_by_recency ON memory (last_confirmed, id_head, id_num, id);
CREATE INDEX memory_by_dispute ON memory (dispute) WHERE dispute IS NOT NULL;
CREATE INDEX memory_by_review ON memory (review_date) WHERE review_date IS NOT NULL;
CREATE INDEX memory_search ON memory USING gin (search);
CREATE TABLE memory_refs (
    kind text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL REFERENCES memory (id),
    PRIMARY KEY (kind, value, id)
);
CREATE INDEX memory_refs_by_entry ON memory_refs (id);
CREATE TABLE memory_bands (
    band bigint NOT NULL,
    id text COLLATE "C" NOT NULL REFERENCES memory (id),
    PRIMARY KEY (band, id)
);
CREATE INDEX memory_bands_by_entry ON memory_bands (id);
"""

# Memory judged by meaning (issue 24): each entry's vector (float32 bytes, little-endian,
# made by the embedding model named beside it) and its cells (the core's
# `vectors.vector_cells`): the entries near a vector in meaning are those sharing the most
# cells with it, found through the index. maybe_same: another entry this one may restate.
_V3_MEMORY_VECTORS = """
ALTER TABLE memory ADD COLUMN maybe_same text COLLATE "C";
CREATE INDEX memory_by_maybe_same ON memory (maybe_same) WHERE maybe_same IS NOT NULL;
CREATE TABLE memory_vectors (
    id text COLLATE "C" PRIMARY KEY REFERENCES memory (id),
    model text NOT NULL,
    vector bytea NOT NULL
);
CREATE TABLE memory_cells (
    cell integer NOT NULL,
    id text COLLATE "C" NOT NULL REFERENCES memory (id),
    PRIMARY KEY (cell, id)
);
CREATE INDEX memory_cells_by_entry ON memory_cells (id);
-- How many entries hold each cell, so a query skips the common ones (kept by a trigger).
CREATE TABLE memory_cell_counts (cell integer PRIMARY KEY, n integer NOT NULL);
CREATE FUNCTION memory_cell_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO memory_cell_counts (cell, n) VALUES (NEW.cell, 1)
        ON CONFLICT (cell) DO UPDATE SET n = memory_cell_counts.n + 1;
    ELSE
        UPDATE memory_cell_counts SET n = n - 1 WHERE cell = OLD.cell;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER memory_cells_counted AFTER INSERT OR DELETE ON memory_cells
    FOR EACH ROW EXECUTE FUNCTION memory_cell_counted();
"""

# Step n brings the schema from version n-1 to version n. Append; never edit a step.
MIGRATIONS: tuple[str, ...] = (_V1, _V2_MEMORY, _V3_MEMORY_VECTORS)
SCHEMA_VERSION = len(MIGRATIONS)


def check_version(found: int, where: str) -> None:
    """Refuse a database that a newer Orchestron has already migrated."""
    if found > SCHEMA_VERSION:
        raise StorageError(
            f"the Orchestron database at {where} has schema version {found}, but this "
            f"orchestron-postgres knows only up to version {SCHEMA_VERSION}; "
            "upgrade Orchestron (the same way it was installed: see docs/install.md "
            "in the Orchestron repository)"
        )
