/* /api/login, /api/logout, /api/session, /api/config, /api/action
 * (api.h; the shapes are in docs/web.md).
 *
 * An action is checked before anything is sent: a session (401), its
 * CSRF token (403), one of the page's actions (400), the role may run it
 * (tb_command_allowed, 403), a body that is a Command (400). Then it goes
 * to the bridge with the person as the Actor, and the HTTP answer waits
 * for the bridge's Reply; a browser that leaves first cancels the wait.
 * Logged at INFO: user, address, bridge, command, request id, result code
 * (never the command's texts or identities).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/api.h"

#include <string.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "ipc/command_server.h"
#include "ipc/pb_json.h"
#include "web/bridge_link.h"
#include "web/http_server.h"
#include "web/login_limit.h"
#include "web/session.h"
#include "web/users.h"

/* The actions the page offers (the Command oneof's JSON names). */
static const struct {
	const char *json;
	Tetrabridge__V1__Command__CommandCase c;
} actions[] = {
	{ "sendStatus", TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS },
	{ "sendText", TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT },
	{ "calloutCreate", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE },
	{ "calloutCancel", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL },
	{ "calloutAdd", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD },
	{ "calloutRealert", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT },
	{ "calloutSet", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET },
	{ "calloutClose", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE },
	{ "calloutAck", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK },
	{ "calloutShow", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW },
	{ "calloutBoard", TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD },
};

static json_t *session_json(const struct tw_server *srv, const struct tw_session *ss)
{
	return json_pack("{s:s, s:s, s:s, s:I}", "user", ss->user, "role", tb_role_name(ss->role), "csrf", ss->csrf,
			 "idleTimeout", (json_int_t)srv->cfg->idle_s);
}

/* The session, touched (a person's request), or a 401 answer. */
static struct tw_session *need_session(struct tw_req *r)
{
	struct tw_session *ss = tw_req_session(r->srv, r->wsi, true);

	if (!ss)
		tw_req_error(r, 401, "not signed in, or the session has ended; sign in again");
	return ss;
}

static bool csrf_ok(struct tw_req *r, const struct tw_session *ss)
{
	char token[128];

	if (tw_session_csrf_ok(ss, tw_req_custom_header(r->wsi, "x-csrf-token:", token, sizeof(token))))
		return true;
	tw_req_error(r, 403, "the request has no valid X-CSRF-Token; reload the page");
	return false;
}

static json_t *body_json(struct tw_req *r)
{
	json_t *j = r->body ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (!json_is_object(j)) {
		json_decref(j);
		tw_req_error(r, 400, "the body is not a JSON object");
		return NULL;
	}
	return j;
}

/* ---- sign-in ---------------------------------------------------------------- */

/* The name a failed sign-in is logged under: a listed user's, else none (a
 * name nobody has may be a password typed into the wrong field). */
static const char *logged_name(const struct tw_server *srv, const char *user)
{
	return tw_users_listed(srv->users, user) ? user : "(a name not in the users file)";
}

static void login(struct tw_req *r)
{
	struct tw_server *srv = r->srv;
	json_t *j = body_json(r);
	const char *user, *password;
	struct tw_session *ss;
	enum tb_role role;
	unsigned wait;

	if (!j)
		return;
	user = json_string_value(json_object_get(j, "user"));
	password = json_string_value(json_object_get(j, "password"));
	if (!user || !password) {
		tw_req_error(r, 400, "give \"user\" and \"password\"");
		goto out;
	}
	wait = tw_login_limit_wait(srv->limit, user, r->addr);
	if (wait) {
		json_t *e = json_pack("{s:s, s:I}", "error", "too many failed sign-ins; wait and try again",
				      "retryAfter", (json_int_t)wait);

		srv->counters.logins_limited++;
		r->retry_after = talloc_asprintf(r, "%u", wait);
		LOGP(DWEB, LOGL_NOTICE, "sign-in of %s from %s refused: too many failures, %u s to wait\n",
		     logged_name(srv, user), r->addr, wait);
		tw_req_respond_json(r, 429, e);
		goto out;
	}
	role = tw_users_verify(srv->users, user, password);
	if (role == TB_ROLE_NONE) {
		srv->counters.logins_failed++;
		tw_login_limit_failed(srv->limit, user, r->addr);
		LOGP(DWEB, LOGL_NOTICE, "sign-in of %s from %s failed\n", logged_name(srv, user), r->addr);
		tw_req_error(r, 401, "wrong user name or password");
		goto out;
	}
	tw_login_limit_succeeded(srv->limit, user, r->addr);
	ss = tw_session_new(srv->sessions, user, role);
	if (!ss) {
		tw_req_error(r, 500, "out of memory");
		goto out;
	}
	srv->counters.logins_ok++;
	r->set_cookie = talloc_asprintf(r, "tw_session=%s; Path=/; HttpOnly; Secure; SameSite=Strict", ss->id);
	LOGP(DWEB, LOGL_INFO, "%s (%s) signed in from %s\n", ss->user, tb_role_name(role), r->addr);
	tw_req_respond_json(r, 200, session_json(srv, ss));
out:
	json_decref(j);
}

static void logout(struct tw_req *r)
{
	struct tw_session *ss = need_session(r);

	if (!ss || !csrf_ok(r, ss))
		return;
	LOGP(DWEB, LOGL_INFO, "%s signed out from %s\n", ss->user, r->addr);
	tw_session_end(r->srv->sessions, ss);
	/* The cookie goes too (it would only be refused). */
	r->set_cookie = talloc_strdup(r, "tw_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
	r->no_store = true;
	tw_req_respond(r, 204, NULL, NULL, 0);
}

static void session(struct tw_req *r)
{
	struct tw_session *ss = need_session(r);

	if (ss)
		tw_req_respond_json(r, 200, session_json(r->srv, ss));
}

static void config(struct tw_req *r)
{
	const struct tw_web_config *c = r->srv->cfg;
	json_t *bridges;

	if (!need_session(r))
		return;
	bridges = json_array();
	for (unsigned i = 0; i < c->n_bridges; i++)
		json_array_append_new(bridges, json_string(c->bridges[i]->name));
	tw_req_respond_json(r, 200, json_pack("{s:s, s:o, s:s}", "tileServer", c->tile_server ? c->tile_server : "",
					      "bridges", bridges, "lang", "nb"));
}

/* ---- actions ------------------------------------------------------------------ */

struct action {
	struct tw_bridge_link *link;
	uint64_t id;			/* for tw_bridge_link_cancel */
	const char *command;		/* tb_command_name */
	char user[64];
};

static void action_cancel(struct tw_req *r)
{
	struct action *a = r->pending;

	LOGP(DWEB, LOGL_INFO, "action %s by %s from %s on %s: the browser left before the reply\n", a->command,
	     a->user, r->addr, tw_bridge_link_name(a->link));
	tw_bridge_link_cancel(a->link, a->id);
}

/* {"code":..., "error":..., "result":{<the result oneof>}} from the Reply. */
static json_t *reply_json(const Tetrabridge__V1__Reply *reply)
{
	json_t *full = tb_pb_to_json(&reply->base);
	json_t *result = json_object();
	const char *key;
	json_t *v;

	if (!full || !result) {
		json_decref(full);
		json_decref(result);
		return NULL;
	}
	json_object_foreach(full, key, v) {
		if (strcmp(key, "requestId") && strcmp(key, "code") && strcmp(key, "error"))
			json_object_set(result, key, v);
	}
	v = json_pack("{s:O, s:O, s:o}", "code", json_object_get(full, "code"), "error",
		      json_object_get(full, "error"), "result", result);
	json_decref(full);
	return v;
}

static void action_reply(const Tetrabridge__V1__Reply *reply, const char *why, void *data)
{
	struct tw_req *r = data;
	struct tw_server *srv = r->srv;
	struct action *a = r->pending;
	const char *bridge = tw_bridge_link_name(a->link);

	r->cancel = NULL;
	if (!reply) {
		bool connected = tw_bridge_link_connected(a->link);

		srv->counters.actions_failed++;
		LOGP(DWEB, LOGL_INFO, "action %s by %s from %s on %s: no reply (%s)\n", a->command, a->user, r->addr,
		     bridge, why ? why : "?");
		tw_req_error(r, connected ? 504 : 502, why ? why : "the bridge did not answer");
		return;
	}
	srv->counters.actions[reply->code < TW_ACTION_CODES ? reply->code : TW_ACTION_CODES]++;
	LOGP(DWEB, LOGL_INFO, "action %s by %s from %s on %s: request %" PRIu64 " %s\n", a->command, a->user,
	     r->addr, bridge, reply->request_id,
	     protobuf_c_enum_descriptor_get_value(&tetrabridge__v1__reply__code__descriptor, reply->code)
		     ? protobuf_c_enum_descriptor_get_value(&tetrabridge__v1__reply__code__descriptor, reply->code)->name
		     : "?");
	tw_req_respond_json(r, 200, reply_json(reply));
}

static void refuse(struct tw_req *r, unsigned status, const char *why)
{
	r->srv->counters.actions_refused++;
	tw_req_error(r, status, why);
}

static void action(struct tw_req *r)
{
	struct tw_server *srv = r->srv;
	struct tw_session *ss = need_session(r);
	struct tw_bridge_link *link = NULL;
	Tetrabridge__V1__Command *cmd = NULL;
	Tetrabridge__V1__Actor actor = TETRABRIDGE__V1__ACTOR__INIT;
	const char *bridge, *key = NULL, *why = NULL;
	Tetrabridge__V1__Command__CommandCase want = TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET;
	json_t *j, *command, *v;
	struct action *a;
	char errmsg[256] = "";

	if (!ss) {
		srv->counters.actions_refused++;
		return;
	}
	if (!csrf_ok(r, ss)) {
		srv->counters.actions_refused++;
		LOGP(DWEB, LOGL_NOTICE, "action by %s from %s refused: no valid CSRF token\n", ss->user, r->addr);
		return;
	}
	j = body_json(r);
	if (!j) {
		srv->counters.actions_refused++;
		return;
	}
	bridge = json_string_value(json_object_get(j, "bridge"));
	command = json_object_get(j, "command");
	for (unsigned i = 0; bridge && i < srv->n_links; i++) {
		if (!strcmp(tw_bridge_link_name(srv->links[i]), bridge))
			link = srv->links[i];
	}
	if (!link) {
		refuse(r, 400, "give \"bridge\", the name of a bridge on the board");
		goto out;
	}
	if (!json_is_object(command) || json_object_size(command) != 1) {
		refuse(r, 400, "give \"command\" with one action in it, e.g. {\"calloutAck\":{\"id\":\"7\"}}");
		goto out;
	}
	json_object_foreach(command, key, v) {
		for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
			if (!strcmp(key, actions[i].json))
				want = actions[i].c;
		}
	}
	if (want == TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET) {
		refuse(r, 400, "that is not an action tetra-web offers");
		goto out;
	}
	if (!tb_command_allowed(ss->role, want)) {
		LOGP(DWEB, LOGL_NOTICE, "action %s by %s (%s) from %s on %s refused: the role may not\n",
		     tb_command_name(want), ss->user, tb_role_name(ss->role), r->addr, bridge);
		refuse(r, 403, "your role may not do this");
		goto out;
	}
	cmd = (Tetrabridge__V1__Command *)tb_pb_from_json(&tetrabridge__v1__command__descriptor, command, errmsg,
							       sizeof(errmsg));
	if (!cmd || cmd->command_case != want || cmd->on_behalf_of) {
		refuse(r, 400, *errmsg ? errmsg : "the command is not a valid Command");
		goto out;
	}
	a = talloc_zero(r, struct action);
	a->link = link;
	a->command = tb_command_name(want);
	snprintf(a->user, sizeof(a->user), "%s", ss->user);
	actor.name = ss->user;
	actor.role = (Tetrabridge__V1__Role)ss->role;
	r->pending = a;
	r->cancel = action_cancel;
	a->id = tw_bridge_link_command(link, cmd, &actor, action_reply, r, &why);
	if (!a->id) {
		r->cancel = NULL;
		srv->counters.actions_failed++;
		LOGP(DWEB, LOGL_INFO, "action %s by %s from %s on %s: not sent (%s)\n", a->command, a->user, r->addr,
		     bridge, why ? why : "?");
		tw_req_error(r, 502, why ? why : "the bridge is not connected");
	}
out:
	if (cmd)
		protobuf_c_message_free_unpacked(&cmd->base, NULL);
	json_decref(j);
}

/* ---- routing --------------------------------------------------------------------- */

void tw_api_handle(struct tw_req *r)
{
	static const struct {
		const char *path;
		enum tw_method method;
		void (*fn)(struct tw_req *r);
	} routes[] = {
		{ "/api/login", TW_POST, login },   { "/api/logout", TW_POST, logout },
		{ "/api/session", TW_GET, session }, { "/api/config", TW_GET, config },
		{ "/api/action", TW_POST, action },
	};

	r->no_store = true;
	if (r->body_too_large)
		return;
	for (unsigned i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(r->path, routes[i].path))
			continue;
		if (r->method != routes[i].method) {
			tw_req_error(r, 405, routes[i].method == TW_POST ? "use POST" : "use GET");
			return;
		}
		routes[i].fn(r);
		return;
	}
	tw_req_error(r, 404, "no such API");
}
