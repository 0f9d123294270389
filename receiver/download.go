package receiver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/slack-go/slack"
	_ "golang.org/x/image/webp" // registers WebP for image.DecodeConfig

	"github.com/liveline/liveline/bridge"
)

// MaxImageBytes is the largest image downloaded. Larger files fail, and
// the post stays without them.
const MaxImageBytes = 32 << 20

// storeFile downloads the image of file j.Key in post j.ChannelID/j.TS
// into the media directory, unless it is stored already.
func (w *Worker) storeFile(ctx context.Context, j *bridge.Job, log *slog.Logger) error {
	f, err := w.sourceFile(ctx, j.ChannelID, j.TS, j.Key)
	if err != nil || f == nil {
		return err
	}
	if _, err := w.cfg.Media.Media(ctx, f.ID); err == nil {
		return nil
	}

	if isStub(f) {
		info, _, _, err := w.slack.GetFileInfoContext(ctx, f.ID, 0, 0)
		if isSlackError(err, "file_not_found", "file_deleted") {
			return fmt.Errorf("files.info %s: %w: %w", f.ID, err, errPermanent)
		}
		if err != nil {
			return fmt.Errorf("files.info %s: %w", f.ID, err)
		}
		f = info
	}
	if !isImage(f) {
		log.Debug("file is not an image; nothing to download", "mimetype", f.Mimetype)
		return nil
	}

	src := f.URLPrivateDownload
	if _, ok := webImageTypes[f.Mimetype]; !ok || src == "" {
		src = largestThumb(f)
	}
	if src == "" {
		src = f.URLPrivate
	}
	data, err := w.download(ctx, src)
	if err != nil {
		return fmt.Errorf("download file %s: %w", f.ID, err)
	}

	m, err := saveImage(w.cfg.MediaDir, data)
	if err != nil {
		return fmt.Errorf("store file %s: %w", f.ID, err)
	}
	m.FileID, m.Alt = j.Key, fileTitle(f)
	if err := w.cfg.Media.PutMedia(ctx, m); err != nil {
		return err
	}
	log.Info("stored image", "sha256", m.SHA256, "bytes", len(data))
	return nil
}

// sourceFile returns the file with id fileID in the stored post's Slack
// message, or nil when the post or the file is gone.
func (w *Worker) sourceFile(ctx context.Context, channelID, ts, fileID string) (*slack.File, error) {
	post, err := w.cfg.Posts.Post(ctx, channelID, ts)
	if errors.Is(err, bridge.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if post.Deleted || len(post.Source) == 0 {
		return nil, nil
	}
	var msg slack.Msg
	if err := json.Unmarshal(post.Source, &msg); err != nil {
		return nil, fmt.Errorf("decode source of post %s: %w: %w", ts, err, errPermanent)
	}
	for i := range msg.Files {
		if msg.Files[i].ID == fileID {
			return &msg.Files[i], nil
		}
	}
	return nil, nil
}

// download fetches a Slack file URL with the bot token. The token is sent
// only over https to slack.com, slack-gov.com and their subdomains, or to
// the configured Web API host, so a crafted URL cannot obtain it.
func (w *Worker) download(ctx context.Context, rawURL string) ([]byte, error) {
	if !w.mayReceiveToken(rawURL) {
		return nil, fmt.Errorf("rejected file URL %q: the bot token goes only to Slack hosts: %w",
			rawURL, errPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("invalid file URL: %w: %w", err, errPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+w.cfg.BotToken)
	resp, err := w.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImageBytes {
		return nil, fmt.Errorf("larger than %d bytes: %w", MaxImageBytes, errPermanent)
	}
	return data, nil
}

func (w *Worker) mayReceiveToken(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return false
	}
	if api, err := url.Parse(w.cfg.APIURL); err == nil && api.Host != "" &&
		u.Scheme == api.Scheme && u.Host == api.Host {
		return true
	}
	host := strings.ToLower(u.Hostname())
	return u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com") ||
		host == "slack-gov.com" || strings.HasSuffix(host, ".slack-gov.com"))
}

// saveImage checks that data is a web image and writes it to dir as
// {sha256}.{ext}, once: an existing file with that name has the same
// bytes. The type comes from the bytes, never from Slack's metadata, so
// an HTML sign-in page is never stored as an image.
func saveImage(dir string, data []byte) (bridge.Media, error) {
	sniffed := http.DetectContentType(data)
	ext, ok := webImageTypes[sniffed]
	if !ok {
		return bridge.Media{}, fmt.Errorf("content is %s, not an image "+
			"(an HTML page means the bot token lacks files:read or the URL was revoked)", sniffed)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return bridge.Media{}, fmt.Errorf("invalid %s image: %w", ext, err)
	}
	if webImageTypes["image/"+format] != ext {
		return bridge.Media{}, fmt.Errorf("content sniffed as %s decodes as %s", sniffed, format)
	}
	sum := sha256.Sum256(data)
	m := bridge.Media{SHA256: hex.EncodeToString(sum[:]), Ext: ext, Width: cfg.Width, Height: cfg.Height}
	if err := writeOnce(filepath.Join(dir, m.FileName()), data); err != nil {
		return bridge.Media{}, err
	}
	return m, nil
}

// writeOnce writes data to path through a temporary file and a rename, so
// readers never see a partial file, unless path exists already.
func writeOnce(path string, data []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create media directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return fmt.Errorf("create media file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write media file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write media file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	return nil
}
