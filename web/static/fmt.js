// Formatting of times, identities and positions for people.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { t, getLang } from './i18n.js';

// Microseconds since the epoch, as the bridge counts them, from the
// string (64-bit in proto3 JSON) or number; 0 when absent.
export function us(v) {
	if (v === undefined || v === null || v === '')
		return 0;
	const n = Number(v);
	return Number.isFinite(n) ? n : 0;
}

export function nowUs() {
	return Date.now() * 1000;
}

// A duration in seconds for people: "42 s", "3 min 05 s", "1 t 20 min".
export function duration(seconds) {
	const s = Math.max(0, Math.floor(seconds));
	if (s < 60)
		return t('time.s', { n: s });
	if (s < 3600)
		return t('time.ms', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
	return t('time.hm', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}

// A countdown "m:ss" (negative: "-m:ss").
export function countdown(seconds) {
	const neg = seconds < 0;
	const s = Math.abs(Math.trunc(seconds));
	const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
	return neg ? `-${text}` : text;
}

// Time of day of an event, local time, with seconds.
export function clock(timeUs) {
	const d = new Date(us(timeUs) / 1000);
	return d.toLocaleTimeString(getLang() === 'nb' ? 'nb-NO' : 'en-GB', { hour12: false });
}

// The key that tells identities apart (an SSI can exist in two networks).
export function identityKey(id) {
	if (!id)
		return '';
	return `${id.mcc || 0}-${id.mnc || 0}-${id.ssi || 0}-${id.digits || ''}`;
}

// The roster's name, else the number, for people.
export function who(id) {
	if (!id)
		return '?';
	if (id.name)
		return id.name;
	if (id.undecoded && id.undecoded.text !== undefined && id.type === 'IDENTITY_NONE')
		return `?${id.undecoded.text}`;
	if (id.digits)
		return id.digits;
	return String(id.ssi ?? '?');
}

// The identity for a command: the number only (names are the bridge's).
export function commandIdentity(id) {
	if (id.type === 'IDENTITY_TSI' || id.mcc || id.mnc)
		return { type: 'IDENTITY_TSI', mcc: id.mcc || 0, mnc: id.mnc || 0, ssi: id.ssi || 0 };
	return { type: 'IDENTITY_SSI', ssi: id.ssi || 0 };
}

export function position(lat, lon) {
	const ns = lat >= 0 ? 'N' : 'S';
	const ew = lon >= 0 ? 'E' : 'W';
	return `${Math.abs(lat).toFixed(4)}°${ns} ${Math.abs(lon).toFixed(4)}°${ew}`;
}

export function hex(v) {
	return `0x${Number(v).toString(16).toUpperCase().padStart(4, '0')}`;
}
