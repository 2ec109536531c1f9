#!/bin/sh
# `make run`: the daemon on examples/demo.cfg with three simulated radios,
# its events shown live by `tetractl watch`, and the browser console
# (tetra-web) on https://127.0.0.1:8443/, until Ctrl-C.
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

# tetra-web on the demo bridge. Its certificate (self-signed, for
# 127.0.0.1 and localhost) and its one user, "lege" (dispatcher), are made
# on the first run and kept in $WEB, so the password stays the same.
WEB="$BUILD/demo-web"
WEB_LOG="$BUILD/demo-web.log"
WEB_URL="https://127.0.0.1:8443/"
mkdir -p "$WEB"
chmod 700 "$WEB"
if [ ! -s "$WEB/cert.pem" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
		-keyout "$WEB/key.pem" -out "$WEB/cert.pem" -subj "/CN=tetra-bridge demo" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null ||
		echo "could not make the demo's certificate (openssl)" >&2
fi
if [ ! -s "$WEB/users" ] || [ ! -s "$WEB/password" ]; then
	rm -f "$WEB/users"
	# 16 letters and digits, printed below: a demo password, not a real one.
	LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16 >"$WEB/password"
	"$BUILD/tools/tetractl" web-user add lege dispatcher --users "$WEB/users" --password-stdin \
		<"$WEB/password" >/dev/null
fi
cat >"$WEB/tetra-web.cfg" <<CFG
! Written by scripts/demo.sh for make run: the demo bridge, plain on
! loopback (no CURVE: tetra-web is a trusted local client there).
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging level all notice
 logging level web info
web
 listen 127.0.0.1 8443
 certificate cert.pem
 private-key key.pem
 users users
 static $SRC/web/static
bridge demo-legevakt
 events tcp://127.0.0.1:5560
 commands tcp://127.0.0.1:5561
CFG
"$BUILD/web/tetra-web" -c "$WEB/tetra-web.cfg" 2>"$WEB_LOG" &
WEBD=$!

stop() {
	trap - INT TERM EXIT
	kill "$WATCH" "$DAEMON" "$WEBD" 2>/dev/null
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
echo "The browser console: open $WEB_URL (the certificate is the demo's own,"
echo "self-signed: let the browser accept it) and sign in as lege, password"
echo "$(cat "$WEB/password") (tetra-web log: $WEB_LOG)."
echo
# The call-outs of the demo, in the background: once the daemon answers
# commands, a red call-out that runs its whole course (one nurse declines,
# one accepts, drives, is on scene and done) and one the doctor on call
# never answers, which escalates to Ambulanse 4 (which takes it); both
# are closed when their responders are done. The LVS doctor's radio plays the responders
# (examples/scenarios/lvs-doctor.scn); the timers are demo-short
# (examples/demo.cfg). It stops by itself when the daemon is gone.
demo_callouts() {
	ctl() { "$BUILD/tools/tetractl" "$@" --events tcp://127.0.0.1:5560 --commands tcp://127.0.0.1:5561; }
	# one second at a time, as long as the daemon and the demo run
	pause() {
		n=$1
		while [ "$n" -gt 0 ]; do
			kill -0 "$DAEMON" 2>/dev/null && kill -0 $$ 2>/dev/null || return 1
			sleep 1
			n=$((n - 1))
		done
	}
	tries=0
	until ctl radios --timeout 1 >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ "$tries" -lt 30 ] && pause 1 || return
	done
	pause 3 || return
	whole=$(ctl callout create lvs-doctor 1 "Brystsmerter, mann 70 år, Storgata 5 (demo)" 2004 2003 |
		sed -n '1s/^call-out \([0-9]*\):.*/\1/p')
	pause 5 || return
	nobody=$(ctl callout create lvs-doctor 1 "Tung pust, kvinne 84 år, Fjellveien 2 (demo)" 1002 |
		sed -n '1s/^call-out \([0-9]*\):.*/\1/p')
	pause 80 || return
	[ -n "$whole" ] && ctl callout close "$whole" treated
	[ -n "$nobody" ] && ctl callout close "$nobody" transported
}
demo_callouts >/dev/null 2>&1 &
echo "After a few seconds the demo creates two call-outs through lvs-doctor; follow"
echo "them here, or with '$BUILD/tools/tetractl callout board' in another terminal."
echo

# If the daemon dies (say the port is taken), say why and stop.
wait "$DAEMON"
echo "tetra-bridged exited:" >&2
tail -n 5 "$LOG" >&2
stop 1
