package main

import (
	"html"
	"net/http"
	"strconv"
	"time"

	"github.com/liveline/liveline/receiver"
)

func htmlUnescape(s string) string { return html.UnescapeString(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// formatJSFloat formats f as JavaScript's String(number) does for
// timestamps: the shortest decimal that reads back as f.
func formatJSFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// signRequest signs req's body with testSecret at the current time.
func signRequest(req *http.Request, body []byte) {
	receiver.SignRequest(req.Header, testSecret, body, time.Now())
}
