#!/usr/bin/env bash
# Proxy latency with a real load generator (wrk): the echo backend of the
# proxy_latency example, measured directly and through the hyper_proxy example
# (examples/manifests/store.yaml, Gateway infra/edge, GET /cart/items with
# Host shop.store.example.com, routed to store/cart:8080), one after the other.
#
#   examples/bench-proxy.sh                   # wrk -t1 -c16 -d15s --latency
#   THREADS=2 CONNECTIONS=64 DURATION=30s examples/bench-proxy.sh
#
# Skips (exit 0) with a message when wrk is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-1}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-15s}"
BACKEND_ADDR="${BACKEND_ADDR:-127.0.0.1:19101}"
PROXY_ADDR="${PROXY_ADDR:-127.0.0.1:19180}"
HOST_HEADER="Host: shop.store.example.com"
PATH_Q="/cart/items"

if ! command -v wrk > /dev/null; then
    echo "skipped: wrk not found (Debian/Ubuntu: apt-get install -y wrk)"
    exit 0
fi

cargo build -q --release -p gateway-examples --example hyper_proxy --example proxy_latency
bin="${CARGO_TARGET_DIR:-target}/release/examples"

tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2> /dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

wait_port() {
    local host=${1%:*} port=${1##*:}
    for _ in $(seq 100); do
        if (exec 3<> "/dev/tcp/$host/$port") 2> /dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "error: nothing listens on $1" >&2
    exit 1
}

echo "store/cart:8080 = $BACKEND_ADDR" > "$tmp/backends.txt"
"$bin/proxy_latency" --serve-backend "$BACKEND_ADDR" &
pids+=($!)
"$bin/hyper_proxy" --gateway infra/edge --backends "$tmp/backends.txt" \
    --listen "80=$PROXY_ADDR" examples/manifests/store.yaml &
pids+=($!)
wait_port "$BACKEND_ADDR"
wait_port "$PROXY_ADDR"

run() {
    local name=$1 addr=$2
    echo
    echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -H '$HOST_HEADER' http://$addr$PATH_Q"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$HOST_HEADER" \
        "http://$addr$PATH_Q" | tee "$tmp/$name.txt"
    # Every answer must be the backend's 200: a 404/500 from the proxy would
    # measure the wrong thing.
    if grep -q 'Non-2xx or 3xx responses' "$tmp/$name.txt"; then
        echo "error: $name: non-2xx responses" >&2
        exit 1
    fi
}

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (cores: $(nproc))"
run direct "$BACKEND_ADDR"
run proxied "$PROXY_ADDR"

summary() {
    local file=$1
    printf '%-8s p50 %-9s p99 %-9s %s req/s\n' "$2" \
        "$(awk '$1 == "50%" {print $2}' "$file")" \
        "$(awk '$1 == "99%" {print $2}' "$file")" \
        "$(awk '/^Requests\/sec/ {print $2}' "$file")"
}
echo
echo "== summary (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, GET $PATH_Q)"
summary "$tmp/direct.txt" direct
summary "$tmp/proxied.txt" proxied
