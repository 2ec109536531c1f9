#!/bin/sh
# Installs the Debian packages tetra-bridge needs to build, test and run.
# A machine that already has them all is not touched.
set -eu

# clang + libclang-rt-14-dev (libFuzzer, ASan/UBSan runtimes; only a
# Recommends of clang, so named here): `make test` builds with clang.
# libsystemd-dev: sd_notify and the journal log target. debhelper,
# fakeroot, lintian: `make package` and its tests; systemd
# (systemd-analyze), man-db: the unit's and the manuals' tests.
# libwebsockets (+ its libuv event-loop plugin), libuv, libjs-leaflet:
# tetra-web; chromium, chromium-driver, python3-selenium: its browser tests;
# python3-websocket: its WebSocket test.
PACKAGES="build-essential cmake pkg-config clang libclang-rt-14-dev
libwebsockets-dev libwebsockets-evlib-uv libuv1-dev libjs-leaflet
chromium chromium-driver python3-selenium
libosmocore-dev libtalloc-dev libusb-1.0-0-dev libzmq3-dev
libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev libjansson-dev
libsystemd-dev libcmocka-dev umockdev libumockdev-dev libsodium-dev
python3 python3-zmq python3-protobuf python3-websocket protobuf-compiler
debhelper fakeroot lintian systemd man-db"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "tetra-bridge: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "tetra-bridge: not root and no sudo; install these packages first:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing
