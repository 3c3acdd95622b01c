#!/usr/bin/env bash
# share send + share receive over a directory relay, against age encrypt +
# age decrypt, on the same file, side by side in one hyperfine run; then the
# peak memory (maximum resident set size) of each step with /usr/bin/time -v,
# and of share's commands with a hostile 1 GiB message waiting in the inbox.
#
#   bench/share-vs-age.sh              # a 1 GiB file (1024 MiB)
#   SIZE_MIB=256 RUNS=3 bench/share-vs-age.sh
#
# Needs age, hyperfine and GNU time; on Debian/Ubuntu as root they are
# installed if missing. Scratch files go to BENCH_DIR (default: a new folder
# under /var/tmp, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-5}

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
if ! need age || ! need hyperfine || ! need /usr/bin/time; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq age hyperfine time >/dev/null
    else
        echo "please install age, hyperfine and GNU time (Debian: apt-get install age hyperfine time)" >&2
        exit 1
    fi
fi

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/pqxdh-lab
BIN=$(realpath "$BIN")

WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/pqxdh-bench.XXXXXX)}
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export PQXDH_LAB_RELAY="$WORK/relay" PQXDH_LAB_HOME="$WORK/homes"

echo "== $SIZE_MIB MiB of random data in $WORK"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > big.bin

# share: two names, and one small exchange so the measured sends run on an
# established session (PQXDH itself takes milliseconds; see benches/handshake.rs).
"$BIN" share init alice >/dev/null
"$BIN" share init bob >/dev/null
echo hi > hi.txt
"$BIN" share send --from alice --to bob hi.txt >/dev/null
"$BIN" share receive --as bob --out warm >/dev/null

age-keygen -o age.key 2>/dev/null
AGE_RECIPIENT=$(age-keygen -y age.key)

SHARE="$BIN share send --from alice --to bob big.bin && $BIN share receive --as bob --out out"
AGE="age -r $AGE_RECIPIENT -o big.age big.bin && age -d -i age.key -o big.out big.age"
# One --prepare per command: each clears its own output and flushes the
# page cache's dirty pages, so no run pays for the previous run's writes.
hyperfine --warmup 1 --runs "$RUNS" \
    --prepare "rm -rf out; sync" \
    --prepare "rm -f big.age big.out; sync" \
    --export-json hyperfine.json \
    -n "share send + receive" "$SHARE" \
    -n "age encrypt + decrypt" "$AGE"

if cmp big.bin out/big.bin && cmp big.bin big.out; then
    echo "== both round trips are byte-identical"
else
    echo "== MISMATCH: a round trip did not give back the original file" >&2
    exit 1
fi

rss() { # peak RSS in KiB of one command (which may fail: it is measured all the same)
    { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } |
        awk -F': ' '/Maximum resident set size/ {print $2}'
}
rm -rf out big.age big.out
SEND_RSS=$(rss "$BIN" share send --from alice --to bob big.bin)
RECV_RSS=$(rss "$BIN" share receive --as bob --out out)
AGE_ENC_RSS=$(rss age -r "$AGE_RECIPIENT" -o big.age big.bin)
AGE_DEC_RSS=$(rss age -d -i age.key -o big.out big.age)

# A hostile relay: a 1 GiB "message" in each inbox (sparse, so it costs no
# disk; share refuses it from its size, so dense bytes would change nothing).
for who in alice bob; do
    mkdir -p "relay/inbox/$who"
    truncate -s 1G "relay/inbox/$who/00000000000000000001-00000000.msg"
done
echo hi > hi.txt
HOSTILE_SEND_RSS=$(rss "$BIN" share send --from alice --to bob hi.txt)
HOSTILE_RECV_RSS=$(rss "$BIN" share receive --as bob --out hostile)
HOSTILE_INSPECT_RSS=$(rss "$BIN" share inspect relay)

python3 - "$SIZE_MIB" "$SEND_RSS" "$RECV_RSS" "$AGE_ENC_RSS" "$AGE_DEC_RSS" \
    "$HOSTILE_SEND_RSS" "$HOSTILE_RECV_RSS" "$HOSTILE_INSPECT_RSS" <<'PY'
import json, sys
size, send, recv, aenc, adec, hsend, hrecv, hinspect = (int(x) for x in sys.argv[1:])
r = {x["command"]: x for x in json.load(open("hyperfine.json"))["results"]}
s, a = r["share send + receive"], r["age encrypt + decrypt"]
print()
print(f"== {size} MiB file, encrypt + decrypt, {len(s['times'])} runs each")
print("  throughput = file size / (encrypt + decrypt time)")
for name, x in (("share send + receive", s), ("age encrypt + decrypt", a)):
    print(f"  {name:22} mean {x['mean']:6.3f} s ± {x['stddev']:.3f}  median {x['median']:6.3f} s"
          f"   {size / x['mean']:6.1f} MiB/s (mean)  {size / x['median']:6.1f} MiB/s (median)")
print(f"  ratio age/share, mean:   {a['mean'] / s['mean']:.2f}")
print(f"  ratio age/share, median: {a['median'] / s['median']:.2f}  (>= 1.0: share is at least as fast)")
print("== peak RSS")
for name, kib in (("share send", send), ("share receive", recv),
                  ("age encrypt", aenc), ("age decrypt", adec)):
    print(f"  {name:22} {kib / 1024:6.1f} MiB")
print("== peak RSS with a hostile 1 GiB message in the inbox")
for name, kib in (("share send", hsend), ("share receive", hrecv), ("share inspect RELAY", hinspect)):
    print(f"  {name:22} {kib / 1024:6.1f} MiB")
worst = max(send, recv, hsend, hrecv, hinspect)
print(f"  share within 32 MiB: {'yes' if worst <= 32 * 1024 else 'NO'} (worst {worst / 1024:.1f} MiB)")
PY
