-- Slack files downloaded and stored under the media directory by content
-- hash. Several file ids may share one stored image.
CREATE TABLE media (
	file_id TEXT PRIMARY KEY,
	sha256  TEXT NOT NULL, -- lowercase hex; the stored file is {sha256}.{ext}
	ext     TEXT NOT NULL,
	width   INTEGER NOT NULL DEFAULT 0,
	height  INTEGER NOT NULL DEFAULT 0,
	alt     TEXT NOT NULL DEFAULT ''  -- the file's title or name
) STRICT;
