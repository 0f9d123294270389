package receiver

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// webImageTypes maps the image types browsers show to the extension the
// stored file gets.
var webImageTypes = map[string]string{
	"image/png":  "png",
	"image/jpeg": "jpg",
	"image/gif":  "gif",
	"image/webp": "webp",
}

// isStub reports whether Slack sent only the file's id, as it does for
// files shared from another organisation: files.info returns the rest.
func isStub(f *slack.File) bool {
	return f.FileAccess == "check_file_info"
}

// isImage reports whether f is shown as an image: a web image type, or
// another image type (such as HEIC) that Slack made JPEG thumbnails of.
func isImage(f *slack.File) bool {
	if _, ok := webImageTypes[f.Mimetype]; ok {
		return true
	}
	return strings.HasPrefix(f.Mimetype, "image/") && largestThumb(f) != ""
}

// largestThumb returns the URL of Slack's largest thumbnail of f.
func largestThumb(f *slack.File) string {
	for _, u := range []string{f.Thumb1024, f.Thumb960, f.Thumb800, f.Thumb720, f.Thumb480,
		f.Thumb360} {
		if u != "" {
			return u
		}
	}
	return ""
}

// fileTitle returns the name readers see for f.
func fileTitle(f *slack.File) string {
	for _, s := range []string{f.Title, f.Name} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// fileBlocks renders a message's files. An image already stored becomes
// an image block, and one not yet stored is recorded in miss so that a
// job downloads it. Other files become a placeholder with their name and
// no link, because readers cannot open Slack's file pages.
func fileBlocks(ctx context.Context, media bridge.MediaIndex, files []slack.File, miss *missing, log *slog.Logger) []bridge.Block {
	var blocks []bridge.Block
	for i := range files {
		f := &files[i]
		if f.ID == "" || f.Mode == "tombstone" || f.Mode == "hidden_by_limit" {
			continue
		}
		if !isStub(f) && !isImage(f) {
			if title := fileTitle(f); title != "" {
				blocks = append(blocks, bridge.Block{Type: bridge.BlockFile, Title: title, FileID: f.ID})
			}
			continue
		}
		m, err := media.Media(ctx, f.ID)
		if err != nil {
			if !errors.Is(err, bridge.ErrNotFound) {
				log.Warn("failed to read media index", "file_id", f.ID, "error", err)
			}
			miss.add(bridge.JobFile, f.ID)
			continue
		}
		blocks = append(blocks, imageBlock(f, m))
	}
	return blocks
}

func imageBlock(f *slack.File, m bridge.Media) bridge.Block {
	alt := f.AltTxt
	if strings.TrimSpace(alt) == "" {
		alt = fileTitle(f)
	}
	if alt == "" {
		alt = m.Alt
	}
	return bridge.Block{Type: bridge.BlockImage, URL: m.URL(), Alt: alt, Width: m.Width,
		Height: m.Height, FileID: f.ID}
}

// pendingBlocks returns placeholders for the images still to download,
// for a message that has nothing else to show: the post is stored, and
// the downloads replace them later.
func pendingBlocks(files []slack.File, miss *missing) []bridge.Block {
	var blocks []bridge.Block
	for i := range files {
		f := &files[i]
		if !miss.seen[bridge.Job{Kind: bridge.JobFile, Key: f.ID}] {
			continue
		}
		title := fileTitle(f)
		if title == "" {
			title = "Image"
		}
		blocks = append(blocks, bridge.Block{Type: bridge.BlockFile, Title: title, FileID: f.ID})
	}
	return blocks
}
