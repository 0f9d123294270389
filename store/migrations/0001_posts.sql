-- Channels and their update clocks, posts keyed by channel and Slack ts.
CREATE TABLE channels (
	channel_id  TEXT PRIMARY KEY,
	last_update INTEGER NOT NULL DEFAULT 0 -- bridge.Stamp, microseconds
) STRICT;

CREATE TABLE posts (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,    -- Slack ts exactly as sent
	ts_seconds INTEGER NOT NULL, -- sort key: whole seconds of ts
	ts_nanos   INTEGER NOT NULL, -- sort key: fraction of ts in nanoseconds
	version    TEXT NOT NULL,    -- ts of the newest merged version
	edited     TEXT NOT NULL DEFAULT '',
	author     TEXT NOT NULL DEFAULT '{}', -- JSON bridge.Author
	blocks     TEXT NOT NULL DEFAULT '[]', -- JSON []bridge.Block
	source     TEXT,                       -- raw Slack message JSON
	hidden     INTEGER NOT NULL DEFAULT 0,
	deleted    INTEGER NOT NULL DEFAULT 0,
	updated    INTEGER NOT NULL DEFAULT 0, -- bridge.Stamp of the last change
	PRIMARY KEY (channel_id, ts)
) STRICT;

CREATE INDEX posts_by_ts ON posts (channel_id, deleted, ts_seconds, ts_nanos);
CREATE INDEX posts_by_updated ON posts (channel_id, updated);
