#!/bin/sh
# `make run`: the daemon on examples/demo.cfg with three simulated radios,
# and its events shown live by `tetractl watch` until Ctrl-C.
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(pwd)
LOG="$BUILD/demo-daemon.log"
# A fresh journal for every demo (the daemon keeps it in ./var of its
# working directory), so `watch --from 1` shows this run from its first
# event, the radios coming online included.
STATE="$BUILD/demo-state"
rm -rf "$STATE"
mkdir -p "$STATE"

"$BUILD/tools/tetractl" watch --events tcp://127.0.0.1:5560 --commands tcp://127.0.0.1:5561 --from 1 &
WATCH=$!
(cd "$STATE" && exec "$BUILD/bridge/tetra-bridged" -c "$SRC/examples/demo.cfg") 2>"$LOG" &
DAEMON=$!

stop() {
	trap - INT TERM EXIT
	kill "$WATCH" "$DAEMON" 2>/dev/null
	wait "$DAEMON" 2>/dev/null
	echo
	echo "demo stopped; daemon log: $LOG"
	exit "${1:-0}"
}
trap 'stop 0' INT TERM EXIT

echo "tetra-bridged is running on examples/demo.cfg (daemon log: $LOG)."
echo "Events from three simulated radios follow; Ctrl-C stops the demo."
echo "Meanwhile, try: telnet 127.0.0.1 4270, then 'show radios'."
echo
# If the daemon dies (say the port is taken), say why and stop.
wait "$DAEMON"
echo "tetra-bridged exited:" >&2
tail -n 5 "$LOG" >&2
stop 1
