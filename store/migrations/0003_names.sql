-- Names of Slack users and channels as users.info and
-- conversations.info returned them. An empty name shows a placeholder.
CREATE TABLE names (
	kind    TEXT NOT NULL, -- bridge.NameKind: user or channel
	id      TEXT NOT NULL,
	name    TEXT NOT NULL DEFAULT '',
	fetched INTEGER NOT NULL, -- Unix microseconds
	PRIMARY KEY (kind, id)
) STRICT;
