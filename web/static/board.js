// The board: one card per open call-out of every bridge, updated live.
// Cards are rebuilt one at a time when their call-out changes (coalesced
// to one animation frame); the times on them tick once a second.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { el, clear } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { us, nowUs, duration, countdown, who, position } from './fmt.js';
import { calloutKey, isClosed } from './store.js';

const TICKS = ['', '✓', '✓✓', '✓✓'];
const TICK_LABELS = ['tick.none', 'tick.sent', 'tick.delivered', 'tick.read'];

// States from which an alert again makes sense (the bridge decides; the
// page offers it only where it can work).
const REALERTABLE = new Set([
	'RESPONDER_SENT', 'RESPONDER_DELIVERED', 'RESPONDER_READ', 'RESPONDER_NO_ANSWER', 'RESPONDER_FAILED',
]);

export function canRealert(r) {
	return REALERTABLE.has(r.state);
}

// The severity's colour class: 1 is the most urgent (the config's "red").
export function severityClass(sev) {
	const n = Math.min(15, Math.max(1, Number(sev) || 15));
	return `sev-${n}`;
}

function severityText(co) {
	const name = co.severityName || t('sev.name', { n: co.severity });
	return `${co.severity} · ${name}`;
}

// Elements whose text is a time: the ticker rewrites them.
function agoSpan(sinceUs, cls = '') {
	return el('span', { class: `ago ${cls}`.trim(), dataset: { sinceUs: String(sinceUs) } });
}

// what: whom the button acts on, for screen readers ("Alert again: Sykepleier Nord").
function button(action, label, what) {
	return el('button', { type: 'button', class: `act act-${action}`, dataset: { action }, text: t(label),
		'aria-label': what ? `${t(label)}: ${what}` : null });
}

function responderItem(store, bridge, co, r, canAct) {
	const id = r.identity || {};
	const level = store.delivered(bridge, co.id, id);
	const alerted = store.alertedAt(bridge, co.id, id);
	const data = {
		ssi: String(id.ssi ?? ''), mcc: String(id.mcc || 0), mnc: String(id.mnc || 0),
		type: id.type || 'IDENTITY_SSI', state: r.state, delivery: String(level),
	};
	const li = el('li', { class: 'responder', dataset: data },
		el('span', { class: 'r-name', text: who(id) }),
		r.isGroup ? el('span', { class: 'tag', text: t('resp.group') }) : null,
		el('span', { class: 'state-chip', dataset: { state: r.state }, text: enumLabel('ResponderState', r.state) }),
		el('span', { class: `ticks ticks-${level}`, dataset: { level: String(level) }, title: t(TICK_LABELS[level]),
			'aria-label': t(TICK_LABELS[level]), text: TICKS[level] }),
	);
	if (alerted)
		li.append(el('span', { class: 'r-alerted' }, el('span', { class: 'label', text: t('resp.alerted') }), ' ', agoSpan(alerted)));
	const pos = r.position;
	if (pos && us(pos.timeUs)) {
		li.append(el('span', { class: 'r-pos' },
			el('span', { class: 'coords', text: position(pos.latitude, pos.longitude) }), ' · ',
			agoSpan(us(pos.timeUs))));
	} else {
		li.append(el('span', { class: 'r-pos none', text: t('resp.nopos') }));
	}
	if (r.late)
		li.append(el('span', { class: 'tag late', text: t('resp.late') }));
	if (r.setBy)
		li.append(el('span', { class: 'r-setby', text: t('resp.set_by', { who: r.setBy }) }));
	if (r.cause)
		li.append(el('span', { class: 'r-cause', text: r.cause }));
	if (canAct && !isClosed(co)) {
		const acts = el('span', { class: 'r-actions' });
		if (canRealert(r))
			acts.append(button('realert', 'act.realert', who(id)));
		acts.append(button('set', 'act.set', who(id)));
		li.append(acts);
	}
	return li;
}

export function renderCard(store, entry, canAct) {
	const { bridge, callout: co } = entry;
	const closed = isClosed(co);
	const classes = ['callout-card', severityClass(co.severity)];
	if (co.alarm && !closed)
		classes.push('alarm');
	if (closed)
		classes.push('closing');
	if (co.test)
		classes.push('test');
	const card = el('article', {
		class: classes.join(' '),
		dataset: { bridge, id: String(co.id), state: co.state, severity: String(co.severity), alarm: String(!!co.alarm) },
		'aria-label': `#${co.id} ${severityText(co)}`,
	});

	const head = el('header', { class: 'card-head' },
		el('span', { class: 'sev-badge', text: severityText(co) }),
		el('span', { class: 'bridge-label', text: bridge }),
		el('span', { class: 'card-id', text: `#${co.id}` }),
		el('span', { class: 'co-state', dataset: { state: co.state }, text: enumLabel('CalloutState', co.state) }),
		co.test ? el('span', { class: 'tag test', text: t('card.test') }) : null,
		co.escalated ? el('span', { class: 'tag escalated', text: t('card.escalated') }) : null,
		co.overdue ? el('span', { class: 'tag overdue', text: t('card.overdue') }) : null,
	);
	card.append(head, el('p', { class: 'co-text', text: co.text || '' }));

	const meta = el('div', { class: 'card-meta' });
	meta.append(el('span', { class: 'co-age' }, el('span', { class: 'label', text: t('card.age') }), ' ', agoSpan(us(co.createdUs))));
	const deadline = us(co.answerDeadlineUs);
	if (deadline && !closed && co.state === 'CALLOUT_OPEN')
		meta.append(el('span', { class: 'co-deadline' }, el('span', { class: 'label', text: t('card.deadline') }), ' ',
			el('span', { class: 'countdown', dataset: { deadlineUs: String(deadline) } })));
	meta.append(el('span', { class: 'co-accepted', dataset: { accepted: String(co.accepted || 0), required: String(co.required || 0) },
		text: t('card.accepted', { a: co.accepted || 0, r: co.required || 0 }) }));
	if (co.radio)
		meta.append(el('span', { class: 'co-radio', text: t('card.via', { radio: co.radio }) }));
	if (co.plan)
		meta.append(el('span', { class: 'co-plan', text: t('card.plan', { plan: co.plan, level: co.level || 0 }) }));
	if (co.createdBy)
		meta.append(el('span', { class: 'co-by', text: t('card.by', { who: co.createdBy }) }));
	card.append(meta);

	const list = el('ul', { class: 'responders' });
	for (const r of co.responders || [])
		list.append(responderItem(store, bridge, co, r, canAct));
	card.append(list);

	if (canAct && !closed) {
		const foot = el('footer', { class: 'card-actions' });
		if (co.alarm)
			foot.append(button('ack', 'act.ack', `#${co.id}`));
		if ((co.responders || []).some(canRealert))
			foot.append(button('realert-all', 'act.realert.all', `#${co.id}`));
		foot.append(button('close', 'act.close', `#${co.id}`), button('cancel', 'act.cancel', `#${co.id}`));
		card.append(foot);
	}
	if (closed)
		card.append(el('p', { class: 'co-closed', text: `${enumLabel('CalloutState', co.state)}${co.outcome && co.outcome !== 'OUTCOME_NONE' ? ` – ${enumLabel('CalloutOutcome', co.outcome)}` : ''}` }));
	return card;
}

// Alarms first, then the most urgent severity, then the oldest.
function order(a, b) {
	const al = Number(!!b.callout.alarm) - Number(!!a.callout.alarm);
	if (al)
		return al;
	const sv = (a.callout.severity || 99) - (b.callout.severity || 99);
	if (sv)
		return sv;
	return us(a.callout.createdUs) - us(b.callout.createdUs);
}

// Rewrite every time in root: ".ago" as a duration since, ".countdown" as what is left.
export function tickTimes(root, now = nowUs()) {
	for (const e of root.querySelectorAll('.ago[data-since-us]')) {
		const since = Number(e.dataset.sinceUs);
		e.textContent = since ? duration((now - since) / 1e6) : '–';
	}
	for (const e of root.querySelectorAll('.countdown[data-deadline-us]')) {
		const left = (Number(e.dataset.deadlineUs) - now) / 1e6;
		e.textContent = left >= 0 ? countdown(left) : `${t('card.deadline.passed')} (${countdown(left)})`;
		e.classList.toggle('passed', left < 0);
		e.classList.toggle('soon', left >= 0 && left < 30);
	}
}

export class BoardView {
	constructor(container, emptyNote, store) {
		this.root = container;
		this.empty = emptyNote;
		this.store = store;
		this.canAct = false;
		this.cards = new Map();
		this.dirty = new Set();
		this.all = false;
		this.frame = 0;
	}

	setCanAct(v) {
		this.canAct = v;
		this.renderAll();
	}

	renderAll() {
		this.all = true;
		this.schedule();
	}

	changed(key) {
		this.dirty.add(key);
		this.schedule();
	}

	schedule() {
		if (this.frame)
			return;
		const run = () => {
			this.frame = 0;
			this.flush();
		};
		// a hidden tab gets no animation frames; the board must still be right when it shows
		this.frame = document.hidden ? setTimeout(run, 0) : requestAnimationFrame(run);
	}

	flush() {
		const now = nowUs();
		if (this.all) {
			this.all = false;
			this.dirty.clear();
			this.cards.clear();
			clear(this.root);
			const frag = document.createDocumentFragment();
			for (const entry of [...this.store.callouts.values()].sort(order)) {
				const card = renderCard(this.store, entry, this.canAct);
				this.cards.set(calloutKey(entry.bridge, entry.callout.id), card);
				frag.append(card);
			}
			tickTimes(frag, now);
			this.root.append(frag);
		} else {
			for (const key of this.dirty) {
				const entry = this.store.callouts.get(key);
				const old = this.cards.get(key);
				if (!entry) {
					old?.remove();
					this.cards.delete(key);
					continue;
				}
				const card = renderCard(this.store, entry, this.canAct);
				tickTimes(card, now);
				if (old)
					old.replaceWith(card);
				else
					this.root.append(card);
				this.cards.set(key, card);
			}
			this.dirty.clear();
			this.reorder();
		}
		this.empty.hidden = this.cards.size > 0;
	}

	// Move cards only when the order changed (a move restarts CSS animations and focus).
	reorder() {
		const want = [...this.store.callouts.values()].sort(order)
			.map((e) => this.cards.get(calloutKey(e.bridge, e.callout.id))).filter(Boolean);
		const have = [...this.root.children];
		if (want.length === have.length && want.every((c, i) => c === have[i]))
			return;
		const focused = document.activeElement;
		this.root.append(...want);
		if (focused && this.root.contains(focused))
			focused.focus();
	}

	tick() {
		tickTimes(this.root);
	}
}
