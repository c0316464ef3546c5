"""The schema as an append-only list of migrations.

`PRAGMA user_version` holds how many steps a file has had; it is written in
the same transaction as the steps, so a crash leaves either the old schema or
the new one. Later issues append steps; a step already released never changes.
"""

from __future__ import annotations

from attrs import frozen

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "Migration"]

# Marks the file as Orchestron's (`PRAGMA application_id`), so another
# program's SQLite file is refused instead of being migrated.
APPLICATION_ID = 0x4F524348  # "ORCH"

FINISHED = "('DONE', 'CANCELLED')"


@frozen
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_V1 = (
    # graph_version counts dependency changes; ranks_version is the graph_version
    # the cached tasks.downstream counts were computed for; bulk is 1 while a
    # bulk load inserts edges and recounts afterwards (never seen committed).
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO meta (key, value) VALUES ('graph_version', 0), ('ranks_version', 0), ('bulk', 0)",
    "CREATE TABLE counters (prefix TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    """CREATE TABLE tasks (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        priority_rank INTEGER NOT NULL,
        progress INTEGER NOT NULL,
        parent TEXT,
        labels TEXT NOT NULL,
        estimate REAL,
        sprint TEXT,
        assignee TEXT,
        claimed_by TEXT,
        checkpoints TEXT NOT NULL,
        paused_from TEXT,
        started_at TEXT,
        done_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        version INTEGER NOT NULL,
        open_prereqs INTEGER NOT NULL DEFAULT 0,
        downstream INTEGER NOT NULL DEFAULT 0,
        topo INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE UNIQUE INDEX tasks_by_id_order ON tasks (sort_head, sort_num, id)",
    "CREATE INDEX tasks_by_status ON tasks (status, open_prereqs)",
    "CREATE INDEX tasks_by_sprint ON tasks (sprint)",
    "CREATE INDEX tasks_by_parent ON tasks (parent)",
    "CREATE INDEX tasks_by_assignee ON tasks (assignee)",
    "CREATE INDEX tasks_by_claim ON tasks (claimed_by)",
    # topo orders tasks so every task sits after its prerequisites (see _deps.py).
    "CREATE INDEX tasks_by_topo ON tasks (topo)",
    """CREATE TABLE task_labels (
        label TEXT NOT NULL,
        rid INTEGER NOT NULL REFERENCES tasks (rid),
        PRIMARY KEY (label, rid)
    ) WITHOUT ROWID""",
    """CREATE TABLE deps (
        task_rid INTEGER NOT NULL REFERENCES tasks (rid),
        dep_rid INTEGER NOT NULL REFERENCES tasks (rid),
        PRIMARY KEY (task_rid, dep_rid)
    ) WITHOUT ROWID""",
    "CREATE INDEX deps_by_prerequisite ON deps (dep_rid, task_rid)",
    # open_prereqs (unfinished prerequisites) is kept by triggers so readiness
    # is an indexed lookup instead of a NOT EXISTS probe per TODO task.
    f"""CREATE TRIGGER deps_added AFTER INSERT ON deps
        WHEN (SELECT value FROM meta WHERE key = 'bulk') = 0
    BEGIN
        UPDATE tasks SET open_prereqs = open_prereqs + 1
         WHERE rid = NEW.task_rid
           AND (SELECT status FROM tasks WHERE rid = NEW.dep_rid) NOT IN {FINISHED};
        UPDATE meta SET value = value + 1 WHERE key = 'graph_version';
    END""",
    f"""CREATE TRIGGER deps_removed AFTER DELETE ON deps BEGIN
        UPDATE tasks SET open_prereqs = open_prereqs - 1
         WHERE rid = OLD.task_rid
           AND (SELECT status FROM tasks WHERE rid = OLD.dep_rid) NOT IN {FINISHED};
        UPDATE meta SET value = value + 1 WHERE key = 'graph_version';
    END""",
    f"""CREATE TRIGGER tasks_finished_changed AFTER UPDATE OF status ON tasks
        WHEN (OLD.status IN {FINISHED}) <> (NEW.status IN {FINISHED})
    BEGIN
        UPDATE tasks
           SET open_prereqs = open_prereqs
               + CASE WHEN NEW.status IN {FINISHED} THEN -1 ELSE 1 END
         WHERE rid IN (SELECT task_rid FROM deps WHERE dep_rid = NEW.rid);
    END""",
    """CREATE TRIGGER tasks_added AFTER INSERT ON tasks BEGIN
        INSERT OR IGNORE INTO task_labels (label, rid)
        SELECT value, NEW.rid FROM json_each(NEW.labels);
    END""",
    """CREATE TRIGGER tasks_labels_changed AFTER UPDATE OF labels ON tasks
        WHEN OLD.labels IS NOT NEW.labels
    BEGIN
        DELETE FROM task_labels WHERE rid = NEW.rid;
        INSERT OR IGNORE INTO task_labels (label, rid)
        SELECT value, NEW.rid FROM json_each(NEW.labels);
    END""",
    """CREATE TABLE sprints (
        id TEXT PRIMARY KEY,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        name TEXT NOT NULL,
        goal TEXT NOT NULL,
        status TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        closed_at TEXT,
        updated_by TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX sprints_by_status ON sprints (status)",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        lease_expires TEXT NOT NULL,
        status TEXT NOT NULL,
        ended_at TEXT,
        client TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX sessions_by_lease ON sessions (status, lease_expires)",
    "CREATE INDEX sessions_by_agent ON sessions (agent_id, started_at)",
    """CREATE TABLE contexts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        data TEXT NOT NULL,
        task_id TEXT,
        size_bytes INTEGER NOT NULL
    )""",
    "CREATE INDEX contexts_by_session ON contexts (session_id, id)",
    "CREATE INDEX contexts_by_agent ON contexts (agent_id, id)",
    "CREATE INDEX contexts_by_task ON contexts (task_id, id)",
    """CREATE TABLE handoffs (
        id TEXT PRIMARY KEY,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        from_session TEXT NOT NULL,
        from_agent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        package TEXT NOT NULL,
        to_agent TEXT,
        task_id TEXT,
        status TEXT NOT NULL,
        accepted_by TEXT,
        accepted_at TEXT,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX handoffs_by_status ON handoffs (status, to_agent)",
    """CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        urgency TEXT NOT NULL,
        task_id TEXT,
        session_id TEXT,
        agent_id TEXT,
        blocking INTEGER NOT NULL,
        status TEXT NOT NULL,
        answer TEXT,
        answered_by TEXT,
        answered_at TEXT,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX requests_by_status ON requests (status)",
    "CREATE INDEX requests_by_task ON requests (task_id)",
    """CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        task_id TEXT,
        session_id TEXT,
        agent_id TEXT,
        request_id TEXT,
        delivered_at TEXT,
        delivered_to TEXT,
        delivered_via TEXT
    )""",
    "CREATE INDEX messages_by_task ON messages (task_id)",
    "CREATE INDEX messages_undelivered ON messages (created_at) WHERE delivered_at IS NULL",
    """CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        entity TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX events_by_entity ON events (entity, seq)",
    "CREATE INDEX events_by_kind ON events (kind, seq)",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        notification TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        sent_at TEXT,
        last_error TEXT
    )""",
    "CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL",
)

# Project memory (issue 12). memory_refs (the files and tasks named in an entry's
# provenance) and the FTS5 index over topic, text and rationale are kept by
# triggers, so no write path can leave them out of step.
_MEMORY_REFS = """
    INSERT OR IGNORE INTO memory_refs (kind, value, rid)
    SELECT 'file', f.value, NEW.rid
      FROM json_each(NEW.provenance) AS p, json_each(p.value, '$.files') AS f;
    INSERT OR IGNORE INTO memory_refs (kind, value, rid)
    SELECT 'task', json_extract(p.value, '$.task'), NEW.rid
      FROM json_each(NEW.provenance) AS p
     WHERE json_extract(p.value, '$.task') IS NOT NULL;
"""
_FTS_ADD = (
    "INSERT INTO memory_fts (rowid, topic, text, rationale)"
    " VALUES (NEW.rid, NEW.topic, NEW.text, NEW.rationale);"
)
_FTS_DROP = (
    "INSERT INTO memory_fts (memory_fts, rowid, topic, text, rationale)"
    " VALUES ('delete', OLD.rid, OLD.topic, OLD.text, OLD.rationale);"
)
_V2_MEMORY = (
    """CREATE TABLE memory (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sort_head TEXT NOT NULL,
        sort_num INTEGER NOT NULL,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_confirmed TEXT NOT NULL,
        rationale TEXT,
        provenance TEXT NOT NULL,
        status TEXT NOT NULL,
        supersedes TEXT,
        superseded_by TEXT,
        dispute TEXT,
        review_date TEXT,
        retired_reason TEXT,
        updated_by TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE UNIQUE INDEX memory_by_id_order ON memory (sort_head, sort_num, id)",
    "CREATE INDEX memory_by_topic ON memory (topic, status)",
    "CREATE INDEX memory_by_recency ON memory (last_confirmed, sort_head, sort_num, id)",
    "CREATE INDEX memory_by_status ON memory (status, last_confirmed)",
    "CREATE INDEX memory_by_dispute ON memory (dispute) WHERE dispute IS NOT NULL",
    "CREATE INDEX memory_by_review ON memory (review_date) WHERE review_date IS NOT NULL",
    """CREATE TABLE memory_refs (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        rid INTEGER NOT NULL REFERENCES memory (rid),
        PRIMARY KEY (kind, value, rid)
    ) WITHOUT ROWID""",
    "CREATE INDEX memory_refs_by_entry ON memory_refs (rid)",
    # MinHash bands of each entry's text (orchestron.core.domain.recall.text_bands),
    # written by the repository: near-duplicate candidates in a few index lookups.
    """CREATE TABLE memory_bands (
        band INTEGER NOT NULL,
        rid INTEGER NOT NULL REFERENCES memory (rid),
        PRIMARY KEY (band, rid)
    ) WITHOUT ROWID""",
    "CREATE INDEX memory_bands_by_entry ON memory_bands (rid)",
    """CREATE VIRTUAL TABLE memory_fts USING fts5 (
        topic, text, rationale,
        content = 'memory', content_rowid = 'rid',
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    # How many entries hold each word: lets a search tell a common word from a rare one.
    "CREATE VIRTUAL TABLE memory_vocab USING fts5vocab (memory_fts, 'row')",
    f"CREATE TRIGGER memory_added AFTER INSERT ON memory BEGIN {_FTS_ADD} {_MEMORY_REFS} END",
    # An update writes every column; only a change of wording touches the index.
    f"""CREATE TRIGGER memory_text_changed AFTER UPDATE OF topic, text, rationale ON memory
        WHEN OLD.topic IS NOT NEW.topic OR OLD.text IS NOT NEW.text
          OR OLD.rationale IS NOT NEW.rationale
    BEGIN {_FTS_DROP} {_FTS_ADD} END""",
    f"""CREATE TRIGGER memory_provenance_changed AFTER UPDATE OF provenance ON memory
        WHEN OLD.provenance IS NOT NEW.provenance
    BEGIN DELETE FROM memory_refs WHERE rid = NEW.rid; {_MEMORY_REFS} END""",
    f"""CREATE TRIGGER memory_removed AFTER DELETE ON memory
    BEGIN {_FTS_DROP} DELETE FROM memory_refs WHERE rid = OLD.rid;
        DELETE FROM memory_bands WHERE rid = OLD.rid; END""",
)

# The ready queue in rank order, so picking the next task reads a few index
# entries instead of sorting every ready task (3 ms at 10,000 tasks). Partial:
# only ready rows are kept, so other tasks' writes never touch them.
_READY_RANK = "priority_rank, downstream DESC, created_at, sort_head, sort_num, id"
_V3_READY = (
    f"""CREATE INDEX tasks_ready_rank ON tasks ({_READY_RANK})
        WHERE status = 'TODO' AND open_prereqs = 0""",
    f"""CREATE INDEX tasks_ready_in_sprint ON tasks (sprint, {_READY_RANK})
        WHERE status = 'TODO' AND open_prereqs = 0""",
)

# Memory judged by meaning (issue 24). Each entry's vector (float32 bytes, made by the
# embedding model named beside it) and its cells (orchestron.core.domain.vectors.
# vector_cells), written by the repository: the entries near a vector in meaning are
# those sharing the most cells with it, found through an index instead of a scan.
# maybe_same: another entry this one may restate, for a person to look at.
_V4_MEMORY_VECTORS = (
    "ALTER TABLE memory ADD COLUMN maybe_same TEXT",
    "CREATE INDEX memory_by_maybe_same ON memory (maybe_same) WHERE maybe_same IS NOT NULL",
    """CREATE TABLE memory_vectors (
        rid INTEGER PRIMARY KEY REFERENCES memory (rid),
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    )""",
    """CREATE TABLE memory_cells (
        cell INTEGER NOT NULL,
        rid INTEGER NOT NULL REFERENCES memory (rid),
        PRIMARY KEY (cell, rid)
    ) WITHOUT ROWID""",
    "CREATE INDEX memory_cells_by_entry ON memory_cells (rid)",
    # How many entries hold each cell, so a query skips the common ones (kept by triggers).
    "CREATE TABLE memory_cell_counts (cell INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
    """CREATE TRIGGER memory_cell_added AFTER INSERT ON memory_cells BEGIN
        INSERT INTO memory_cell_counts (cell, n) VALUES (NEW.cell, 1)
        ON CONFLICT (cell) DO UPDATE SET n = n + 1; END""",
    """CREATE TRIGGER memory_cell_removed AFTER DELETE ON memory_cells BEGIN
        UPDATE memory_cell_counts SET n = n - 1 WHERE cell = OLD.cell; END""",
    """CREATE TRIGGER memory_removed_vectors AFTER DELETE ON memory BEGIN
        DELETE FROM memory_cells WHERE rid = OLD.rid;
        DELETE FROM memory_vectors WHERE rid = OLD.rid; END""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "task graph, sprints, sessions, context, human channel, events", _V1),
    Migration(2, "project memory: entries, file and task references, FTS5 index", _V2_MEMORY),
    Migration(3, "ready-queue indexes in rank order", _V3_READY),
    Migration(4, "memory vectors and their cells; maybe-the-same flags", _V4_MEMORY_VECTORS),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
