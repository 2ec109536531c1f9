// The WebSocket to tetra-web (/ws, subprotocol tetra-web.v1): messages from
// the server only. It reconnects by itself after 0.5 s, doubling to 10 s;
// each connection starts with a full snapshot, which resets the wait.
//
// SPDX-License-Identifier: GPL-2.0-or-later

const PROTOCOL = 'tetra-web.v1';
const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 10000;

export class Socket {
	// onMessage(msg), onState('open' | 'closed', retryMs), shouldRetry(): Promise<bool>
	// (asked after a close: false when the session is gone).
	constructor({ onMessage, onState, shouldRetry }) {
		this.onMessage = onMessage;
		this.onState = onState;
		this.shouldRetry = shouldRetry;
		this.ws = null;
		this.wait = FIRST_WAIT_MS;
		this.timer = 0;
		this.running = false;
	}

	url() {
		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		return `${scheme}//${location.host}/ws`;
	}

	start() {
		this.running = true;
		this.wait = FIRST_WAIT_MS;
		this.connect();
	}

	stop() {
		this.running = false;
		clearTimeout(this.timer);
		this.timer = 0;
		if (this.ws) {
			const ws = this.ws;
			this.ws = null;
			ws.close(1000);
		}
		this.onState('closed', 0);
	}

	connect() {
		this.timer = 0;
		if (!this.running)
			return;
		let ws;
		try {
			ws = new WebSocket(this.url(), PROTOCOL);
		} catch {
			this.retry();
			return;
		}
		this.ws = ws;
		ws.addEventListener('message', (e) => {
			if (ws !== this.ws || typeof e.data !== 'string')
				return;
			let msg;
			try {
				msg = JSON.parse(e.data);
			} catch {
				return;
			}
			if (msg.type === 'snapshot') {
				this.wait = FIRST_WAIT_MS;
				this.onState('open', 0);
			}
			this.onMessage(msg);
		});
		ws.addEventListener('close', () => {
			if (ws !== this.ws)
				return;
			this.ws = null;
			this.retry();
		});
	}

	async retry() {
		if (!this.running)
			return;
		const wait = this.wait;
		this.wait = Math.min(this.wait * 2, MAX_WAIT_MS);
		this.onState('closed', wait);
		let again = true;
		try {
			again = await this.shouldRetry();
		} catch {
			again = true; // the server is away: keep trying
		}
		if (!again || !this.running)
			return;
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.connect(), wait);
	}
}
