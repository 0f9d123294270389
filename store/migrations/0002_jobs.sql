-- Background jobs: name lookups and file downloads for one post each.
-- A job's row lives until the job succeeds or is given up.
CREATE TABLE jobs (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,             -- bridge.JobKind
	key        TEXT NOT NULL,             -- user, channel or file id
	channel_id TEXT NOT NULL,             -- the post to render again
	ts         TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	run_at     INTEGER NOT NULL DEFAULT 0, -- Unix microseconds; 0 is due at once
	last_error TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE UNIQUE INDEX jobs_by_target ON jobs (kind, key, channel_id, ts);
CREATE INDEX jobs_by_run_at ON jobs (run_at, id);
