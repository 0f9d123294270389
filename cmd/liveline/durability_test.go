package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver"
	"github.com/liveline/liveline/store"
)

// 200 events sent at once from 20 goroutines are all stored, and the page
// lists them in ts order whatever order they arrived in.
func TestServe_ConcurrentEvents(t *testing.T) {
	const senders, perSender = 20, 10
	app := startApp(t, "")
	var all []string
	for i := range senders * perSender {
		all = append(all, fmt.Sprintf("16233%05d.%06d", i*7, 100+i))
	}
	shuffled := slices.Clone(all)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	statuses := make(chan error, len(all))
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func(batch []string) {
			defer wg.Done()
			for _, ts := range batch {
				statuses <- receiver.PostEvent(context.Background(), eventClient,
					app.url+"/slack/events", testSecret, concurrentMessage(ts, "post "+ts))
			}
		}(shuffled[s*perSender : (s+1)*perSender])
	}
	wg.Wait()
	close(statuses)
	for err := range statuses {
		if err != nil {
			t.Error(err)
		}
	}

	u := app.updatesSince("C0LIVE01", "0")
	if len(u.CurrentPosts) != len(all) {
		t.Errorf("stored %d posts, want %d", len(u.CurrentPosts), len(all))
	}
	if !slices.Equal(u.CurrentPosts, all) {
		t.Errorf("currentPosts are not the sent ts in ts order")
	}
	if !slices.Equal(u.order, all) {
		t.Errorf("updates are not in ts order")
	}
}

var eventMu sync.Mutex

// concurrentMessage returns a message event body for C0LIVE01. Unlike
// message, it is safe for concurrent use.
func concurrentMessage(ts, text string) []byte {
	eventMu.Lock()
	defer eventMu.Unlock()
	return message("C0LIVE01", ts, text)
}

// binary builds the liveline command into a temporary folder.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the liveline binary")
	}
	path := filepath.Join(t.TempDir(), "liveline")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// process is "liveline serve" running as a child process.
type process struct {
	cmd    *exec.Cmd
	url    string
	dbPath string
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startProcess runs bin serve on 127.0.0.1:0 with a fresh database and
// waits up to 20 seconds for it to print its address.
func startProcess(t *testing.T, bin string) *process {
	t.Helper()
	dir := t.TempDir()
	p := &process{dbPath: filepath.Join(dir, "liveline.db"), stderr: &lockedBuffer{}}
	config := fmt.Sprintf("listen: 127.0.0.1:0\ndatabase: %s\ncatch_up_interval: 0\n"+
		"slack:\n  signing_secret: %s\nchannels:\n  - channel_id: C0LIVE01\n    slug: election\n",
		p.dbPath, testSecret)
	configPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "serve", "--config", configPath, "--log-level", "debug")
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-lines:
		base, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "Reader page: "), "/live/")
		if !ok {
			t.Fatalf("unexpected first line %q; stderr:\n%s", line, p.stderr)
		}
		p.url = base
	case <-time.After(20 * time.Second):
		t.Fatalf("liveline printed no address within 20s; stderr:\n%s", p.stderr)
	}
	return p
}

// waitExit waits up to 15 seconds for the process to end and returns its
// exit error.
func (p *process) waitExit(t *testing.T) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("liveline did not exit within 15s; stderr:\n%s", p.stderr)
		return nil
	}
}

// Every event that got a 200 before a SIGKILL is in the database after
// it, because Liveline responds only after the change is committed.
func TestProcess_KillKeepsAnsweredEvents(t *testing.T) {
	const senders, maxPerSender, killAfter = 4, 2000, 100
	p := startProcess(t, binary(t))

	var (
		mu       sync.Mutex
		answered []string
		killOnce sync.Once
		wg       sync.WaitGroup
	)
	kill := func() { killOnce.Do(func() { p.cmd.Process.Signal(syscall.SIGKILL) }) }
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxPerSender {
				ts := fmt.Sprintf("1623%06d.%06d", s*maxPerSender+i, 100+s)
				err := receiver.PostEvent(context.Background(), eventClient,
					p.url+"/slack/events", testSecret, concurrentMessage(ts, "post "+ts))
				if err != nil {
					return // the process is gone
				}
				mu.Lock()
				answered = append(answered, ts)
				n := len(answered)
				mu.Unlock()
				if n >= killAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	p.waitExit(t)
	if len(answered) < killAfter {
		t.Fatalf("only %d events answered before the process stopped; stderr:\n%s", len(answered), p.stderr)
	}

	db, err := store.Open(context.Background(), p.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	missing := 0
	for _, ts := range answered {
		if _, err := db.Post(context.Background(), "C0LIVE01", ts); err != nil {
			if !errors.Is(err, bridge.ErrNotFound) {
				t.Fatal(err)
			}
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d answered events are missing after SIGKILL", missing, len(answered))
	}
}

// On SIGTERM Liveline stops accepting connections, finishes the request in
// flight and exits 0.
func TestProcess_GracefulShutdown(t *testing.T) {
	const ts = "1623321000.000100"
	p := startProcess(t, binary(t))
	body := concurrentMessage(ts, "Sent while shutting down.")
	header := http.Header{}
	receiver.SignRequest(header, testSecret, body, time.Now())

	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.url, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	var head strings.Builder
	fmt.Fprintf(&head, "POST /slack/events HTTP/1.1\r\nHost: liveline\r\nContent-Length: %d\r\n", len(body))
	for k := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, header.Get(k))
	}
	head.WriteString("\r\n")
	half := len(body) / 2
	if _, err := io.WriteString(conn, head.String()+string(body[:half])); err != nil {
		t.Fatal(err)
	}

	// Whether or not the server has read the headers yet, Shutdown waits
	// for this connection: it closes only idle ones and new ones older
	// than 5 seconds. The pause makes the usual case the one where the
	// handler is already reading the body.
	time.Sleep(100 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitLog(t, p, "shutting down")
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v; stderr:\n%s", err, p.stderr)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("in-flight request answered %s, want 200 OK", resp.Status)
	}
	if err := p.waitExit(t); err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0; stderr:\n%s", err, p.stderr)
	}

	db, err := store.Open(context.Background(), p.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Post(context.Background(), "C0LIVE01", ts); err != nil {
		t.Errorf("post sent during shutdown: %v", err)
	}
}

// waitLog waits up to ten seconds for text in the process's log.
func waitLog(t *testing.T, p *process, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(p.stderr.String(), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("log lacks %q after 10s:\n%s", text, p.stderr)
}

// eventClient sends the tests' events. Its timeout bounds a hung server.
var eventClient = &http.Client{Timeout: 5 * time.Second}
