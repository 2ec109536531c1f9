// The page's model of the board: bridges (link, radios, roster), the open
// call-outs of every bridge, the recent events, and what the page learns
// from the stream on its way (delivery of each alert, when each responder
// was alerted, the last positions heard). No DOM here: the views read it
// and are told what changed.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { us, identityKey } from './fmt.js';

export const MAX_EVENTS = 500;
// How long a closed or cancelled call-out stays on the board (ms).
export const CLOSED_LINGER_MS = 8000;

// Event body (proto3 JSON name) -> the topic kind (ipc/tetra_bridge.proto).
export const KINDS = [
	['radioState', 'radio'], ['status', 'status'], ['shortReport', 'short_report'],
	['sdsRaw', 'sds'], ['callSetup', 'call_setup'], ['callConnect', 'call_connect'],
	['tx', 'tx'], ['callRelease', 'call_release'], ['text', 'text'],
	['textIncomplete', 'text_incomplete'], ['location', 'location'],
	['locationControl', 'location_control'], ['deliveryReport', 'delivery_report'],
	['sendResult', 'send_result'], ['radioInfo', 'radio_info'], ['linkError', 'link_error'],
	['outgoing', 'outgoing'], ['lost', 'lost'], ['calloutPdu', 'callout_pdu'],
	['callout', 'callout'],
];

// {kind, body} of an event: its topic kind and its body object.
export function eventKind(ev) {
	for (const [field, kind] of KINDS)
		if (ev && ev[field] !== undefined)
			return { kind, body: ev[field] };
	return { kind: 'other', body: null };
}

export const RESPONDER_STATES = [
	'RESPONDER_QUEUED', 'RESPONDER_SENT', 'RESPONDER_DELIVERED', 'RESPONDER_READ',
	'RESPONDER_ACCEPTED', 'RESPONDER_STANDBY', 'RESPONDER_DECLINED', 'RESPONDER_EN_ROUTE',
	'RESPONDER_ON_SCENE', 'RESPONDER_HANDED_OVER', 'RESPONDER_DONE', 'RESPONDER_NO_ANSWER',
	'RESPONDER_FAILED', 'RESPONDER_CANCELLED', 'RESPONDER_STOOD_DOWN',
];

export const OUTCOMES = [
	'OUTCOME_TREATED_ON_SITE', 'OUTCOME_HANDED_TO_AMBULANCE', 'OUTCOME_HANDED_TO_DOCTOR',
	'OUTCOME_TRANSPORTED', 'OUTCOME_NOT_NEEDED',
];

export const METHODS = ['ALERT_DEFAULT', 'ALERT_TEXT', 'ALERT_CALLOUT'];

// How far an alert got, as the ticks show it: 0 not sent, 1 sent (✓),
// 2 delivered (✓✓), 3 read (✓✓ blue). An answer means it was read; a
// responder without an answer after the re-alerts was at least sent to.
const DELIVERY = {
	RESPONDER_SENT: 1, RESPONDER_DELIVERED: 2, RESPONDER_READ: 3,
	RESPONDER_ACCEPTED: 3, RESPONDER_STANDBY: 3, RESPONDER_DECLINED: 3,
	RESPONDER_EN_ROUTE: 3, RESPONDER_ON_SCENE: 3, RESPONDER_HANDED_OVER: 3,
	RESPONDER_DONE: 3, RESPONDER_NO_ANSWER: 1,
};

export function deliveryOf(state) {
	return DELIVERY[state] || 0;
}

export function isClosed(callout) {
	return callout.state === 'CALLOUT_CLOSED' || callout.state === 'CALLOUT_CANCELLED';
}

export function calloutKey(bridge, id) {
	return `${bridge}/${id}`;
}

function responderKey(bridge, calloutId, identity) {
	return `${bridge}/${calloutId}/${identityKey(identity)}`;
}

// Events newest first: later time first; the same time: higher seq first.
function newer(a, b) {
	const d = us(b.event.timeUs) - us(a.event.timeUs);
	if (d)
		return d;
	if (a.bridge !== b.bridge)
		return a.bridge < b.bridge ? -1 : 1;
	return us(b.event.seq) - us(a.event.seq);
}

export class Store {
	constructor() {
		this.listeners = new Set();
		this.reset();
	}

	reset() {
		this.bridges = new Map();   // name -> B (radios by name in .radioMap)
		this.callouts = new Map();  // "bridge/id" -> {bridge, callout, closedAt}
		this.events = [];           // {bridge, event, kind, key}, newest first
		this.eventKeys = new Set(); // "bridge:seq"
		this.delivery = new Map();  // responder key -> 0..3 (highest seen)
		this.alerted = new Map();   // responder key -> time of the last alert (us)
		this.positions = new Map(); // "bridge/identity" or "bridge/radio:name" -> {lat, lon, timeUs, label, type}
	}

	subscribe(cb) {
		this.listeners.add(cb);
	}

	emit(change) {
		for (const cb of this.listeners)
			cb(change);
	}

	// {"type":"snapshot"}: the board is replaced, the log merged by (bridge, seq).
	applySnapshot(msg) {
		this.bridges = new Map();
		for (const b of msg.bridges || [])
			this.setBridge(b);
		this.callouts = new Map();
		for (const c of msg.callouts || [])
			if (c && c.callout)
				this.putCallout(c.bridge, c.callout, 0);
		this.dropBeforeGap(msg.events || []);
		for (const e of msg.events || [])
			if (e && e.event)
				this.addEvent(e.bridge, e.event, true);
		this.events.sort(newer);
		this.trimEvents();
		this.emit({ type: 'snapshot' });
	}

	setBridge(b) {
		const old = this.bridges.get(b.name);
		const radioMap = new Map();
		for (const r of b.radios || []) {
			const prev = old?.radioMap.get(r.name);
			// what the stream told since the server built this message stays
			if (prev && us(prev.lastHeardUs) > us(r.lastHeardUs))
				r.lastHeardUs = prev.lastHeardUs;
			if (prev?.signalInfo && us(prev.signalAtUs) >= us(r.lastHeardUs))
				r.signalInfo = prev.signalInfo;
			radioMap.set(r.name, r);
		}
		this.bridges.set(b.name, { ...b, roster: b.roster || {}, radios: b.radios || [], radioMap });
	}

	// {"type":"bridge"}
	applyBridge(b) {
		this.setBridge(b);
		this.emit({ type: 'bridge', bridge: b.name });
	}

	putCallout(bridge, callout, eventTimeUs) {
		const key = calloutKey(bridge, callout.id);
		const prev = this.callouts.get(key);
		const entry = { bridge, callout, closedAt: prev?.closedAt || 0 };
		if (isClosed(callout)) {
			if (!eventTimeUs) {
				this.callouts.delete(key);
				return null;
			}
			entry.closedAt = entry.closedAt || Date.now();
		}
		this.callouts.set(key, entry);
		for (const r of callout.responders || []) {
			const rk = responderKey(bridge, callout.id, r.identity);
			this.delivery.set(rk, Math.max(this.delivery.get(rk) || 0, deliveryOf(r.state)));
			if (!this.alerted.has(rk))
				this.alerted.set(rk, r.state === 'RESPONDER_SENT' && us(r.sinceUs) ? us(r.sinceUs) : us(callout.createdUs));
		}
		return entry;
	}

	// Call-outs closed longer ago than the linger time leave; returns their keys.
	expireClosed(nowMs = Date.now()) {
		const gone = [];
		for (const [k, e] of this.callouts) {
			if (e.closedAt && nowMs - e.closedAt >= CLOSED_LINGER_MS) {
				this.callouts.delete(k);
				gone.push(k);
			}
		}
		return gone;
	}

	delivered(bridge, calloutId, identity) {
		return this.delivery.get(responderKey(bridge, calloutId, identity)) || 0;
	}

	alertedAt(bridge, calloutId, identity) {
		return this.alerted.get(responderKey(bridge, calloutId, identity)) || 0;
	}

	// An event from the stream (or the snapshot's log). Returns the log
	// entry, or null when the page has it already.
	addEvent(bridge, ev, fromSnapshot = false) {
		const key = `${bridge}:${ev.seq}`;
		if (this.eventKeys.has(key))
			return null;
		const { kind, body } = eventKind(ev);
		const entry = { bridge, event: ev, kind, key };
		this.eventKeys.add(key);
		if (fromSnapshot) {
			this.events.push(entry);
		} else {
			let i = 0;
			while (i < this.events.length && newer(entry, this.events[i]) > 0)
				i++;
			this.events.splice(i, 0, entry);
			this.trimEvents();
		}
		this.learn(bridge, ev, kind, body, fromSnapshot);
		return entry;
	}

	// The snapshot holds a bridge's last events only: when the page missed
	// more than that (a long disconnection), what it had before would
	// leave a hole in the log, so that bridge's older events go.
	dropBeforeGap(snapEvents) {
		const first = new Map();
		for (const e of snapEvents) {
			const seq = us(e?.event?.seq);
			if (!first.has(e.bridge) || seq < first.get(e.bridge))
				first.set(e.bridge, seq);
		}
		const last = new Map();
		for (const e of this.events) {
			const seq = us(e.event.seq);
			if (seq < (first.get(e.bridge) ?? 0) && seq > (last.get(e.bridge) ?? -1))
				last.set(e.bridge, seq);
		}
		const gap = new Set([...last].filter(([b, seq]) => seq + 1 < first.get(b)).map(([b]) => b));
		if (!gap.size)
			return;
		this.events = this.events.filter((e) => !gap.has(e.bridge) || us(e.event.seq) >= first.get(e.bridge));
		this.eventKeys = new Set(this.events.map((e) => e.key));
	}

	trimEvents() {
		while (this.events.length > MAX_EVENTS)
			this.eventKeys.delete(this.events.pop().key);
	}

	// What an event tells beyond itself: the radio's state, signal and last
	// heard; positions; the call-out it changed.
	learn(bridge, ev, kind, body, fromSnapshot) {
		const time = us(ev.timeUs);
		const b = this.bridges.get(bridge);
		const radio = b?.radioMap.get(ev.radio);
		if (radio && time > us(radio.lastHeardUs))
			radio.lastHeardUs = String(time);
		if (kind === 'radio' && radio && time >= us(radio.lastHeardUs)) {
			radio.state = body.state;
			radio.reason = body.reason || '';
			if (body.transport)
				radio.transport = body.transport;
		}
		if (kind === 'radio_info' && body.signal && radio) {
			radio.signalInfo = body.signal;
			radio.signalAtUs = String(time);
		}
		if (kind === 'radio_info' && body.ownPosition?.hasPosition)
			this.positions.set(`${bridge}/radio:${ev.radio}`, {
				lat: body.ownPosition.latitude, lon: body.ownPosition.longitude, timeUs: time,
				label: ev.radio, type: 'radio', bridge,
			});
		if (kind === 'location' && body.hasPosition && body.calling)
			this.positions.set(`${bridge}/${identityKey(body.calling)}`, {
				lat: body.latitude, lon: body.longitude, timeUs: time,
				identity: body.calling, type: 'terminal', bridge,
			});
		if (kind === 'callout')
			this.learnCallout(bridge, body, time, fromSnapshot);
	}

	learnCallout(bridge, change, time, fromSnapshot) {
		const id = change.calloutId;
		if (change.responder) {
			const rk = responderKey(bridge, id, change.responder);
			const level = Math.max(deliveryOf(change.oldResponderState), deliveryOf(change.newResponderState));
			this.delivery.set(rk, Math.max(this.delivery.get(rk) || 0, level));
			if (change.kind === 'REALERT' || change.kind === 'RESPONDER_ADDED' ||
			    (change.kind === 'RESPONDER' && change.newResponderState === 'RESPONDER_SENT' &&
			     change.oldResponderState === 'RESPONDER_QUEUED'))
				this.alerted.set(rk, time);
		}
		if (change.kind === 'CREATED' && change.callout)
			for (const r of change.callout.responders || [])
				this.alerted.set(responderKey(bridge, id, r.identity), time);
		// The snapshot's call-outs are the board; its log only fills the history.
		if (fromSnapshot || !change.callout || id === '0' || !id)
			return;
		const key = calloutKey(bridge, id);
		const cur = this.callouts.get(key);
		if (isClosed(change.callout) && !cur)
			return;
		this.putCallout(bridge, change.callout, time);
	}

	// {"type":"event"}
	applyEvent(bridge, ev) {
		const entry = this.addEvent(bridge, ev);
		if (entry)
			this.emit({ type: 'event', entry });
		return entry;
	}

	alarms() {
		return [...this.callouts.values()].filter((e) => e.callout.alarm && !isClosed(e.callout));
	}

	// The roster of a bridge, with empty lists where it gave none.
	roster(bridge) {
		const r = this.bridges.get(bridge)?.roster || {};
		return {
			identities: r.identities || [], statuses: r.statuses || [],
			severities: r.severities || [], plans: r.plans || [], radios: r.radios || [],
		};
	}
}
