package receiver

import (
	"context"
	"log/slog"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver/render"
)

// renderPost renders msg and its files from cached names and stored
// images only, so it never waits for Slack. The returned collector lists
// the lookups and downloads still missing.
func renderPost(ctx context.Context, r *render.Renderer, media bridge.MediaIndex, msg *slack.Msg, log *slog.Logger) (bridge.Author, []bridge.Block, *missing) {
	ctx, miss := withMissing(ctx)
	author, blocks := r.Message(ctx, msg)
	if media == nil {
		return author, blocks, miss
	}
	blocks = append(blocks, fileBlocks(ctx, media, msg.Files, miss, log)...)
	if len(blocks) == 0 {
		blocks = pendingBlocks(msg.Files, miss)
	}
	return author, blocks, miss
}
