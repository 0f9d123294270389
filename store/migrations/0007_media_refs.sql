-- Which live posts show which stored images, so the periodic cleanup
-- finds unreferenced images with one indexed query. putPost rewrites a
-- post's rows on every write, and a tombstone has none.
CREATE TABLE media_refs (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	name       TEXT NOT NULL, -- stored file name, {sha256}.{ext}
	PRIMARY KEY (channel_id, ts, name)
) STRICT;

CREATE INDEX media_refs_by_name ON media_refs (name);

-- Stored images that no live post showed when a cleanup last looked, and
-- since when. A reference found by a later cleanup removes the row, and
-- an image is deleted only once its row is older than the grace period.
CREATE TABLE media_unreferenced (
	name  TEXT PRIMARY KEY, -- stored file name, {sha256}.{ext}
	since INTEGER NOT NULL  -- Unix microseconds
) STRICT;

-- Index the images that existing live posts show, from their image and
-- card blocks' URLs of the form /media/{name}.
INSERT OR IGNORE INTO media_refs (channel_id, ts, name)
SELECT p.channel_id, p.ts, substr(b.value ->> '$.url', length('/media/') + 1)
FROM posts AS p, json_each(p.blocks) AS b
WHERE p.deleted = 0 AND b.value ->> '$.url' LIKE '/media/%'
UNION
SELECT p.channel_id, p.ts, substr(b.value ->> '$.image_url', length('/media/') + 1)
FROM posts AS p, json_each(p.blocks) AS b
WHERE p.deleted = 0 AND b.value ->> '$.image_url' LIKE '/media/%';
