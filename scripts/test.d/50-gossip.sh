#!/usr/bin/env bash
# Gossip membership with real `solarb gossip run` processes (issue 10, docs/gossip.md):
#   1. SIGKILL one of 5 → every survivor marks it dead; p99 over trials must be ≤ 3 s.
#      The killed member is restarted each trial and must rejoin with a higher incarnation.
#   2. 1 % datagram loss + one member paused 300 ms every 5 s (SIGSTOP/SIGCONT) → no healthy member declared dead.
#   3. A 2|3 partition heals → every view is all-alive again within 5 s.
# Fault injection, best available (the script prints which it used):
#   netns + iptables (root): each node in its own network namespace on a private bridge; loss is an iptables
#     `statistic --probability 0.01 … DROP` rule in every namespace, the partition is `-s <other side> -j DROP`.
#   netns without iptables: the partition moves two veths to a second bridge; loss uses the in-process hook.
#   loopback (not root): nodes share 127.0.0.1; loss and partition use the UDP shell's in-process test hooks
#     (--fault-drop-rate, --fault-block-file), which drop inbound datagrams before authentication.
# Knobs: GOSSIP_TRIALS (default 12), GOSSIP_PAUSE_SECS (default 30), GOSSIP_MODE=netns|loopback, GOSSIP_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="$(swift build --show-bin-path)/solarb"
[ -x "$BIN" ] || swift build --product solarb >/dev/null
TRIALS=${GOSSIP_TRIALS:-12}
PAUSE_SECS=${GOSSIP_PAUSE_SECS:-30}
WORK=$(mktemp -d /tmp/solarb-gossip.XXXXXX)
KEY=$WORK/cluster.key
"$BIN" gossip keygen --out "$KEY" >/dev/null
N=5
NS=gsp$$
PORT_BASE=$((20000 + ($$ % 20000)))

MODE=loopback
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "$NS-probe" 2>/dev/null; then
    ip netns del "$NS-probe"
    MODE=netns
fi
MODE=${GOSSIP_MODE:-$MODE}
IPT=0

declare -a PIDS
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -CONT "$p" 2>/dev/null; [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
    if [ "$MODE" = netns ]; then
        for i in $(seq 1 $N) br; do ip netns del "$NS-$i" 2>/dev/null || true; done
    fi
    [ "${GOSSIP_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

addr() { if [ "$MODE" = netns ]; then echo "10.77.0.$1:7946"; else echo "127.0.0.1:$((PORT_BASE + $1))"; fi; }
PEERS=$(for i in $(seq 1 $N); do addr "$i"; done | paste -sd, -)

setup_netns() {
    ip netns add "$NS-br" || return 1
    for b in br0 br1; do ip -n "$NS-br" link add $b type bridge && ip -n "$NS-br" link set $b up || return 1; done
    for i in $(seq 1 $N); do
        ip netns add "$NS-$i" &&
            ip link add "v$$-$i" netns "$NS-br" type veth peer name eth0 netns "$NS-$i" &&
            ip -n "$NS-br" link set "v$$-$i" master br0 up &&
            ip -n "$NS-$i" addr add "10.77.0.$i/24" dev eth0 &&
            ip -n "$NS-$i" link set eth0 up &&
            ip -n "$NS-$i" link set lo up || return 1
    done
}
if [ "$MODE" = netns ]; then
    if setup_netns; then
        command -v iptables >/dev/null && ip netns exec "$NS-1" iptables -S INPUT >/dev/null 2>&1 && IPT=1
    else
        echo "[gossip] network namespaces could not be set up; falling back to loopback"
        for i in $(seq 1 $N) br; do ip netns del "$NS-$i" 2>/dev/null || true; done
        MODE=loopback
        PEERS=$(for i in $(seq 1 $N); do addr "$i"; done | paste -sd, -)
    fi
fi
FAULTS="in-process hooks"
[ "$MODE" = netns ] && FAULTS="loss: in-process hook; partition: bridge split"
[ "$IPT" = 1 ] && FAULTS="iptables (loss: statistic match; partition: source DROP)"
echo "[gossip] mode=$MODE faults=$FAULTS trials=$TRIALS pause=${PAUSE_SECS}s work=$WORK"
ipt() { ip netns exec "$NS-$1" iptables "${@:2}"; }

now_ms() { date +%s%3N; }

# start_node I [extra args…]: (re)starts node I with a fresh log.
start_node() {
    local i=$1; shift
    [ -f "$WORK/n$i.log" ] && cat "$WORK/n$i.log" >> "$WORK/n$i.history"
    : > "$WORK/n$i.log"
    local extra=()
    [ "$MODE" = loopback ] && extra+=(--fault-block-file "$WORK/block$i")
    touch "$WORK/block$i"
    local cmd=("$BIN" gossip run --id "n$i" --bind "$(addr "$i")" --peers "$PEERS" --key-file "$KEY" "${extra[@]}" "$@")
    if [ "$MODE" = netns ]; then
        ip netns exec "$NS-$i" "${cmd[@]}" >> "$WORK/n$i.log" 2>&1 &
    else
        "${cmd[@]}" >> "$WORK/n$i.log" 2>&1 &
    fi
    PIDS[$i]=$!
}
stop_node() { kill -9 "${PIDS[$1]}" 2>/dev/null || true; wait "${PIDS[$1]}" 2>/dev/null || true; PIDS[$1]=""; }
start_all() { for i in $(seq 1 $N); do start_node "$i" "$@"; done; }
stop_all() { for i in $(seq 1 $N); do stop_node "$i"; done; }

# latest OBS MEMBER → "status inc" from the observer's log (empty if never seen).
latest() {
    awk -v m="n$2" '$3 == "member" && $4 == m { split($6, a, "->"); s = a[2]; inc = substr($7, 5) } END { if (s != "") print s, inc }' \
        "$WORK/n$1.log"
}
# all_alive [EXCEPT]: every running node sees every other running node alive.
all_alive() {
    local except=${1:-0}
    for i in $(seq 1 $N); do
        [ "$i" = "$except" ] && continue
        for j in $(seq 1 $N); do
            [ "$i" = "$j" ] || [ "$j" = "$except" ] && continue
            [ "$(latest "$i" "$j" | cut -d' ' -f1)" = alive ] || return 1
        done
    done
}
wait_for() {  # wait_for TIMEOUT_MS CMD… → 0 when CMD succeeds in time
    local deadline=$(($(now_ms) + $1)); shift
    until "$@"; do
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}
percentile() {  # percentile P FILE → nearest-rank percentile of the numbers in FILE
    sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { r = int(p * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}
fail=0

# ---- 1. SIGKILL detection + restart with a higher incarnation ----
start_all
wait_for 20000 all_alive || { echo "FAIL: cluster did not form"; tail -5 "$WORK"/n*.log; exit 1; }
: > "$WORK/detect-all.txt"; : > "$WORK/detect-each.txt"
for t in $(seq 1 "$TRIALS"); do
    v=$(( (t - 1) % N + 1 ))
    wait_for 15000 all_alive || { echo "FAIL: not converged before trial $t"; fail=1; break; }
    sleep "0.$((RANDOM % 200 + 100))"
    kill_ms=$(now_ms)
    stop_node "$v"
    dead_all() {
        for i in $(seq 1 $N); do
            [ "$i" = "$v" ] && continue
            [ "$(latest "$i" "$v" | cut -d' ' -f1)" = dead ] || return 1
        done
    }
    if ! wait_for 10000 dead_all; then
        echo "FAIL: trial $t: n$v not marked dead by every survivor within 10 s"; fail=1
    fi
    worst=0
    for i in $(seq 1 $N); do
        [ "$i" = "$v" ] && continue
        ts=$(awk -v m="n$v" -v k="$kill_ms" '$1 >= k && $3 == "member" && $4 == m && $6 ~ /->dead/ { print $1; exit }' "$WORK/n$i.log")
        [ -n "$ts" ] || continue
        d=$((ts - kill_ms)); echo "$d" >> "$WORK/detect-each.txt"; [ "$d" -gt "$worst" ] && worst=$d
    done
    echo "$worst" >> "$WORK/detect-all.txt"
    dead_inc=$(latest $(( v % N + 1 )) "$v" | cut -d' ' -f2)
    start_node "$v"
    rejoined() {
        for i in $(seq 1 $N); do
            [ "$i" = "$v" ] && continue
            set -- $(latest "$i" "$v")
            [ "${1:-}" = alive ] && [ "${2:-0}" -gt "$dead_inc" ] || return 1
        done
    }
    if wait_for 10000 rejoined; then
        echo "[gossip] trial $t: killed n$v, all survivors had it dead after ${worst} ms; rejoined with incarnation $(latest $(( v % N + 1 )) "$v" | cut -d' ' -f2) > $dead_inc"
    else
        echo "FAIL: trial $t: restarted n$v did not rejoin with an incarnation above $dead_inc"; fail=1
    fi
done
p50=$(percentile 0.5 "$WORK/detect-all.txt"); p99=$(percentile 0.99 "$WORK/detect-all.txt")
each99=$(percentile 0.99 "$WORK/detect-each.txt")
echo "[gossip] SIGKILL → all survivors mark dead: trials=$(wc -l < "$WORK/detect-all.txt") p50=${p50} ms p99=${p99} ms (per survivor p99=${each99} ms)"
[ "$p99" -le 3000 ] || { echo "FAIL: detection p99 ${p99} ms > 3000 ms"; fail=1; }
stop_all

# ---- 2. 1 % loss + a member paused 300 ms every 5 s: no false dead ----
if [ "$IPT" = 1 ]; then
    start_all
    for i in $(seq 1 $N); do ipt "$i" -A INPUT -p udp -m statistic --mode random --probability 0.01 -j DROP; done
else
    start_all --fault-drop-rate 0.01
fi
wait_for 20000 all_alive || { echo "FAIL: lossy cluster did not form"; fail=1; }
start_ms=$(now_ms)
end=$((start_ms + PAUSE_SECS * 1000)); pauses=0
while [ "$(now_ms)" -lt "$end" ]; do
    kill -STOP "${PIDS[3]}"; sleep 0.3; kill -CONT "${PIDS[3]}"; pauses=$((pauses + 1))
    sleep 4.7
done
false_dead=$(cat "$WORK"/n*.log | awk -v s="$start_ms" '$1 >= s && $6 ~ /->dead/' | wc -l)
suspects=$(cat "$WORK"/n*.log | awk -v s="$start_ms" '$1 >= s && $6 ~ /->suspect/' | wc -l)
echo "[gossip] 1% loss + n3 paused 300 ms ×$pauses over ${PAUSE_SECS}s: false dead=$false_dead suspicions=$suspects (refuted)"
[ "$false_dead" -eq 0 ] || { echo "FAIL: healthy members declared dead"; cat "$WORK"/n*.log | awk -v s="$start_ms" '$1 >= s && $6 ~ /->dead/'; fail=1; }
stop_all
if [ "$IPT" = 1 ]; then
    dropped=$(for i in $(seq 1 $N); do ipt "$i" -L INPUT -v -x -n | awk '/statistic/ { print $1 }'; done | awk '{ s += $1 } END { print s + 0 }')
    echo "[gossip] iptables dropped $dropped datagrams"
    for i in $(seq 1 $N); do ipt "$i" -F INPUT; done
fi

# ---- 3. partition {1,2} | {3,4,5}, then heal ----
start_all
wait_for 20000 all_alive || { echo "FAIL: cluster did not form before partition"; fail=1; }
side() { [ "$1" -le 2 ] && echo A || echo B; }
if [ "$IPT" = 1 ]; then
    for i in $(seq 1 $N); do
        for j in $(seq 1 $N); do [ "$(side "$i")" != "$(side "$j")" ] && ipt "$i" -A INPUT -s "10.77.0.$j" -j DROP; done
    done
elif [ "$MODE" = netns ]; then
    for i in 1 2; do ip -n "$NS-br" link set "v$$-$i" master br1; done
else
    for i in $(seq 1 $N); do
        for j in $(seq 1 $N); do [ "$(side "$i")" != "$(side "$j")" ] && addr "$j"; done > "$WORK/block$i"
    done
fi
split_seen() {
    for i in $(seq 1 $N); do
        for j in $(seq 1 $N); do
            [ "$(side "$i")" = "$(side "$j")" ] && continue
            [ "$(latest "$i" "$j" | cut -d' ' -f1)" = dead ] || return 1
        done
    done
}
if wait_for 15000 split_seen; then
    echo "[gossip] partition 2|3: each side declared the other dead"
else
    echo "FAIL: partition not detected on both sides"; fail=1
fi
heal_ms=$(now_ms)
if [ "$IPT" = 1 ]; then
    for i in $(seq 1 $N); do ipt "$i" -F INPUT; done
elif [ "$MODE" = netns ]; then
    for i in 1 2; do ip -n "$NS-br" link set "v$$-$i" master br0; done
else
    for i in $(seq 1 $N); do : > "$WORK/block$i"; done
fi
if wait_for 15000 all_alive; then
    last=$(cat "$WORK"/n*.log | awk -v s="$heal_ms" '$1 >= s && $6 ~ /->alive/ { if ($1 > m) m = $1 } END { printf "%.0f\n", m }')
    reconverge=$((last - heal_ms))
    echo "[gossip] partition healed: all views all-alive after ${reconverge} ms"
    [ "$reconverge" -le 5000 ] || { echo "FAIL: reconvergence ${reconverge} ms > 5000 ms"; fail=1; }
else
    echo "FAIL: views did not reconverge within 15 s"; fail=1
fi
stop_all

# A view query works against a running cluster.
start_all
wait_for 20000 all_alive || true
if [ "$MODE" = netns ]; then
    ip netns exec "$NS-2" "$BIN" gossip view --target "$(addr 2)" --key-file "$KEY"
else
    "$BIN" gossip view --target "$(addr 2)" --key-file "$KEY"
fi
grep -q "$(tr -d '\n' < "$KEY")" "$WORK"/n*.log && { echo "FAIL: key material in logs"; fail=1; }
stop_all
[ "$fail" = 0 ] && echo "[gossip] OK ($MODE)" || echo "[gossip] FAILED ($MODE)"
exit $fail
