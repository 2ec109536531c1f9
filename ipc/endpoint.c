/* The ZeroMQ endpoints the config binds (see endpoint.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "ipc/endpoint.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "*", "0" or 1-65535 in decimal; -1 if it is none of them. */
static int parse_port(const char *p)
{
	long v = 0;

	if (!strcmp(p, "*"))
		return 0;
	if (!*p || strlen(p) > 5)
		return -1;
	for (const char *c = p; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v <= 65535 ? (int)v : -1;
}

static int parse_tcp(const char *s, struct tb_endpoint *ep, char *why, size_t why_len)
{
	char buf[TB_ENDPOINT_HOST_MAX + 8];
	char *host, *port;
	struct in6_addr a6;

	if (strlen(s) >= sizeof(buf))
		return fail(why, why_len, "it is too long for an address and a port");
	strcpy(buf, s);
	if (strchr(buf, ';'))
		return fail(why, why_len, "it names two addresses; a socket binds one address and port");
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return fail(why, why_len, "the address opens a [ that is not closed");
		*close = '\0';
		host = buf + 1;
		if (close[1] != ':')
			return fail(why, why_len, "it has no port: tcp://[ADDRESS]:PORT");
		port = close + 2;
		if (strcmp(host, "*") && inet_pton(AF_INET6, host, &a6) != 1)
			return fail(why, why_len, "[%s] is not an IPv6 address", host);
	} else {
		port = strrchr(buf, ':');
		if (!port)
			return fail(why, why_len, "it has no port: tcp://ADDRESS:PORT");
		*port++ = '\0';
		host = buf;
		if (strchr(host, ':'))
			return fail(why, why_len, "an IPv6 address goes in brackets, e.g. tcp://[%s]:5560", host);
	}
	if (!*host)
		return fail(why, why_len, "it has no address: tcp://ADDRESS:PORT (* for every interface)");
	if (strlen(host) >= sizeof(ep->host))
		return fail(why, why_len, "its address is longer than %zu characters", sizeof(ep->host) - 1);
	ep->port = parse_port(port);
	if (ep->port < 0)
		return fail(why, why_len, "port %s is not 1-65535 (or * for any free port)", port);
	memcpy(ep->host, host, strlen(host) + 1);	/* its length is checked above */
	return 0;
}

int tb_endpoint_parse(const char *s, struct tb_endpoint *ep, char *why, size_t why_len)
{
	memset(ep, 0, sizeof(*ep));
	if (!strncmp(s, "tcp://", 6))
		return parse_tcp(s + 6, ep, why, why_len);
	if (strncmp(s, "ipc://", 6))
		return fail(why, why_len, "it must start with tcp:// or ipc://");
	ep->ipc = true;
	s += 6;
	if (!*s)
		return fail(why, why_len, "it has no path, e.g. ipc:///run/tetra-bridge/events");
	if (strlen(s) >= sizeof(ep->path)) {
		return fail(why, why_len, "the path is %zu bytes long; a Unix socket's may have at most %zu",
			    strlen(s), sizeof(ep->path) - 1);
	}
	strcpy(ep->path, s);
	return 0;
}

/* The path with its folder resolved (symbolic links, "..", "//"), when
 * the folder exists; as given otherwise. */
static void canonical_path(const char *path, char *out, size_t n)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	snprintf(out, n, "%s", path);
	if (path[0] == '@')
		return;		/* Linux abstract namespace: no file */
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (realpath(dir, real))
		snprintf(out, n, "%s/%s", strcmp(real, "/") ? real : "", base);
}

static bool host_is_any(const char *h)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcmp(h, "*"))
		return true;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return a4.s_addr == htonl(INADDR_ANY);
	return inet_pton(AF_INET6, h, &a6) == 1 && IN6_IS_ADDR_UNSPECIFIED(&a6);
}

/* The address a host names, as text in one spelling ("localhost" as the
 * loopback address; names as given, lower case). */
static void host_key(const char *h, char *out, size_t n)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (!strcasecmp(h, "localhost"))
		h = "127.0.0.1";
	if (inet_pton(AF_INET, h, a) == 1)
		inet_ntop(AF_INET, a, out, n);
	else if (inet_pton(AF_INET6, h, a) == 1)
		inet_ntop(AF_INET6, a, out, n);
	else {
		snprintf(out, n, "%s", h);
		for (char *c = out; *c; c++)
			*c = tolower((unsigned char)*c);
	}
}

static bool hosts_overlap(const char *a, const char *b)
{
	char ka[TB_ENDPOINT_HOST_MAX], kb[TB_ENDPOINT_HOST_MAX];

	if (host_is_any(a) || host_is_any(b))
		return true;
	host_key(a, ka, sizeof(ka));
	host_key(b, kb, sizeof(kb));
	if (!strcmp(ka, kb))
		return true;
	/* localhost may also be the IPv6 loopback address */
	return (!strcasecmp(a, "localhost") && !strcmp(kb, "::1")) ||
	       (!strcasecmp(b, "localhost") && !strcmp(ka, "::1"));
}

bool tb_endpoint_clash_tcp(const struct tb_endpoint *a, const char *host, int port)
{
	if (a->ipc || !a->port || port <= 0 || a->port != port)
		return false;
	return hosts_overlap(a->host, host);
}

bool tb_endpoint_clash(const struct tb_endpoint *a, const struct tb_endpoint *b)
{
	char pa[PATH_MAX + TB_ENDPOINT_PATH_MAX], pb[PATH_MAX + TB_ENDPOINT_PATH_MAX];

	if (a->ipc != b->ipc)
		return false;
	if (!a->ipc)
		return b->port && tb_endpoint_clash_tcp(a, b->host, b->port);
	if (!strcmp(a->path, "*") || !strcmp(b->path, "*"))
		return false;
	canonical_path(a->path, pa, sizeof(pa));
	canonical_path(b->path, pb, sizeof(pb));
	return !strcmp(pa, pb);
}

static bool host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcasecmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		/* ::ffff:127.x.x.x */
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return false;	/* "*", 0.0.0.0, interface names, other hosts */
}

bool tb_endpoint_is_local(const char *endpoint)
{
	struct tb_endpoint ep;
	char why[160];

	if (!endpoint)
		return false;
	if (!strncmp(endpoint, "inproc://", 9))
		return true;
	/* ws, tls, pgm, udp, "source;dest" ...: treated as reachable from outside. */
	if (tb_endpoint_parse(endpoint, &ep, why, sizeof(why)) < 0)
		return false;
	return ep.ipc || host_is_loopback(ep.host);
}
