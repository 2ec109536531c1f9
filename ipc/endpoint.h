/* The ZeroMQ endpoints the bridge binds (events, commands): parsed at the
 * config line, so that a bad port or a missing address is refused there;
 * compared, so that two sockets are never given one address; and judged,
 * so that plain sockets are only ever reachable from this machine. One
 * parser for all three.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Room for a Unix socket path (struct sockaddr_un.sun_path) and a host. */
#define TB_ENDPOINT_PATH_MAX 108
#define TB_ENDPOINT_HOST_MAX 256

struct tb_endpoint {
	bool ipc;				/* ipc://PATH, else tcp://HOST:PORT */
	char host[TB_ENDPOINT_HOST_MAX];	/* tcp: as given, without [ ] */
	int port;				/* tcp: 1-65535; 0 for any free port (0 or *) */
	char path[TB_ENDPOINT_PATH_MAX];	/* ipc: as given ("*": a fresh one) */
};

/* Parse a bind endpoint: tcp://HOST:PORT, HOST an address, [IPv6 address],
 * interface or host name, or * (every interface); PORT 1-65535, or 0 or *
 * for any free port. Or ipc://PATH (a Unix socket; * for a fresh one).
 * Returns 0, or -EINVAL with why (why_len bytes) saying what is wrong, e.g.
 * "port 99999 is not 1-65535 (or * for any free port)". */
int tb_endpoint_parse(const char *s, struct tb_endpoint *ep, char *why, size_t why_len);

/* Would binding both collide: the same Unix socket path (the second bind
 * takes it over and the first socket is unreachable), or the same tcp port
 * on addresses that overlap (the same address, localhost and a loopback
 * address, or either every interface)? Any-free-port binds never do.
 * Paths are compared with their folder resolved if it exists. */
bool tb_endpoint_clash(const struct tb_endpoint *a, const struct tb_endpoint *b);

/* As tb_endpoint_clash() for a tcp endpoint and a listening address and
 * port given apart (the telnet VTY's). */
bool tb_endpoint_clash_tcp(const struct tb_endpoint *a, const char *host, int port);

/* True when endpoint can only be reached from this machine: ipc://,
 * inproc://, tcp:// on 127.0.0.0/8, ::1 or "localhost". A bridge without
 * CURVE refuses to bind anything else unless its config says `insecure`. */
bool tb_endpoint_is_local(const char *endpoint);
