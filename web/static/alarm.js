// The escalation alarm: a red banner naming every call-out whose alarm is
// on, and a sound (WebAudio beeps, no file) repeating until each is
// acknowledged (here or in another browser: the ALARM_ACK event clears the
// call-out's alarm flag) or the sound is muted. Browsers play sound only
// after a user gesture: the login click, or the first click or key on the page.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { el, clear } from './dom.js';
import { t } from './i18n.js';
import { calloutKey } from './store.js';

const BEEP_EVERY_MS = 2000;

export class Alarm {
	constructor({ banner, list, ackAll, muteButtons, blockedNote }) {
		this.banner = banner;
		this.list = list;
		this.ackAll = ackAll;
		this.muteButtons = muteButtons;
		this.blockedNote = blockedNote;
		this.muted = false;
		this.ctx = null;
		this.timer = 0;
		this.active = [];
		this.canAct = false;
		for (const b of muteButtons)
			b.addEventListener('click', () => this.setMuted(!this.muted));
		const unlock = () => this.unlock();
		document.addEventListener('pointerdown', unlock, true);
		document.addEventListener('keydown', unlock, true);
		this.updateMuteButtons();
	}

	// Call from a user gesture (the login click): the audio context may start then.
	unlock() {
		try {
			const AC = globalThis.AudioContext || globalThis.webkitAudioContext;
			if (!this.ctx && AC)
				this.ctx = new AC();
			if (this.ctx && this.ctx.state === 'suspended')
				this.ctx.resume().catch(() => {});
		} catch {
			this.ctx = null;
		}
		this.updateBlocked();
	}

	setMuted(m) {
		this.muted = m;
		this.updateMuteButtons();
		this.updateSound();
	}

	updateMuteButtons() {
		for (const b of this.muteButtons) {
			b.textContent = t(this.muted ? 'sound.unmute' : 'sound.mute');
			b.setAttribute('aria-pressed', String(this.muted));
			b.dataset.muted = String(this.muted);
		}
	}

	updateBlocked() {
		const blocked = this.active.length > 0 && !this.muted && (!this.ctx || this.ctx.state !== 'running');
		this.blockedNote.hidden = !blocked;
	}

	// entries: the store's call-outs with the alarm on.
	show(entries, canAct) {
		this.active = entries;
		this.canAct = canAct;
		clear(this.list);
		for (const { bridge, callout: co } of entries) {
			const li = el('li', { class: 'alarm-item', dataset: { bridge, id: String(co.id) } },
				el('span', { class: 'alarm-what', text: `${bridge} #${co.id} · ${co.severity} ${co.severityName || ''}`.trim() }),
				el('span', { class: 'alarm-text', text: co.text || '' }));
			if (canAct)
				li.append(el('button', { type: 'button', class: 'act alarm-item-ack', dataset: { action: 'ack', key: calloutKey(bridge, co.id) }, text: t('alarm.ack') }));
			this.list.append(li);
		}
		this.banner.hidden = entries.length === 0;
		document.body.classList.toggle('alarm-on', entries.length > 0);
		this.ackAll.hidden = !canAct;
		this.updateSound();
	}

	updateSound() {
		const want = this.active.length > 0 && !this.muted;
		if (want && !this.timer) {
			this.beep();
			this.timer = setInterval(() => this.beep(), BEEP_EVERY_MS);
		} else if (!want && this.timer) {
			clearInterval(this.timer);
			this.timer = 0;
		}
		this.updateBlocked();
	}

	// Two falling tones, loud enough to be heard across a room.
	beep() {
		const ctx = this.ctx;
		this.updateBlocked();
		if (!ctx || ctx.state !== 'running')
			return;
		const start = ctx.currentTime + 0.02;
		[[880, 0], [660, 0.25], [880, 0.6], [660, 0.85]].forEach(([freq, at]) => {
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			osc.type = 'square';
			osc.frequency.value = freq;
			gain.gain.setValueAtTime(0.0001, start + at);
			gain.gain.exponentialRampToValueAtTime(0.25, start + at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.22);
			osc.connect(gain).connect(ctx.destination);
			osc.start(start + at);
			osc.stop(start + at + 0.24);
		});
	}

	stop() {
		this.show([], false);
	}

	relabel() {
		this.updateMuteButtons();
		this.show(this.active, this.canAct);
	}
}
