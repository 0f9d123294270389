-- How far each channel's history has been reconciled with Slack's
-- conversations.history. One row per channel, written after each
-- complete catch-up run.
CREATE TABLE channel_sync (
	channel_id TEXT PRIMARY KEY,
	oldest_ts  TEXT NOT NULL,   -- Slack ts where the covered window starts
	latest_ts  TEXT NOT NULL,   -- Slack ts up to which every message was fetched
	synced_at  INTEGER NOT NULL -- when the run finished, microseconds since the epoch
) STRICT;
