/* The routes tetra-web answers itself (the page's files are lws mounts):
 *   /api/login, /api/logout, /api/session, /api/config, /api/action
 *   (web/api.c), and /healthz, /metrics (web/health_http.c).
 * The requests and answers are in docs/web.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

struct tw_req;

/* Each answers r now or later (tw_req_respond*, web/http_server.h). */
void tw_api_handle(struct tw_req *r);
void tw_health_handle(struct tw_req *r);
