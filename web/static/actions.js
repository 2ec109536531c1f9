// What a dispatcher can do from the page: the dialogs, the POST to
// /api/action and a toast with the result. An observer gets none of it
// (and tetra-web and the bridge would refuse it anyway).
//
// SPDX-License-Identifier: GPL-2.0-or-later

import * as api from './api.js';
import { el, clear, $ } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { who, commandIdentity, hex } from './fmt.js';
import { RESPONDER_STATES, OUTCOMES, METHODS, calloutKey } from './store.js';
import { canRealert } from './board.js';

const TEXT_MAX = 94;
const TOAST_MS = 8000;

function chars(s) {
	return [...s].length;
}

function options(sel, items, keep = true) {
	const old = sel.value;
	clear(sel);
	for (const [value, label] of items)
		sel.append(el('option', { value, text: label }));
	if (keep && items.some(([v]) => v === old))
		sel.value = old;
}

export class Toasts {
	constructor(root) {
		this.root = root;
	}

	show(text, { code = '', status = 0, ok = false } = {}) {
		const toast = el('div', { class: `toast ${ok ? 'ok' : 'error'}`, role: ok ? 'status' : 'alert',
			dataset: { code, status: String(status) } },
		el('span', { class: 'toast-text', text }),
		el('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close'), text: '×' }));
		toast.querySelector('.toast-close').addEventListener('click', () => toast.remove());
		this.root.prepend(toast);
		setTimeout(() => toast.remove(), ok ? TOAST_MS : 2 * TOAST_MS);
		while (this.root.childElementCount > 6)
			this.root.lastElementChild.remove();
	}

	clear() {
		clear(this.root);
	}
}

export class Actions {
	constructor(store, toasts) {
		this.store = store;
		this.toasts = toasts;
		this.target = null; // {bridge, id, identity} of the open dialog
		this.wireCreate();
		this.wireClose();
		this.wireCancel();
		this.wireSet();
		this.wireSend();
		for (const d of document.querySelectorAll('dialog'))
			for (const b of d.querySelectorAll('.dlg-abort'))
				b.addEventListener('click', () => d.close());
	}

	// POST one command; a toast says what came of it. Returns the answer.
	async run(bridge, label, command) {
		let res;
		try {
			res = await api.action(bridge, command);
		} catch {
			this.toasts.show(t('act.network', { action: label }), { code: 'NETWORK' });
			return { status: 0, code: '', error: 'network' };
		}
		if (res.status === 200) {
			const ok = res.code === 'OK';
			const text = t('act.done', { action: label, code: res.code }) + (res.error ? ` – ${res.error}` : '');
			this.toasts.show(text, { code: res.code, status: 200, ok });
		} else {
			const known = `act.http.${res.status}`;
			const error = res.error || t(known);
			this.toasts.show(t('act.http', { action: label, status: res.status, error }), { code: `HTTP_${res.status}`, status: res.status });
		}
		return res;
	}

	bridges() {
		return [...this.store.bridges.keys()];
	}

	radiosOf(bridge) {
		const roster = this.store.roster(bridge);
		if (roster.radios.length)
			return roster.radios;
		return (this.store.bridges.get(bridge)?.radios || []).map((r) => r.name);
	}

	fail(dialog, key) {
		const e = dialog.querySelector('.dlg-error');
		e.textContent = key ? t(key) : '';
		e.hidden = !key;
		return !key;
	}

	async submit(dialog, bridge, label, command) {
		const btn = dialog.querySelector('button[type=submit]');
		btn.disabled = true;
		try {
			const res = await this.run(bridge, label, command);
			if (res.status === 200 && res.code === 'OK') {
				dialog.close();
			} else {
				const e = dialog.querySelector('.dlg-error');
				e.textContent = res.error || res.code || t(`act.http.${res.status}`);
				e.hidden = false;
			}
		} finally {
			btn.disabled = false;
		}
	}

	// ---- create a call-out
	wireCreate() {
		const d = $('#callout-dialog');
		const text = $('#co-text');
		$('#co-bridge').addEventListener('change', () => this.fillCreate());
		text.addEventListener('input', () => this.countCreate());
		d.querySelector('form').addEventListener('submit', (e) => {
			e.preventDefault();
			const bridge = $('#co-bridge').value;
			const ids = this.store.roster(bridge).identities;
			const responders = [...d.querySelectorAll('#co-responders input:checked')]
				.map((c) => ids[Number(c.value)]?.identity).filter(Boolean).map(commandIdentity);
			if (!this.fail(d, responders.length ? '' : 'dlg.need_responder'))
				return;
			if (!this.fail(d, text.value.trim() ? '' : 'dlg.need_text'))
				return;
			const command = { calloutCreate: {
				radio: $('#co-radio').value,
				severity: Number($('#co-severity').value),
				text: text.value.trim(),
				responders,
				required: Math.max(1, Number($('#co-required').value) || 1),
				// 0: the severity's deadline (the bridge refuses outside 10-86400 s)
				deadlineS: Math.max(0, Math.round(Number($('#co-deadline').value) || 0)),
				plan: $('#co-plan').value,
				method: $('#co-method').value,
				test: $('#co-test').checked,
				override: $('#co-override').checked,
			} };
			this.submit(d, bridge, t('act.new'), command);
		});
	}

	countCreate() {
		const n = chars($('#co-text').value);
		const c = $('#co-text-count');
		c.textContent = t('dlg.chars', { n, max: TEXT_MAX });
		c.classList.toggle('over', n > TEXT_MAX);
	}

	fillCreate() {
		const bridge = $('#co-bridge').value;
		const roster = this.store.roster(bridge);
		options($('#co-radio'), this.radiosOf(bridge).map((r) => [r, r]));
		const names = new Map(roster.severities.map((s) => [Number(s.severity), s.name]));
		options($('#co-severity'), Array.from({ length: 15 }, (_, i) => {
			const n = i + 1;
			return [String(n), `${n} · ${names.get(n) || t('sev.name', { n })}`];
		}));
		options($('#co-plan'), [['', t('dlg.plan.default')], ...roster.plans.map((p) => [p, p])]);
		const list = $('#co-responders');
		clear(list);
		roster.identities.forEach((entry, i) => {
			const id = entry.identity || {};
			const box = el('input', { type: 'checkbox', name: 'responder', value: String(i), id: `co-resp-${i}`,
				dataset: { ssi: String(id.ssi ?? ''), group: String(!!entry.group) } });
			const label = el('label', { for: `co-resp-${i}`, class: `pick${entry.group ? ' group' : ''}` }, box, ' ',
				el('span', { class: 'pick-name', text: who(id) }), ' ',
				el('span', { class: 'pick-ssi', text: String(id.ssi ?? '') }));
			if (entry.group)
				label.append(' ', el('span', { class: 'tag', text: `${t('resp.group')} (${(entry.members || []).length})` }));
			list.append(label);
		});
		if (!roster.identities.length)
			list.append(el('p', { class: 'empty', text: t('dlg.no_roster') }));
	}

	openCreate() {
		const d = $('#callout-dialog');
		options($('#co-bridge'), this.bridges().map((b) => [b, b]));
		options($('#co-method'), METHODS.map((m) => [m, enumLabel('AlertMethod', m)]));
		this.fillCreate();
		d.querySelector('form').reset();
		$('#co-bridge').dispatchEvent(new Event('change'));
		$('#co-required').value = '1';
		this.countCreate();
		this.fail(d, '');
		d.showModal();
		$('#co-text').focus();
	}

	// ---- close, cancel
	wireClose() {
		const d = $('#close-dialog');
		d.querySelector('form').addEventListener('submit', (e) => {
			e.preventDefault();
			const { bridge, id } = this.target;
			this.submit(d, bridge, t('act.close'), { calloutClose: { id: String(id), outcome: $('#close-outcome').value, reason: $('#close-reason').value.trim() } });
		});
	}

	openClose(bridge, id) {
		const d = $('#close-dialog');
		this.target = { bridge, id };
		d.querySelector('form').reset();
		options($('#close-outcome'), OUTCOMES.map((o) => [o, enumLabel('CalloutOutcome', o)]), false);
		$('#close-title').textContent = t('dlg.close.title', { id });
		this.fail(d, '');
		d.showModal();
	}

	wireCancel() {
		const d = $('#cancel-dialog');
		d.querySelector('form').addEventListener('submit', (e) => {
			e.preventDefault();
			const { bridge, id } = this.target;
			this.submit(d, bridge, t('act.cancel'), { calloutCancel: { id: String(id), reason: $('#cancel-reason').value.trim() } });
		});
	}

	openCancel(bridge, id) {
		const d = $('#cancel-dialog');
		this.target = { bridge, id };
		d.querySelector('form').reset();
		$('#cancel-title').textContent = t('dlg.cancel.title', { id });
		this.fail(d, '');
		d.showModal();
	}

	// ---- a responder's state by hand
	wireSet() {
		const d = $('#set-dialog');
		d.querySelector('form').addEventListener('submit', (e) => {
			e.preventDefault();
			const reason = $('#set-reason').value.trim();
			if (!this.fail(d, reason ? '' : 'dlg.need_reason'))
				return;
			const { bridge, id, identity } = this.target;
			this.submit(d, bridge, t('act.set'), { calloutSet: {
				id: String(id), responder: commandIdentity(identity), state: $('#set-state').value, reason } });
		});
	}

	openSet(bridge, id, identity, current) {
		const d = $('#set-dialog');
		this.target = { bridge, id, identity };
		d.querySelector('form').reset();
		options($('#set-state'), RESPONDER_STATES.filter((s) => s !== 'RESPONDER_QUEUED')
			.map((s) => [s, enumLabel('ResponderState', s)]), false);
		if (current && current !== 'RESPONDER_QUEUED')
			$('#set-state').value = current;
		const entry = this.store.callouts.get(calloutKey(bridge, id));
		const r = entry?.callout.responders?.find((x) => x.identity?.ssi === identity.ssi);
		$('#set-title').textContent = t('dlg.set.title', { who: who(r?.identity || identity) });
		this.fail(d, '');
		d.showModal();
	}

	// ---- one-click actions
	realert(bridge, id, identity) {
		return this.run(bridge, t('act.realert'), { calloutRealert: { id: String(id), responder: commandIdentity(identity) } });
	}

	// The bridge alerts one responder at a time: one command for each that can be.
	async realertAll(bridge, id) {
		const entry = this.store.callouts.get(calloutKey(bridge, id));
		for (const r of (entry?.callout.responders || []).filter(canRealert))
			await this.realert(bridge, id, r.identity);
	}

	ack(bridge, id) {
		return this.run(bridge, t('act.ack'), { calloutAck: { id: String(id) } });
	}

	async ackAll() {
		for (const { bridge, callout } of this.store.alarms())
			await this.ack(bridge, callout.id);
	}

	// ---- send a status or a text
	wireSend() {
		const d = $('#send-dialog');
		$('#send-bridge').addEventListener('change', () => this.fillSend());
		$('#send-to').addEventListener('change', () => {
			$('#send-ssi-row').hidden = $('#send-to').value !== 'other';
		});
		$('#send-value').addEventListener('change', () => {
			$('#send-value-custom-row').hidden = $('#send-value').value !== 'other';
		});
		$('#send-text-input').addEventListener('input', () => {
			$('#send-text-count').textContent = t('dlg.chars', { n: chars($('#send-text-input').value), max: '–' });
		});
		d.querySelector('form').addEventListener('submit', (e) => {
			e.preventDefault();
			const bridge = $('#send-bridge').value;
			let to;
			if ($('#send-to').value === 'other') {
				const ssi = Number($('#send-ssi').value);
				if (Number.isInteger(ssi) && ssi > 0 && ssi < 2 ** 24)
					to = { type: 'IDENTITY_SSI', ssi };
			} else {
				const entry = this.store.roster(bridge).identities[Number($('#send-to').value)];
				to = entry?.identity ? commandIdentity(entry.identity) : undefined;
			}
			if (!this.fail(d, to ? '' : 'dlg.need_to'))
				return;
			const radio = $('#send-radio').value;
			if (this.sendMode === 'status') {
				const raw = $('#send-value').value === 'other' ? $('#send-value-custom').value.trim() : $('#send-value').value;
				const value = /^0x[0-9a-f]+$/i.test(raw) ? parseInt(raw, 16) : /^\d+$/.test(raw) ? Number(raw) : NaN;
				if (!this.fail(d, Number.isInteger(value) && value >= 0 && value <= 65535 ? '' : 'dlg.bad_value'))
					return;
				this.submit(d, bridge, t('act.send_status'), { sendStatus: { radio, to, value } });
			} else {
				const text = $('#send-text-input').value;
				if (!this.fail(d, text.trim() ? '' : 'dlg.need_text'))
					return;
				this.submit(d, bridge, t('act.send_text'), { sendText: { radio, to, text, report: 'REPORT_BOTH' } });
			}
		});
	}

	fillSend() {
		const bridge = $('#send-bridge').value;
		const roster = this.store.roster(bridge);
		options($('#send-radio'), this.radiosOf(bridge).map((r) => [r, r]));
		options($('#send-to'), [...roster.identities.map((e, i) => [String(i), `${who(e.identity)} (${e.identity?.ssi ?? ''})${e.group ? ` – ${t('resp.group')}` : ''}`]),
			['other', t('dlg.to.other')]], false);
		options($('#send-value'), [...roster.statuses.map((s) => [String(s.value), `${s.name || ''} (${hex(s.value)})`.trim()]),
			['other', t('dlg.value.other')]], false);
		$('#send-ssi-row').hidden = $('#send-to').value !== 'other';
		$('#send-value-custom-row').hidden = $('#send-value').value !== 'other';
	}

	openSend(mode) {
		const d = $('#send-dialog');
		this.sendMode = mode;
		d.dataset.mode = mode;
		d.querySelector('form').reset();
		options($('#send-bridge'), this.bridges().map((b) => [b, b]));
		this.fillSend();
		$('#send-title').textContent = t(mode === 'status' ? 'dlg.send.status.title' : 'dlg.send.text.title');
		$('#send-value-row').hidden = mode !== 'status';
		$('#send-text-row').hidden = mode !== 'text';
		$('#send-text-count').textContent = t('dlg.chars', { n: 0, max: '–' });
		this.fail(d, '');
		d.showModal();
	}

	// Clicks on the board's buttons (data-action), one listener for all cards.
	boardClick(e) {
		const b = e.target.closest('button[data-action]');
		if (!b)
			return;
		const card = b.closest('.callout-card');
		const item = b.closest('.alarm-item');
		let bridge;
		let id;
		if (card) {
			bridge = card.dataset.bridge;
			id = card.dataset.id;
		} else if (item) {
			bridge = item.dataset.bridge;
			id = item.dataset.id;
		} else {
			return;
		}
		const r = b.closest('.responder');
		const identity = r ? { type: r.dataset.type, mcc: Number(r.dataset.mcc), mnc: Number(r.dataset.mnc), ssi: Number(r.dataset.ssi) } : null;
		switch (b.dataset.action) {
		case 'ack': this.ack(bridge, id); break;
		case 'close': this.openClose(bridge, id); break;
		case 'cancel': this.openCancel(bridge, id); break;
		case 'realert-all': this.realertAll(bridge, id); break;
		case 'realert': this.realert(bridge, id, identity); break;
		case 'set': this.openSet(bridge, id, identity, r.dataset.state); break;
		default: break;
		}
	}
}
