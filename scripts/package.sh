#!/bin/bash
# `make package`: the Debian package tetra-bridge_<version>_<arch>.deb in OUT
# (default build/package), built with dpkg-buildpackage from debian/.
#
#   scripts/package.sh [OUT]
#
# dpkg-buildpackage builds in the source tree and writes its results next
# to it (..), so the tree is copied first: the files git knows (tracked or
# new, not ignored; or everything but build/ and .git outside a git work
# tree) go to OUT/src/tetra-bridge-<version>/, whose parent then gets the
# .deb. debian/changelog is written there from the VERSION file, the one
# place the version is said.
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-"$SRC/build/package"}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
VERSION=$(head -n 1 "$SRC/VERSION")
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
TREE="$OUT/src/tetra-bridge-$VERSION"

rm -rf "$OUT/src"
mkdir -p "$TREE"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$TREE"
else
	(cd "$SRC" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$TREE"
fi

# The date of the last commit (or now): the same tree gives the same package.
if DATE=$(git -C "$SRC" log -1 --format=%cD 2>/dev/null) && [ -n "$DATE" ]; then :; else DATE=$(date -R); fi
cat > "$TREE/debian/changelog" <<EOF
tetra-bridge ($VERSION) unstable; urgency=medium

  * Release $VERSION (see README.md).

 -- tetra-bridge maintainers <maintainers@tetra-bridge.example>  $DATE
EOF

JOBS=$(nproc)
(cd "$TREE" && DEB_BUILD_OPTIONS="parallel=$JOBS noautodbgsym${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
	dpkg-buildpackage -us -uc -b) > "$OUT/build.log" 2>&1 || {
	tail -n 40 "$OUT/build.log" >&2
	echo "package: dpkg-buildpackage failed; the whole log is $OUT/build.log" >&2
	exit 1
}
DEB="tetra-bridge_${VERSION}_${ARCH}.deb"
rm -f "$OUT"/*.deb "$OUT"/*.changes "$OUT"/*.buildinfo
mv "$OUT/src/$DEB" "$OUT/src"/*.changes "$OUT/src"/*.buildinfo "$OUT/"
rm -rf "$OUT/src"
echo "$OUT/$DEB"
