package receiver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Signature returns Slack's v0 request signature: "v0=" and the hex
// HMAC-SHA256 of "v0:{timestamp}:{body}" under the signing secret.
func Signature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the headers Slack sends with an event: the request
// timestamp at now and the signature over body. The demo and the tests use
// it to stand in for Slack.
func SignRequest(h http.Header, secret string, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", Signature(secret, ts, body))
	h.Set("Content-Type", "application/json")
}

// PostEvent sends body to the Events API endpoint at eventsURL, signed with
// secret at the current time as Slack signs it, and returns an error
// unless the response is 200. The demo, the benchmark and the tests stand
// in for Slack with it.
func PostEvent(ctx context.Context, client *http.Client, eventsURL, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, eventsURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	SignRequest(req.Header, secret, body, time.Now())
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("events endpoint responded with %s, want 200 OK", resp.Status)
	}
	return nil
}
