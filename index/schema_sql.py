"""The archive's SQLite schema, kept apart so it reads as one document."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id            TEXT PRIMARY KEY,          -- sha1(canonical url)[:16]
    url           TEXT NOT NULL UNIQUE,      -- canonical URL: one row per article
    source        TEXT,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,             -- paragraphs separated by a blank line
    published     TEXT,                      -- ISO 8601 as the page gave it (offset or date only)
    published_utc TEXT,                      -- the same instant in UTC, for ordering
    authors       TEXT NOT NULL DEFAULT '[]',-- JSON list
    section       TEXT,
    editor        TEXT,
    language      TEXT,
    fetched_at    TEXT,
    first_seen    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    seq           INTEGER NOT NULL           -- bumped on every change; the index catches up by it
);
CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_source_published ON articles(source, published_utc); -- source health's days

CREATE TABLE IF NOT EXISTS article_versions (
    article_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published    TEXT,
    authors      TEXT,
    content_hash TEXT NOT NULL,
    fetched_at   TEXT,
    replaced_at  TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE IF NOT EXISTS pages (           -- what became of every discovered URL
    url          TEXT PRIMARY KEY,
    source       TEXT,
    status       TEXT NOT NULL,              -- stored | failed | not_article | disallowed
    reason       TEXT,
    article_id   TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_attempt TEXT
);

CREATE TABLE IF NOT EXISTS validators (      -- ETag / Last-Modified for conditional GET
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    found       INTEGER NOT NULL,
    new         INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    errors      TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE IF NOT EXISTS source_state (    -- the daemon's memory of each source
    source        TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0, -- consecutive failed runs
    backoff_until TEXT,                       -- UTC ISO 8601; runs before it are skipped
    last_error    TEXT,
    last_ok       TEXT,                       -- when a run last succeeded
    next_run      TEXT,                       -- the daemon's next scheduled run (UTC ISO 8601)
    updated_at    TEXT
);

CREATE TABLE IF NOT EXISTS backfill_progress ( -- how far `kliping backfill` walked each day's index pages
    source     TEXT NOT NULL,
    day        TEXT NOT NULL,                 -- YYYY-MM-DD
    page       INTEGER NOT NULL DEFAULT 0,    -- last index page fully processed
    done       INTEGER NOT NULL DEFAULT 0,    -- 1 when the day's last page was reached
    updated_at TEXT,
    PRIMARY KEY (source, day)
);

CREATE TABLE IF NOT EXISTS warc_records (     -- where a fetched URL's latest response lies in data_dir/warc, for citing
    url            TEXT PRIMARY KEY,           -- the URL asked for, and (a second row) the final URL after redirects
    warc_file      TEXT NOT NULL,              -- file name under data_dir/warc
    record_offset  INTEGER NOT NULL,           -- byte offset of the record's gzip member in that file
    record_id      TEXT NOT NULL,              -- WARC-Record-ID, <urn:uuid:...>
    payload_digest TEXT NOT NULL,              -- WARC-Payload-Digest, sha1:BASE32 of the HTTP body
    fetched_at     TEXT NOT NULL               -- WARC-Date (UTC ISO 8601)
);

CREATE TABLE IF NOT EXISTS health_alarms (    -- source health alarms raised (index/health.py), each once
    id        TEXT PRIMARY KEY,                 -- source|measure|scope|period: the same alarm is not raised twice
    source    TEXT NOT NULL,
    raised_at TEXT NOT NULL,                    -- UTC ISO 8601
    event     TEXT NOT NULL,                    -- the alarm's JSON event
    -- its delivery to watch.health_webhook (kliping/watch/health_sender.py), retried like an alert
    status       TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed (no webhook: stays pending)
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,                            -- UTC ISO 8601; NULL: at once
    last_error   TEXT
);

CREATE TABLE IF NOT EXISTS meta (             -- facts about the archive itself
    key   TEXT PRIMARY KEY,                   -- archive_id: a random id made once, so an index knows its archive
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watches (          -- saved searches that alert (kliping watch; index/watches.py)
    name       TEXT PRIMARY KEY,
    query      TEXT NOT NULL,
    sources    TEXT NOT NULL DEFAULT '[]',    -- JSON list; empty: every source
    webhook    TEXT,
    email      TEXT,
    watermark  INTEGER NOT NULL,              -- articles.seq checked up to (only later changes can alert)
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS watch_matches (    -- the ledger: one row per watch and story, ever
    watch      TEXT NOT NULL,
    story_key  TEXT NOT NULL,                 -- kliping.watch.keys.story_key: the article id for now
    article_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    matched_at TEXT NOT NULL,
    PRIMARY KEY (watch, story_key)
);

CREATE TABLE IF NOT EXISTS watch_deliveries ( -- the outbox: written with the watermark, then delivered
    watch        TEXT NOT NULL,
    story_key    TEXT NOT NULL,
    channel      TEXT NOT NULL,               -- webhook | email
    target       TEXT NOT NULL,               -- the URL or address at the time of the match
    status       TEXT NOT NULL,               -- pending | done | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,               -- UTC ISO 8601
    created_at   TEXT NOT NULL,
    delivered_at TEXT,
    last_error   TEXT,
    PRIMARY KEY (watch, story_key, channel)
);
CREATE INDEX IF NOT EXISTS watch_deliveries_due ON watch_deliveries(status, next_attempt);

CREATE TABLE IF NOT EXISTS stories (          -- syndication clusters (index/stories/): one row per article
    article_id  TEXT PRIMARY KEY,
    story_id    TEXT NOT NULL,                -- the id of the article that founded the story
    matched_id  TEXT,                         -- the member it matched when it joined (NULL: it founded it)
    similarity  REAL,                         -- containment of shingles with matched_id
    shingles    BLOB NOT NULL,                -- its sorted uint32 shingle hashes, little-endian
    assigned_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_story ON stories(story_id);

CREATE TABLE IF NOT EXISTS story_samples (     -- a fixed sample of each article's shingles: candidate lookup
    hash       INTEGER NOT NULL,
    article_id TEXT NOT NULL,                  -- no index of its own: an edit deletes its rows by their keys
    PRIMARY KEY (hash, article_id)
) WITHOUT ROWID;
"""

#: What ``CREATE ... IF NOT EXISTS`` cannot change in a SQLite archive an older kliping made: (a query that
#: finds the old shape, the statements that convert it, run in one write transaction when it does).
#: PostgreSQL archives take the same changes as numbered migrations (index/pgschema.py).
SQLITE_UPGRADES: list[tuple[str, list[str]]] = [
    # story_samples lost its rowid and its article index: each upsert wrote three b-trees for a lookup by one
    ("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'story_samples_article'", [
        "CREATE TABLE story_samples_keyed (hash INTEGER NOT NULL, article_id TEXT NOT NULL, "
        "PRIMARY KEY (hash, article_id)) WITHOUT ROWID",
        "INSERT INTO story_samples_keyed (hash, article_id) SELECT hash, article_id FROM story_samples",
        "DROP TABLE story_samples",
        "ALTER TABLE story_samples_keyed RENAME TO story_samples",
    ]),
]
