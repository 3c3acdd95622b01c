#!/usr/bin/env bash
# share send + share receive of one file through the folder relay and through
# `relay serve` on loopback, side by side in one hyperfine run; then the peak
# memory (maximum resident set size) of the relay server over the whole run,
# and of share's send and receive over HTTP, with GNU time.
#
#   bench/relay.sh                   # a 256 MiB file
#   SIZE_MIB=64 RUNS=3 bench/relay.sh
#
# Targets: the HTTP relay at least half the folder relay's throughput; the
# server under 64 MiB. Only the loopback address is used. Needs hyperfine and
# GNU time; on Debian/Ubuntu as root they are installed if missing. Scratch
# files go to BENCH_DIR (default: a new folder under /var/tmp, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-256}
RUNS=${RUNS:-5}

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
if ! need hyperfine || ! need /usr/bin/time; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq hyperfine time >/dev/null
    else
        echo "please install hyperfine and GNU time (Debian: apt-get install hyperfine time)" >&2
        exit 1
    fi
fi

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/pqxdh-lab
BIN=$(realpath "$BIN")

WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/pqxdh-relay-bench.XXXXXX)}
mkdir -p "$WORK"
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
unset PQXDH_LAB_RELAY PQXDH_LAB_HOME

echo "== $SIZE_MIB MiB of random data in $WORK"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > big.bin

# The server, under GNU time for its peak memory over the whole run.
/usr/bin/time -v -o server-time.txt "$BIN" relay serve --listen 127.0.0.1:0 \
    --dir "$WORK/served" > server.log 2>&1 &
TIMED=$!
for _ in $(seq 100); do
    grep -q "students use" server.log 2>/dev/null && break
    sleep 0.1
done
URL=$(head -1 server.log | awk '{print $NF}')
SERVER=$(pgrep -P "$TIMED" || true)
echo "== relay serve at $URL (pid $SERVER)"

# Two names on each relay, and one small exchange so that the measured sends
# run on an established session, as in bench/share-vs-age.sh.
DIR_SHARE="$BIN share --relay $WORK/folder --home $WORK/homes-folder"
HTTP_SHARE="$BIN share --relay $URL --home $WORK/homes-http"
echo hi > hi.txt
for S in "$DIR_SHARE" "$HTTP_SHARE"; do
    $S init alice >/dev/null
    $S init bob >/dev/null
    $S send --from alice --to bob hi.txt >/dev/null
    $S receive --as bob --out warm >/dev/null
done

hyperfine --warmup 1 --runs "$RUNS" \
    --prepare "rm -rf out-folder; sync" \
    --prepare "rm -rf out-http; sync" \
    --export-json hyperfine.json \
    -n "folder relay" \
    "$DIR_SHARE send --from alice --to bob big.bin && $DIR_SHARE receive --as bob --out out-folder" \
    -n "relay serve (HTTP, loopback)" \
    "$HTTP_SHARE send --from alice --to bob big.bin && $HTTP_SHARE receive --as bob --out out-http"

if cmp big.bin out-folder/big.bin && cmp big.bin out-http/big.bin; then
    echo "== both round trips are byte-identical"
else
    echo "== MISMATCH: a round trip did not give back the original file" >&2
    exit 1
fi

rss() { # peak RSS in KiB of one command
    { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } |
        awk -F': ' '/Maximum resident set size/ {print $2}'
}
rm -rf out-http
SEND_RSS=$(rss $HTTP_SHARE send --from alice --to bob big.bin)
RECV_RSS=$(rss $HTTP_SHARE receive --as bob --out out-http)

# Stop the server; GNU time then writes its figures.
kill -TERM "$SERVER"
wait "$TIMED" || true
SERVER=
SERVER_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' server-time.txt)

python3 - "$SIZE_MIB" "$SERVER_RSS" "$SEND_RSS" "$RECV_RSS" <<'PY'
import json, sys
size, server, send, recv = (int(x) for x in sys.argv[1:])
r = {x["command"]: x for x in json.load(open("hyperfine.json"))["results"]}
f, h = r["folder relay"], r["relay serve (HTTP, loopback)"]
print()
print(f"== {size} MiB file, send + receive, {len(f['times'])} runs each")
for name, x in (("folder relay", f), ("relay serve (HTTP)", h)):
    print(f"  {name:20} mean {x['mean']:6.3f} s ± {x['stddev']:.3f}  median {x['median']:6.3f} s"
          f"   {size / x['mean']:6.1f} MiB/s (mean)")
ratio = f["mean"] / h["mean"]
print(f"  HTTP throughput / folder throughput: {ratio:.2f} (target >= 0.5: {'yes' if ratio >= 0.5 else 'NO'})")
print("== peak RSS")
print(f"  relay serve, whole run   {server / 1024:6.1f} MiB (target < 64 MiB: {'yes' if server < 64 * 1024 else 'NO'})")
print(f"  share send over HTTP     {send / 1024:6.1f} MiB")
print(f"  share receive over HTTP  {recv / 1024:6.1f} MiB")
PY
