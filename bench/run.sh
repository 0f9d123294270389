#!/usr/bin/env bash
# Benchmarks Liveline on this machine and writes docs/benchmarks.md.
#
#   bench/run.sh                 # about 8 minutes
#   BENCH_NOTE="..." bench/run.sh  # adds a sentence about the machine
#
# Installs wrk and nginx from Debian packages when missing, builds the
# binary, and runs everything on 127.0.0.1 only. Every load step is bounded
# in time or count. Set WRK_SECONDS, ROUNDS, INGEST_N or MEM_POSTS to
# shorten a run; the page records the values used.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
WRK_SECONDS=${WRK_SECONDS:-6}
ROUNDS=${ROUNDS:-3}
INGEST_N=${INGEST_N:-3000}     # events in the single-channel ingest run
MEM_POSTS=${MEM_POSTS:-5000}   # posts per channel in the 10-channel run
IDLE_CONNS=${IDLE_CONNS:-2000}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
SECRET=bench-signing-secret
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/liveline-bench.XXXXXX)
chmod 755 "$WORK" # nginx's workers run as an unprivileged user
LIVELINE_PID=""
echo "bench: working in $WORK"

cleanup() {
	if [ -n "$LIVELINE_PID" ]; then
		kill "$LIVELINE_PID" 2>/dev/null || true
		wait "$LIVELINE_PID" 2>/dev/null || true
	fi
	[ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
# Keep the work folder only when a step failed, for its logs.
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'echo "bench: failed; logs in $WORK" >&2; cleanup; trap - EXIT' ERR

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# --- tools -----------------------------------------------------------------
if ! command -v wrk >/dev/null || { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; }; then
	echo "bench: installing wrk and nginx with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
		wrk nginx-light || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

go build -o "$WORK/liveline" ./cmd/liveline
go build -o "$WORK/loadgen" ./bench/loadgen

# --- server ----------------------------------------------------------------
MEM_CHANNELS=$(for i in 01 02 03 04 05 06 07 08 09 10; do printf 'C0MEM00%s,' "$i"; done)
MEM_CHANNELS=${MEM_CHANNELS%,}
{
	echo "listen: 127.0.0.1:$PORT"
	echo "database: $WORK/bench.db"
	echo "slack:"
	echo "  signing_secret: $SECRET"
	echo "channels:"
	for id in C0BENCH001 C0ONE00001 ${MEM_CHANNELS//,/ }; do
		slug=$(echo "$id" | tr 'A-Z' 'a-z')
		echo "  - {channel_id: $id, slug: $slug, title: Bench $id}"
	done
} >"$WORK/config.yaml"

"$WORK/liveline" serve --config "$WORK/config.yaml" --log-level warn 2>"$WORK/liveline.log" &
LIVELINE_PID=$!
for _ in $(seq 50); do
	curl -sf "$BASE/healthz" >/dev/null && break
	sleep 0.1
done
if ! curl -sf "$BASE/healthz" >/dev/null; then
	echo "bench: liveline did not start; set PORT to a free port" >&2
	cat "$WORK/liveline.log" >&2
	exit 1
fi

# stamp_micros turns "1733328000.123456" into microseconds; stamp_text back.
stamp_micros() { echo "${1/./}" | sed 's/^0*//'; }
stamp_text() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
last_update() { curl -sI "$BASE/live/$1/updates" | tr -d '\r' | awk -F': ' 'tolower($1)=="last-update-at"{print $2}'; }

# --- seed 500 posts: 480, then 20 more, so a GET can request exactly 20 ---
CH=C0BENCH001
"$WORK/loadgen" ingest -url "$BASE" -secret "$SECRET" -channels $CH -n 480 -poll=false \
	-start 1700000000 >/dev/null
SINCE20=$(stamp_text $(($(stamp_micros "$(last_update $CH)") + 1)))
"$WORK/loadgen" ingest -url "$BASE" -secret "$SECRET" -channels $CH -n 20 -poll=false \
	-start 1700000480 >/dev/null
LAST=$(last_update $CH)
SINCE0=$(stamp_text $(($(stamp_micros "$LAST") + 1)))

# --- nginx serving the same bytes ----------------------------------------
mkdir -p "$WORK/static" "$WORK/nginx-tmp"
curl -sf -X POST "$BASE/live/$CH/updates" >"$WORK/static/handshake"
curl -sf "$BASE/live/$CH/updates?last_update_ts=$SINCE0" >"$WORK/static/unchanged"
curl -sf "$BASE/live/$CH/updates?last_update_ts=$SINCE20" >"$WORK/static/new20"
: >"$WORK/static/head"
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 8192; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 10000000;
	default_type application/json;
	client_body_temp_path $WORK/nginx-tmp;
	proxy_temp_path $WORK/nginx-tmp;
	fastcgi_temp_path $WORK/nginx-tmp;
	uwsgi_temp_path $WORK/nginx-tmp;
	scgi_temp_path $WORK/nginx-tmp;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WORK/static;
		# The static module rejects POST with 405; serve the file instead.
		error_page 405 =200 \$uri;
	}
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"

echo 'wrk.method = "HEAD"' >"$WORK/head.lua"
echo 'wrk.method = "POST"' >"$WORK/post.lua"

# run_wrk URL SCRIPT: prints "rps p50 p99" of one bounded wrk run.
run_wrk() {
	local out
	out=$(wrk -t2 -c64 -d"${WRK_SECONDS}s" --latency ${2:+-s "$2"} "$1")
	echo "$out" >>"$WORK/wrk.log"
	if echo "$out" | grep -q 'Non-2xx'; then
		echo "bench: $1 returned error statuses; see $WORK/wrk.log" >&2
		exit 1
	fi
	echo "$out" | awk '/Requests\/sec/{rps=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2} END{print rps, p50, p99}'
}

median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

declare -A RESULT
CASES="head handshake unchanged new20"
for round in $(seq "$ROUNDS"); do
	for c in $CASES; do
		case $c in
		head) ours="$BASE/live/$CH/updates"; static="/head"; script="$WORK/head.lua" ;;
		handshake) ours="$BASE/live/$CH/updates"; static="/handshake"; script="$WORK/post.lua" ;;
		unchanged) ours="$BASE/live/$CH/updates?last_update_ts=$SINCE0"; static="/unchanged"; script="" ;;
		new20) ours="$BASE/live/$CH/updates?last_update_ts=$SINCE20"; static="/new20"; script="" ;;
		esac
		echo "bench: round $round $c"
		RESULT[$c,ours,$round]=$(run_wrk "$ours" "$script")
		RESULT[$c,nginx,$round]=$(run_wrk "http://127.0.0.1:$NGINX_PORT$static" "$script")
	done
done
kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true

# field CASE SERVER N: median of column N over the rounds.
field() {
	for round in $(seq "$ROUNDS"); do
		echo "${RESULT[$1,$2,$round]}" | awk -v n="$3" '{print $n}'
	done | median
}

# --- ingest ------------------------------------------------------------------
echo "bench: ingest, 1 channel"
INGEST1=$("$WORK/loadgen" ingest -url "$BASE" -secret "$SECRET" -channels C0ONE00001 \
	-n "$INGEST_N" -concurrency 8)
echo "bench: ingest, 10 channels"
INGEST10=$("$WORK/loadgen" ingest -url "$BASE" -secret "$SECRET" -channels "$MEM_CHANNELS" \
	-n "$MEM_POSTS" -concurrency 16)
json() { echo "$1" | tr ',{}' '\n\n\n' | awk -F: -v k="\"$2\"" '$1==k{print $2}'; }

# --- memory ------------------------------------------------------------------
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$LIVELINE_PID/status"; }
for id in ${MEM_CHANNELS//,/ }; do
	curl -sf -X POST "$BASE/live/$id/updates" >/dev/null
	curl -sf -H 'Accept-Encoding: gzip' "$BASE/live/$id/updates?last_update_ts=0" >/dev/null
done
RSS_LOADED=$(rss_mb)
echo "bench: $IDLE_CONNS idle polling connections"
"$WORK/loadgen" idle -url "$BASE" -channel "${MEM_CHANNELS%%,*}" -conns "$IDLE_CONNS" -duration 20s \
	>"$WORK/idle.json" &
IDLE_PID=$!
RSS_IDLE=0
for _ in $(seq 8); do
	sleep 2
	r=$(rss_mb)
	[ "$r" -gt "$RSS_IDLE" ] && RSS_IDLE=$r
done
wait "$IDLE_PID"
ESTABLISHED=$(cat "$WORK/idle.json")

# --- Go benchmarks -------------------------------------------------------------
echo "bench: go benchmarks"
GOBENCH=$(go test ./publisher ./store -run '^$' -bench . -benchmem -benchtime 1s 2>&1 |
	grep -E '^(Benchmark|ok|FAIL)' || true)
go test ./publisher -run '^$' -bench 'Head|GetUnchanged' -benchtime 1s \
	-cpuprofile "$WORK/publisher.prof" -o "$WORK/publisher.test" >/dev/null 2>&1 || true
PROFILE=$(go tool pprof -top -nodecount=15 "$WORK/publisher.test" "$WORK/publisher.prof" 2>/dev/null |
	sed -n '1,22p' || true)

# --- report ------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
meets() { awk -v a="$1" -v t="$2" 'BEGIN{ if (a >= t) print "met"; else printf "missed by %.0f%%", (t - a) / t * 100 }'; }

{
	echo "# Benchmarks"
	echo
	echo "Generated by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Rerun it to refresh this page."
	echo
	echo "## Machine"
	echo
	echo "- CPUs: $(nproc) ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo))"
	echo "- Memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "- Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- $(go version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1)"
	[ -n "${BENCH_NOTE:-}" ] && echo "- $BENCH_NOTE"
	echo "- wrk, nginx, the load generator and Liveline share these CPUs, so every number"
	echo "  is lower than on a machine where the load comes from elsewhere."
	echo
	echo "## Polling, against nginx serving the same bytes"
	echo
	echo "\`wrk -t2 -c64 -d${WRK_SECONDS}s --latency\` on 127.0.0.1, $ROUNDS rounds alternating Liveline"
	echo "and nginx; the table shows medians. The channel has 500 posts. nginx serves each"
	echo "response body, taken from Liveline, as a static file (the handshake through"
	echo "\`error_page 405 =200\`, because its static module rejects POST). Neither side compresses."
	echo
	echo "| request | Liveline req/s | p50 | p99 | nginx req/s | p50 | p99 | ratio | target |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for c in $CASES; do
		o=$(field "$c" ours 1); n=$(field "$c" nginx 1); r=$(ratio "$o" "$n")
		target="-"
		case $c in head | unchanged) target="≥ 0.8: $(meets "$r" 0.8)" ;; esac
		label=$c
		case $c in
		head) label="HEAD (Last-Update-At)" ;;
		handshake) label="POST handshake" ;;
		unchanged) label="GET, nothing new" ;;
		new20) label="GET, 20 new posts" ;;
		esac
		echo "| $label | $o | $(field "$c" ours 2) | $(field "$c" ours 3) | $n | $(field "$c" nginx 2) | $(field "$c" nginx 3) | $r | $target |"
	done
	echo
	echo "## Ingest"
	echo
	echo "Signed Slack message events (about 300 characters of mrkdwn) sent by \`bench/loadgen\`"
	echo "as fast as the receiver acknowledges them; each 200 comes after a durable commit"
	echo "(WAL, synchronous=FULL). \"Visible\" is the time from sending an event to the post's"
	echo "first appearance in a GET by a reader polling every 10 ms."
	echo
	echo "| run | events | events/s | ack p50 ms | ack p99 ms | visible p50 ms | visible p99 ms | errors | target ≥ 1,000/s |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for run in 1 10; do
		j=$INGEST1; conc=8
		[ $run = 10 ] && j=$INGEST10 && conc=16
		eps=$(json "$j" events_per_sec)
		printf '| %s channel(s), %s in flight | %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "$run" "$conc" \
			"$(json "$j" events)" "$eps" "$(json "$j" ack_p50_ms)" "$(json "$j" ack_p99_ms)" \
			"$(json "$j" visible_p50_ms)" "$(json "$j" visible_p99_ms)" "$(json "$j" errors)" \
			"$(meets "$eps" 1000)"
	done
	echo
	echo "## Memory"
	echo
	echo "RSS of the Liveline process (VmRSS) with 10 channels of $MEM_POSTS posts each, every"
	echo "snapshot loaded and its handshake and full GET built; the database also holds the"
	echo "500-post and the $INGEST_N-post channels above. Then $IDLE_CONNS keep-alive connections each"
	echo "send a HEAD every 3 s for 20 s; the figure is the highest of 8 samples."
	echo
	echo "| state | RSS MB | target < 150 MB |"
	echo "| --- | --- | --- |"
	echo "| loaded | $RSS_LOADED | $(awk -v a="$RSS_LOADED" 'BEGIN{ if (a < 150) print "met"; else printf "missed by %.0f%%", (a-150)/150*100 }') |"
	echo "| with $IDLE_CONNS polling connections | $RSS_IDLE | $(awk -v a="$RSS_IDLE" 'BEGIN{ if (a < 150) print "met"; else printf "missed by %.0f%%", (a-150)/150*100 }') |"
	echo
	echo "Load generator: \`$ESTABLISHED\`"
	echo
	echo "## Go benchmarks"
	echo
	echo "\`go test ./publisher ./store -run '^\$' -bench . -benchmem -benchtime 1s\`. The handler"
	echo "benchmarks serve a 500-post channel with httptest through ServePolling, then the"
	echo "router, as the App does; Apply commits"
	echo "to a real SQLite file."
	echo
	echo '```'
	echo "$GOBENCH"
	echo '```'
	echo
	echo "CPU profile of the HEAD and unchanged-GET handler benchmarks (\`go tool pprof -top\`):"
	echo
	echo '```'
	echo "$PROFILE"
	echo '```'
} >"$ROOT/docs/benchmarks.md"
echo "bench: wrote docs/benchmarks.md"
