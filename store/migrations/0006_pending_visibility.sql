-- Hide and show reactions that arrived before their message, applied
-- when the message is first stored.
CREATE TABLE pending_visibility (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	hidden     INTEGER NOT NULL,
	PRIMARY KEY (channel_id, ts)
) STRICT;
