// The radios of every bridge: online or offline (and why), signal, last heard.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { el, clear } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { us } from './fmt.js';

// {text, bars 0-4} of a radio's signal: a radio_info event's (rssi 0-31,
// dBm when the terminal gave it) if the page saw one, else the board's
// "signal" (a negative number: dBm; 0-31: rssi; 99 or null: unknown).
export function signalOf(radio) {
	let rssi = null;
	let dbm = null;
	const s = radio.signalInfo;
	if (s && s.rssi !== undefined && s.rssi !== 99) {
		rssi = s.rssi;
		if (s.hasDbm)
			dbm = s.dbm;
	} else if (typeof radio.signal === 'number' && radio.signal !== 99) {
		if (radio.signal < 0)
			dbm = radio.signal;
		else
			rssi = radio.signal;
	}
	if (rssi === null && dbm !== null)
		rssi = Math.max(0, Math.min(31, Math.round((dbm + 113) / 2)));
	if (rssi === null)
		return { text: t('radio.signal.none'), bars: -1 };
	if (dbm === null)
		dbm = -113 + 2 * rssi;
	const bars = rssi >= 20 ? 4 : rssi >= 14 ? 3 : rssi >= 8 ? 2 : rssi >= 2 ? 1 : 0;
	return { text: `${dbm} dBm`, bars };
}

function bars(n) {
	const box = el('span', { class: 'bars', dataset: { bars: String(n) }, 'aria-hidden': 'true' });
	for (let i = 1; i <= 4; i++)
		box.append(el('span', { class: i <= n ? 'bar on' : 'bar' }));
	return box;
}

export function renderRadios(container, store) {
	clear(container);
	if (!store.bridges.size) {
		container.append(el('p', { class: 'empty', text: t('radios.none') }));
		return;
	}
	for (const [name, b] of store.bridges) {
		const section = el('div', { class: 'bridge-radios', dataset: { bridge: name, connected: String(!!b.connected) } });
		section.append(el('h3', {},
			el('span', { class: 'bridge-name', text: name }), ' ',
			el('span', { class: `link-state ${b.connected ? 'up' : 'down'}`, text: t(b.connected ? 'bridge.connected' : 'bridge.disconnected') })));
		const list = el('ul', { class: 'radio-list' });
		for (const r of b.radios) {
			const sig = signalOf(r);
			const heard = us(r.lastHeardUs);
			const li = el('li', { class: 'radio', dataset: { bridge: name, name: r.name, state: r.state || 'STATE_UNKNOWN' } },
				el('span', { class: 'radio-name', text: r.name }),
				el('span', { class: 'radio-state', dataset: { state: r.state || 'STATE_UNKNOWN' }, text: enumLabel('RadioState', r.state || 'STATE_UNKNOWN') }),
				el('span', { class: 'radio-signal', title: t('radio.signal') }, bars(sig.bars), ' ', el('span', { class: 'signal-text', text: sig.text })),
				el('span', { class: 'radio-heard' }, el('span', { class: 'label', text: t('radio.heard') }), ' ',
					heard ? el('span', { class: 'ago', dataset: { sinceUs: String(heard) } }) : el('span', { text: t('radio.never') })),
			);
			if (r.reason && r.state !== 'STATE_ONLINE')
				li.append(el('span', { class: 'radio-reason', text: r.reason }));
			list.append(li);
		}
		if (!b.radios.length)
			list.append(el('li', { class: 'empty', text: t('radios.none') }));
		section.append(list);
		container.append(section);
	}
}
