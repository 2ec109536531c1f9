// The live event log: newest first, at most MAX_EVENTS rows, filtered by
// bridge, radio and kind. Every value goes in as text.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { el, clear } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { clock, who, position, hex } from './fmt.js';
import { KINDS, MAX_EVENTS } from './store.js';

function arrow(from, to) {
	return `${who(from)} → ${who(to)}`;
}

function calloutSummary(c) {
	if (c.kind === 'UNMATCHED')
		return t('sum.callout.unmatched', { who: who(c.responder) });
	const parts = [`#${c.calloutId}`, enumLabel('CalloutChange', c.kind)];
	if (c.responder)
		parts.push(who(c.responder));
	if (c.kind === 'RESPONDER' || c.kind === 'LATE_ANSWER')
		parts.push(`${enumLabel('ResponderState', c.oldResponderState)} → ${enumLabel('ResponderState', c.newResponderState)}`);
	if (c.kind === 'STATE')
		parts.push(`${enumLabel('CalloutState', c.oldState)} → ${enumLabel('CalloutState', c.newState)}`);
	if (c.cause)
		parts.push(`(${c.cause})`);
	if (c.by && c.by !== 'radio' && c.by !== 'timer')
		parts.push(`– ${c.by}`);
	return parts.join(' ');
}

function radioInfoSummary(b) {
	if (b.signal)
		return t('sum.signal', { v: b.signal.hasDbm ? `${b.signal.dbm} dBm` : `rssi ${b.signal.rssi}` });
	if (b.registration)
		return b.registration.statusText || String(b.registration.status);
	if (b.operatingMode)
		return b.operatingMode.modeText || String(b.operatingMode.mode);
	if (b.group)
		return `${b.group.groupTypeText || ''} ${b.group.group ? who(b.group.group) : ''}`.trim();
	if (b.ownPosition)
		return b.ownPosition.hasPosition ? position(b.ownPosition.latitude, b.ownPosition.longitude) : b.ownPosition.text || '';
	if (b.supportedValues)
		return `${b.supportedValues.command} ${b.supportedValues.text}`;
	if (b.identityEntry)
		return b.identityEntry.text || '';
	if (b.reportedIdentity)
		return who(b.reportedIdentity.identity);
	return '';
}

// One line for people about an event (it is health data: the page is for authorised staff).
export function summary(kind, b) {
	if (!b)
		return '';
	switch (kind) {
	case 'radio':
		return `${enumLabel('RadioState', b.state)}${b.reason ? ` – ${b.reason}` : ''}`;
	case 'status':
		return `${arrow(b.calling, b.called)}: ${b.name ? `${b.name} ` : ''}(${hex(b.value)})`;
	case 'text':
		return `${arrow(b.calling, b.called)}: ${b.text}`;
	case 'text_incomplete':
		return `${arrow(b.calling, b.called)}: ${b.text} (${b.partsReceived}/${b.partsTotal})`;
	case 'location':
		return `${who(b.calling)}: ${b.hasPosition ? position(b.latitude, b.longitude) : '–'}${b.hasPositionError && b.positionErrorText ? ` (${b.positionErrorText})` : ''}${b.reasonText ? ` ${b.reasonText}` : ''}`;
	case 'location_control':
		return `${arrow(b.calling, b.called)}: ${b.pduName || b.kind}`;
	case 'delivery_report':
		return `${arrow(b.calling, b.called)}: ${b.statusText || b.status} (ref ${b.messageReference})`;
	case 'short_report':
		return `${arrow(b.calling, b.called)}: ${b.type} (ref ${b.messageReference})`;
	case 'sds':
		return `${arrow(b.calling, b.called)}: ${b.bitLength} bit${b.decodeError ? ` (${b.decodeError})` : ''}`;
	case 'call_setup':
		return `${t('sum.call', { id: b.callId })}: ${arrow(b.calling, b.called)}`;
	case 'call_connect':
		return t('sum.call', { id: b.callId });
	case 'call_release':
		return `${t('sum.call', { id: b.callId })}: ${b.causeText || b.cause}`;
	case 'tx':
		return `${t('sum.call', { id: b.callId })}: ${b.kind} ${b.grant}${b.talker ? ` ${who(b.talker)}` : ''}`;
	case 'send_result':
		return `${b.statusText || ''}${b.hasMessageReference ? ` (ref ${b.messageReference})` : ''}`.trim();
	case 'radio_info':
		return radioInfoSummary(b);
	case 'link_error':
		return `+CME ERROR ${b.cmeError}: ${b.text}`;
	case 'outgoing':
		return `${b.kind} → ${who(b.to)}: ${enumLabel('Outgoing', b.state)}${b.reason ? ` – ${b.reason}` : ''} (#${b.messageId})`;
	case 'lost':
		return t('sum.lost', { a: b.firstSeq, b: b.lastSeq, reason: b.reason || '' });
	case 'callout_pdu':
		return `${arrow(b.calling, b.called)}: ${b.number} ${b.text}`;
	case 'callout':
		return calloutSummary(b);
	default:
		return '';
	}
}

export function renderRow(entry) {
	const { bridge, event: ev, kind } = entry;
	const body = KINDS.find(([, k]) => k === kind)?.[0];
	const kindLabel = t(`kind.${kind}`);
	return el('li', { class: `event-row kind-${kind}`, dataset: { bridge, seq: String(ev.seq), kind, radio: ev.radio || '' } },
		el('time', { class: 'ev-time', datetime: new Date(Number(ev.timeUs) / 1000).toISOString(), text: clock(ev.timeUs) }),
		el('span', { class: 'ev-bridge', text: bridge }),
		el('span', { class: 'ev-radio', text: ev.radio || '' }),
		el('span', { class: 'ev-kind', text: kindLabel }),
		el('span', { class: 'ev-summary', text: summary(kind, body ? ev[body] : null) }));
}

export class LogView {
	constructor({ list, empty, bridgeSel, radioSel, kindSel }, store) {
		this.list = list;
		this.empty = empty;
		this.sel = { bridge: bridgeSel, radio: radioSel, kind: kindSel };
		this.store = store;
		for (const s of Object.values(this.sel))
			s.addEventListener('change', () => this.renderAll());
	}

	filters() {
		return { bridge: this.sel.bridge.value, radio: this.sel.radio.value, kind: this.sel.kind.value };
	}

	matches(entry, f = this.filters()) {
		return (!f.bridge || entry.bridge === f.bridge) &&
			(!f.radio || entry.event.radio === f.radio) &&
			(!f.kind || entry.kind === f.kind);
	}

	// The filters' choices: the bridges and radios on the board, every kind.
	fillFilters() {
		const fill = (sel, values, label) => {
			const keep = sel.value;
			clear(sel);
			sel.append(el('option', { value: '', text: t('log.all') }));
			for (const v of values)
				sel.append(el('option', { value: v, text: label(v) }));
			sel.value = values.includes(keep) ? keep : '';
		};
		const bridges = [...this.store.bridges.keys()];
		const radios = new Set();
		for (const b of this.store.bridges.values())
			for (const r of b.radios)
				radios.add(r.name);
		for (const e of this.store.events)
			if (e.event.radio)
				radios.add(e.event.radio);
		fill(this.sel.bridge, bridges, (v) => v);
		fill(this.sel.radio, [...radios].sort(), (v) => v);
		fill(this.sel.kind, KINDS.map(([, k]) => k), (k) => t(`kind.${k}`));
	}

	renderAll() {
		clear(this.list);
		const f = this.filters();
		const frag = document.createDocumentFragment();
		for (const e of this.store.events)
			if (this.matches(e, f))
				frag.append(renderRow(e));
		this.list.append(frag);
		this.empty.hidden = this.list.childElementCount > 0;
	}

	// A new event: put its row where it belongs (the store keeps them newest first).
	add(entry) {
		if (!this.matches(entry)) {
			this.trim();
			return;
		}
		const idx = this.store.events.indexOf(entry);
		const row = renderRow(entry);
		let before = null;
		for (let i = idx + 1; i < this.store.events.length && !before; i++) {
			const e = this.store.events[i];
			before = this.list.querySelector(`.event-row[data-bridge="${CSS.escape(e.bridge)}"][data-seq="${CSS.escape(String(e.event.seq))}"]`);
			if (i > idx + 20)
				break;
		}
		if (idx === 0)
			this.list.prepend(row);
		else if (before)
			this.list.insertBefore(row, before);
		else {
			this.renderAll();
			return;
		}
		if (!this.sel.radio.querySelector(`option[value="${CSS.escape(entry.event.radio || '')}"]`) && entry.event.radio)
			this.sel.radio.append(el('option', { value: entry.event.radio, text: entry.event.radio }));
		this.trim();
		this.empty.hidden = true;
	}

	// Rows whose events the store let go leave the DOM too.
	trim() {
		while (this.list.childElementCount > MAX_EVENTS)
			this.list.lastElementChild.remove();
		for (let last = this.list.lastElementChild; last; last = this.list.lastElementChild) {
			if (this.store.eventKeys.has(`${last.dataset.bridge}:${last.dataset.seq}`))
				break;
			last.remove();
		}
	}
}
