// tetra-web's page: sign in, then the live board from the WebSocket.
// Wires the model (store.js) to the views and the actions.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import * as api from './api.js';
import { $, el, clear } from './dom.js';
import { t, initLang, getLang, setLang, onLangChange, applyI18n, hasStoredLang } from './i18n.js';
import { Store, calloutKey } from './store.js';
import { BoardView, tickTimes } from './board.js';
import { renderRadios } from './radios.js';
import { LogView } from './events.js';
import { MapView } from './map.js';
import { Alarm } from './alarm.js';
import { Actions, Toasts } from './actions.js';
import { Socket } from './ws.js';

const store = new Store();
const board = new BoardView($('#board'), $('#board-empty'), store);
const log = new LogView({ list: $('#event-log'), empty: $('#log-empty'), bridgeSel: $('#filter-bridge'),
	radioSel: $('#filter-radio'), kindSel: $('#filter-kind') }, store);
const map = new MapView($('#map'), store);
const alarm = new Alarm({ banner: $('#alarm-banner'), list: $('#alarm-list'), ackAll: $('#alarm-ack'),
	muteButtons: [$('#mute-toggle'), $('#alarm-mute')], blockedNote: $('#sound-blocked') });
const toasts = new Toasts($('#toasts'));
const actions = new Actions(store, toasts);

let me = null;          // the session: {user, role, csrf, idleTimeout}
let retryUntil = 0;     // login refused until then (ms), after 429
let retryTimer = 0;
let connState = { state: 'closed', retryMs: 0 };
let radiosPending = false;

const socket = new Socket({
	onMessage: message,
	onState: (state, retryMs) => {
		connState = { state, retryMs, at: Date.now() };
		showConnection();
	},
	// After a close: is the session still there? (No: the idle timeout ended it.)
	shouldRetry: async () => {
		if (!me)
			return false;
		const s = await api.session();
		if (!s) {
			signedOut('login.expired');
			return false;
		}
		return true;
	},
});

function canAct() {
	return !!me && (me.role === 'dispatcher' || me.role === 'admin');
}

// ---- signing in and out

function showLogin(noteKey) {
	document.body.classList.replace('signed-in', 'signed-out');
	$('#app-view').hidden = true;
	$('#login-view').hidden = false;
	for (const id of ['#logout', '#user-info', '#mute-toggle'])
		$(id).hidden = true;
	const note = $('#login-note');
	note.textContent = noteKey ? t(noteKey) : '';
	note.dataset.key = noteKey || '';
	note.hidden = !noteKey;
	$('#login-error').hidden = true;
	$('#login-password').value = '';
	($('#login-user').value ? $('#login-password') : $('#login-user')).focus();
}

function loginError(text, key) {
	const e = $('#login-error');
	e.textContent = text;
	e.dataset.key = key;
	e.hidden = false;
}

function retryCountdown() {
	clearTimeout(retryTimer);
	const left = Math.ceil((retryUntil - Date.now()) / 1000);
	const submit = $('#login-submit');
	if (left <= 0) {
		submit.disabled = false;
		$('#login-error').hidden = true;
		return;
	}
	submit.disabled = true;
	loginError(t('login.limited', { s: left }), 'login.limited');
	retryTimer = setTimeout(retryCountdown, 1000);
}

async function onLogin(e) {
	e.preventDefault();
	alarm.unlock(); // the click is the gesture that lets the alarm sound later
	const submit = $('#login-submit');
	submit.disabled = true;
	$('#login-error').hidden = true;
	let res;
	try {
		res = await api.login($('#login-user').value.trim(), $('#login-password').value);
	} catch {
		submit.disabled = false;
		loginError(t('login.network'), 'login.network');
		return;
	}
	submit.disabled = false;
	$('#login-password').value = '';
	if (res.ok && res.data) {
		signedIn(res.data);
	} else if (res.status === 429) {
		retryUntil = Date.now() + 1000 * (Number(res.data?.retryAfter) || 30);
		retryCountdown();
	} else if (res.status === 401) {
		loginError(t('login.wrong'), 'login.wrong');
		$('#login-password').focus();
	} else {
		loginError(t('login.failed', { status: res.status }), 'login.failed');
	}
}

async function signedIn(session) {
	me = session;
	document.body.classList.replace('signed-out', 'signed-in');
	document.body.classList.toggle('can-act', canAct());
	document.body.dataset.role = me.role;
	$('#login-view').hidden = true;
	$('#app-view').hidden = false;
	$('#user-name').textContent = me.user;
	$('#user-role').textContent = t(`user.role.${me.role}`);
	for (const id of ['#logout', '#user-info', '#mute-toggle'])
		$(id).hidden = false;
	$('#toolbar').hidden = !canAct();
	board.setCanAct(canAct());
	let cfg = null;
	try {
		cfg = await api.config();
	} catch {
		cfg = null;
	}
	if (!me)
		return;
	if (cfg?.lang && !hasStoredLang() && cfg.lang !== getLang())
		setLang(cfg.lang, false);
	map.setTileServer(cfg?.tileServer || '');
	log.fillFilters();
	log.renderAll();
	socket.start();
}

// Everything the page showed goes: it is health data.
function signedOut(noteKey) {
	if (!me && !$('#login-view').hidden)
		return;
	me = null;
	api.clearCsrf();
	socket.stop();
	for (const d of document.querySelectorAll('dialog[open]'))
		d.close();
	store.reset();
	board.renderAll();
	clear($('#radios'));
	clear($('#bridges'));
	log.renderAll();
	map.render();
	alarm.stop();
	toasts.clear();
	document.body.classList.remove('can-act');
	delete document.body.dataset.role;
	showLogin(noteKey);
}

async function onLogout() {
	try {
		await api.logout();
	} catch {
		// the session ends here anyway; the server's idle timeout ends it there
	}
	signedOut('login.loggedout');
}

api.setExpiredHandler(() => signedOut('login.expired'));

// ---- the stream

function message(msg) {
	switch (msg.type) {
	case 'snapshot':
		store.applySnapshot(msg);
		break;
	case 'event':
		if (msg.event)
			store.applyEvent(msg.bridge, msg.event);
		break;
	case 'bridge':
		if (msg.bridge)
			store.applyBridge(msg.bridge);
		break;
	case 'session':
		if (msg.expired)
			signedOut('login.expired');
		break;
	default:
		break;
	}
}

function showBridges() {
	const list = $('#bridges');
	clear(list);
	for (const [name, b] of store.bridges)
		list.append(el('li', { class: `bridge-chip ${b.connected ? 'up' : 'down'}`, dataset: { bridge: name, connected: String(!!b.connected) },
			title: t(b.connected ? 'bridge.connected' : 'bridge.disconnected'), text: name }));
}

function showConnection() {
	const e = $('#connection-state');
	e.dataset.state = connState.state;
	if (connState.state === 'open')
		e.textContent = t('conn.open');
	else if (connState.retryMs && me)
		e.textContent = t('conn.retry', { s: Math.max(0, Math.ceil((connState.at + connState.retryMs - Date.now()) / 1000)) });
	else
		e.textContent = me ? t('conn.connecting') : t('conn.closed');
}

function radiosLater() {
	if (radiosPending)
		return;
	radiosPending = true;
	setTimeout(() => {
		radiosPending = false;
		renderRadios($('#radios'), store);
		tickTimes($('#radios'));
	}, 200);
}

function showAlarms() {
	alarm.show(store.alarms(), canAct());
}

store.subscribe((change) => {
	if (!me)
		return;
	if (change.type === 'snapshot') {
		board.renderAll();
		renderRadios($('#radios'), store);
		tickTimes($('#radios'));
		showBridges();
		log.fillFilters();
		log.renderAll();
		map.update();
		showAlarms();
		return;
	}
	if (change.type === 'bridge') {
		radiosLater();
		showBridges();
		log.fillFilters();
		return;
	}
	const { entry } = change;
	log.add(entry);
	if (entry.event.radio)
		radiosLater();
	const body = entry.event.callout;
	if (entry.kind === 'callout' && body?.calloutId && body.calloutId !== '0') {
		board.changed(calloutKey(entry.bridge, body.calloutId));
		showAlarms();
	}
	if (entry.kind === 'location' || entry.kind === 'callout' || entry.kind === 'radio_info')
		map.update();
});

// ---- once a second: times, and closed call-outs leave

setInterval(() => {
	if (!me)
		return;
	for (const key of store.expireClosed())
		board.changed(key);
	board.tick();
	tickTimes($('#radios'));
	if (connState.state !== 'open')
		showConnection();
}, 1000);

// ---- static wiring

function relabel() {
	applyI18n(document);
	for (const e of [$('#login-note'), $('#login-error')])
		if (e.dataset.key && e.dataset.key !== 'login.limited' && e.dataset.key !== 'login.failed')
			e.textContent = t(e.dataset.key);
	$('#user-role').textContent = me ? t(`user.role.${me.role}`) : '';
	showConnection();
	alarm.relabel();
	if (!me)
		return;
	board.renderAll();
	renderRadios($('#radios'), store);
	tickTimes($('#radios'));
	showBridges();
	log.fillFilters();
	log.renderAll();
	map.render();
}

onLangChange(relabel);
$('#lang-toggle').addEventListener('click', () => setLang(getLang() === 'nb' ? 'en' : 'nb'));
$('#login-form').addEventListener('submit', onLogin);
$('#logout').addEventListener('click', onLogout);
$('#new-callout').addEventListener('click', () => actions.openCreate());
$('#send-status').addEventListener('click', () => actions.openSend('status'));
$('#send-text').addEventListener('click', () => actions.openSend('text'));
$('#alarm-ack').addEventListener('click', () => actions.ackAll());
$('#board').addEventListener('click', (e) => actions.boardClick(e));
$('#alarm-list').addEventListener('click', (e) => actions.boardClick(e));
window.addEventListener('resize', () => map.invalidate());

async function start() {
	initLang(null);
	applyI18n(document);
	showConnection();
	let s = null;
	try {
		s = await api.session();
	} catch {
		s = null;
	}
	if (s)
		signedIn(s);
	else
		showLogin('');
}

start();
