#!/usr/bin/env bash
# Load run of issue 16 (not part of CI): the example app on loopback at saturation
# under wrk, a public route against a protected one, then a refresh storm over two
# instances sharing one throwaway redis-server.
#
#   scripts/load/run.sh                      # defaults below
#   DURATION=30s ROUNDS=3 SESSIONS=2000 scripts/load/run.sh
#
# Needs wrk (installed with apt-get if missing), redis-server, python3 (free ports)
# and curl. Figures go to stdout; the instances' logs to $WORK (printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOWORK=off

THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}          # public/protected pairs, alternated so both see the same load
SESSIONS=${SESSIONS:-10000}
ACCESS_TTL=${ACCESS_TTL:-15s} # must exceed the guard's 10 s leeway
STORM_CONC=${STORM_CONC:-64}

if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
for bin in wrk redis-server redis-cli python3 curl; do
  command -v "$bin" >/dev/null 2>&1 || { echo "load: $bin is required" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/specgate-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # url
  for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "load: $1 never answered" >&2; exit 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
echo "== building examples/subscriptions into $WORK"
(cd examples && go build -o "$WORK/subscriptions" ./subscriptions)

# ---------------------------------------------------------------- wrk, one instance
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
"$WORK/subscriptions" -addr "127.0.0.1:$PORT" 2>"$WORK/wrk-instance.log" &
pids+=($!)
wait_http "$BASE/api/v1/plans"

# A real login; the browser would send both cookies on every request, so wrk does.
curl -fs -D "$WORK/login.headers" -o /dev/null -H 'Content-Type: application/json' \
  -d '{"email":"alice@example.com","password":"wonderland"}' "$BASE/api/v1/auth/login"
COOKIE=$(grep -i '^set-cookie:' "$WORK/login.headers" | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*);.*/\1/' | paste -sd';' - | sed 's/;/; /g')
[ -n "$COOKIE" ] || { echo "load: login set no cookies" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/api/v1/me")" = 200 ] || { echo "load: the login's cookie does not open /me" >&2; exit 1; }

# run_wrk name path -> prints "rps p99_us" and keeps wrk's output
run_wrk() {
  local out="$WORK/wrk-$1.txt"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Cookie: $COOKIE" "$BASE$2" >"$out"
  if grep -q 'Non-2xx' "$out"; then
    echo "load: $1: $(grep 'Non-2xx' "$out")" >&2; exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1=="99%" {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        f = (u=="us") ? 1 : (u=="ms") ? 1000 : (u=="s") ? 1000000 : 0; printf "%.0f", v*f}' "$out")
  echo "$rps $p99"
}

echo "== wrk -t$THREADS -c$CONNS -d$DURATION --latency, Cookie from a real login on both routes"
echo "   public:    GET /api/v1/plans (security: [])"
echo "   protected: GET /api/v1/me    (cookie session, Required)"
printf '%-6s %-10s %12s %10s\n' round route req/s p99_us
: >"$WORK/wrk-summary"
for r in $(seq "$ROUNDS"); do
  # Alternate which goes first, so neither always gets the warmer or quieter slot.
  if [ $((r % 2)) -eq 1 ]; then order="public protected"; else order="protected public"; fi
  for route in $order; do
    if [ "$route" = public ]; then path=/api/v1/plans; else path=/api/v1/me; fi
    res=$(run_wrk "$route-$r" "$path")
    read -r rps p99 <<<"$res"
    printf '%-6s %-10s %12s %10s\n' "$r" "$route" "$rps" "$p99"
    echo "$route $rps $p99" >>"$WORK/wrk-summary"
  done
done
python3 - "$WORK/wrk-summary" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
rps = {k: [float(r[1]) for r in rows if r[0] == k] for k in ("public", "protected")}
p99 = {k: [float(r[2]) for r in rows if r[0] == k] for k in ("public", "protected")}
m = {k: statistics.mean(v) for k, v in rps.items()}
l = {k: statistics.mean(v) for k, v in p99.items()}
tr, lr = m["protected"] / m["public"], l["protected"] / l["public"]
print(f"mean of {len(rps['public'])} rounds: public {m['public']:.0f} req/s p99 {l['public']:.0f} us; protected {m['protected']:.0f} req/s p99 {l['protected']:.0f} us")
print(f"throughput protected/public = {tr:.3f} (target >= 0.97: {'met' if tr >= 0.97 else 'NOT met'})")
print(f"p99 protected/public = {lr:.3f} (target <= 1.1: {'met' if lr <= 1.1 else 'NOT met'})")
EOF
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

# ---------------------------------------------------------------- refresh storm
RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export SUBSCRIPTIONS_HMAC_KEY
SUBSCRIPTIONS_HMAC_KEY=$(head -c 32 /dev/urandom | base64)
urls=()
for i in 1 2; do
  p=$(free_port)
  # -bcrypt-cost 4: signing in 10,000 sessions at bcrypt's default cost would take
  # many CPU-minutes; the storm is about refreshes, which never run bcrypt.
  "$WORK/subscriptions" -addr "127.0.0.1:$p" -redis "redis://127.0.0.1:$RPORT/0" -access-ttl "$ACCESS_TTL" \
    -bcrypt-cost 4 2>"$WORK/storm-instance-$i.log" &
  pids+=($!)
  urls+=("http://127.0.0.1:$p")
  wait_http "http://127.0.0.1:$p/api/v1/plans"
done
echo "== refresh storm: $SESSIONS sessions, two instances (${urls[*]}), one redis-server :$RPORT, access TTL $ACCESS_TTL"
go run scripts/load/storm.go -sessions "$SESSIONS" -access-ttl "$ACCESS_TTL" -c "$STORM_CONC" "${urls[@]}"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); logs in $WORK"
