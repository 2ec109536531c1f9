// The HTTP API of tetra-web (/api/*). The session is the HttpOnly cookie
// the server set; actions carry the session's CSRF token in X-CSRF-Token.
//
// SPDX-License-Identifier: GPL-2.0-or-later

let csrf = '';
let onExpired = () => {};

// cb() is called when the server answers 401 to a request of a session
// that was signed in: the idle timeout or the lifetime ended it.
export function setExpiredHandler(cb) {
	onExpired = cb;
}

async function body(res) {
	const type = res.headers.get('Content-Type') || '';
	if (res.status === 204 || !type.includes('json'))
		return null;
	try {
		return await res.json();
	} catch {
		return null;
	}
}

function request(method, path, data) {
	const headers = { Accept: 'application/json' };
	const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
	if (data !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(data);
	}
	if (method !== 'GET' && csrf)
		headers['X-CSRF-Token'] = csrf;
	return fetch(path, init);
}

// {ok, status, data} for a login: data is the session (user, role, csrf,
// idleTimeout) on 200, or {error, retryAfter} otherwise. Throws on a network error.
export async function login(user, password) {
	const res = await request('POST', '/api/login', { user, password });
	const data = await body(res);
	if (res.ok && data)
		csrf = data.csrf || '';
	const retry = Number(res.headers.get('Retry-After'));
	if (data && data.retryAfter === undefined && Number.isFinite(retry) && retry > 0)
		data.retryAfter = retry;
	return { ok: res.ok, status: res.status, data };
}

// The signed-in session, or null (401).
export async function session() {
	const res = await request('GET', '/api/session');
	if (res.status === 401)
		return null;
	if (!res.ok)
		throw new Error(`session: HTTP ${res.status}`);
	const data = await body(res);
	csrf = data?.csrf || '';
	return data;
}

export async function logout() {
	try {
		await request('POST', '/api/logout', {});
	} finally {
		csrf = '';
	}
}

export async function config() {
	const res = await request('GET', '/api/config');
	if (res.status === 401) {
		onExpired();
		return null;
	}
	if (!res.ok)
		throw new Error(`config: HTTP ${res.status}`);
	return body(res);
}

// POST /api/action. Returns {status, code, error, result}: code is the
// bridge's Reply code when it answered (status 200), else "" and error
// the server's sentence, if it gave one.
export async function action(bridge, command) {
	const res = await request('POST', '/api/action', { bridge, command });
	const data = (await body(res)) || {};
	if (res.status === 401)
		onExpired();
	return {
		status: res.status,
		code: res.status === 200 ? data.code || '' : '',
		error: data.error || '',
		result: data.result || null,
	};
}

export function clearCsrf() {
	csrf = '';
}
