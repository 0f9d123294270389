-- Who has the hide reaction on which message. A post is hidden while any
-- row names it, whichever order Slack delivered the reactions and the
-- message in.
CREATE TABLE hide_reactions (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	PRIMARY KEY (channel_id, ts, user_id)
) STRICT;
