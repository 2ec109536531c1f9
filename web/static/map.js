// Positions on a map: responders' last positions (from their call-outs),
// terminals' location reports and radios' own positions. With a tile
// server in the config: Leaflet (Debian's libjs-leaflet, served under
// /leaflet/). Without one (a health network has no internet): a plain
// grid with a distance scale, equirectangular projection, fitted to the points.
//
// SPDX-License-Identifier: GPL-2.0-or-later

import { el, svg, clear } from './dom.js';
import { t } from './i18n.js';
import { us, who, identityKey, position } from './fmt.js';

const KM_PER_DEG = 111.32;
const W = 800;
const H = 500;
const MARGIN = 40;
const LABEL_ROOM = 150; // labels go right of their point

// Every position to show: [{key, lat, lon, timeUs, label, type, bridge}].
export function collectPoints(store) {
	const pts = new Map();
	for (const [key, p] of store.positions)
		pts.set(key, { key, ...p, label: p.label || who(p.identity) });
	for (const { bridge, callout } of store.callouts.values()) {
		for (const r of callout.responders || []) {
			const pos = r.position;
			if (!pos || !us(pos.timeUs))
				continue;
			const key = `${bridge}/${identityKey(r.identity)}`;
			const prev = pts.get(key);
			if (prev && prev.timeUs >= us(pos.timeUs) && prev.type !== 'terminal')
				continue;
			pts.set(key, { key, lat: pos.latitude, lon: pos.longitude, timeUs: us(pos.timeUs),
				label: who(r.identity), type: 'responder', state: r.state, bridge });
		}
	}
	return [...pts.values()].filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
}

// A round length near x: 1, 2 or 5 times a power of ten.
export function niceStep(x) {
	const p = 10 ** Math.floor(Math.log10(x));
	const m = x / p;
	return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

function kmText(km) {
	return km >= 1 ? String(km) : String(Number(km.toFixed(3)));
}

// The projection of points into the W x H box: {x(lon), y(lat), kmPerPx}.
export function fit(points) {
	const lats = points.map((p) => p.lat);
	const lons = points.map((p) => p.lon);
	const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
	const lon0 = (Math.min(...lons) + Math.max(...lons)) / 2;
	const k = Math.cos((lat0 * Math.PI) / 180);
	// extent in km, at least 1 km so that a single point has a scale
	const wKm = Math.max((Math.max(...lons) - Math.min(...lons)) * KM_PER_DEG * k, 1);
	const hKm = Math.max((Math.max(...lats) - Math.min(...lats)) * KM_PER_DEG, 1);
	const kmPerPx = Math.max(wKm / (W - 2 * MARGIN - LABEL_ROOM), hKm / (H - 2 * MARGIN));
	const cx = (W - LABEL_ROOM) / 2;
	return {
		kmPerPx,
		x: (lon) => cx + ((lon - lon0) * KM_PER_DEG * k) / kmPerPx,
		y: (lat) => H / 2 - ((lat - lat0) * KM_PER_DEG) / kmPerPx,
	};
}

function gridMap(root, points) {
	clear(root);
	const box = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'grid-map', role: 'img', 'aria-label': t('map.title') });
	box.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' }));
	if (!points.length) {
		box.append(svg('text', { x: W / 2, y: H / 2, class: 'map-empty', 'text-anchor': 'middle', text: t('map.empty') }));
		root.append(box);
		return;
	}
	const pr = fit(points);
	const stepKm = niceStep((W / 6) * pr.kmPerPx);
	const stepPx = stepKm / pr.kmPerPx;
	for (let x = (W / 2) % stepPx; x < W; x += stepPx)
		box.append(svg('line', { x1: x, y1: 0, x2: x, y2: H, class: 'grid-line' }));
	for (let y = (H / 2) % stepPx; y < H; y += stepPx)
		box.append(svg('line', { x1: 0, y1: y, x2: W, y2: y, class: 'grid-line' }));
	for (const p of points) {
		const x = pr.x(p.lon);
		const y = pr.y(p.lat);
		const g = svg('g', { class: `map-point ${p.type}`, 'data-key': p.key, 'data-type': p.type });
		g.append(svg('title', { text: `${p.label} (${p.bridge}) ${position(p.lat, p.lon)}` }));
		if (p.type === 'radio')
			g.append(svg('rect', { x: x - 7, y: y - 7, width: 14, height: 14, class: 'mark' }));
		else
			g.append(svg('circle', { cx: x, cy: y, r: 8, class: 'mark', 'data-state': p.state || '' }));
		g.append(svg('text', { x: x + 12, y: y + 5, class: 'map-label', text: p.label }));
		box.append(g);
	}
	// the scale bar: a round length near a quarter of the width
	const barKm = niceStep((W / 4) * pr.kmPerPx);
	const barPx = barKm / pr.kmPerPx;
	const sx = 20;
	const sy = H - 20;
	box.append(svg('g', { class: 'scale-bar' },
		svg('rect', { x: sx - 6, y: sy - 26, width: barPx + 12, height: 34, class: 'scale-bg' }),
		svg('line', { x1: sx, y1: sy, x2: sx + barPx, y2: sy, class: 'scale-line' }),
		svg('line', { x1: sx, y1: sy - 6, x2: sx, y2: sy + 4, class: 'scale-line' }),
		svg('line', { x1: sx + barPx, y1: sy - 6, x2: sx + barPx, y2: sy + 4, class: 'scale-line' }),
		svg('text', { x: sx + barPx / 2, y: sy - 10, 'text-anchor': 'middle', class: 'scale-text', text: t('map.scale', { km: kmText(barKm) }) })));
	root.append(box);
}

function loadLeaflet() {
	if (globalThis.L)
		return Promise.resolve(globalThis.L);
	return new Promise((resolve, reject) => {
		document.head.append(el('link', { rel: 'stylesheet', href: '/leaflet/leaflet.css' }));
		const s = el('script', { src: '/leaflet/leaflet.js' });
		s.addEventListener('load', () => (globalThis.L ? resolve(globalThis.L) : reject(new Error('no L'))));
		s.addEventListener('error', () => reject(new Error('leaflet did not load')));
		document.head.append(s);
	});
}

export class MapView {
	constructor(root, store) {
		this.root = root;
		this.store = store;
		this.tiles = '';
		this.leaflet = null;
		this.markers = new Map();
		this.fittedKeys = '';
		this.pending = false;
	}

	async setTileServer(url) {
		this.tiles = url || '';
		if (!this.tiles || this.leaflet)
			return this.render();
		try {
			const L = await loadLeaflet();
			clear(this.root);
			const div = el('div', { class: 'leaflet-box', id: 'leaflet-map' });
			this.root.append(div);
			const map = L.map(div, { attributionControl: false });
			L.tileLayer(this.tiles, { maxZoom: 19 }).addTo(map);
			L.control.scale({ imperial: false }).addTo(map);
			map.setView([60, 10], 5);
			this.leaflet = { L, map, layer: L.layerGroup().addTo(map) };
		} catch {
			this.tiles = '';
			this.root.append(el('p', { class: 'map-note', text: t('map.tiles_failed') }));
		}
		return this.render();
	}

	// Coalesced: many position events draw once.
	update() {
		if (this.pending)
			return;
		this.pending = true;
		setTimeout(() => {
			this.pending = false;
			this.render();
		}, 250);
	}

	render() {
		const points = collectPoints(this.store);
		this.root.dataset.points = String(points.length);
		if (!this.leaflet) {
			gridMap(this.root, points);
			return;
		}
		const { L, map, layer } = this.leaflet;
		layer.clearLayers();
		for (const p of points) {
			const m = L.circleMarker([p.lat, p.lon], { radius: 8, className: `map-point ${p.type}` });
			m.bindTooltip(el('span', { text: p.label }), { permanent: true, direction: 'right' });
			layer.addLayer(m);
		}
		const keys = points.map((p) => p.key).sort().join(',');
		if (points.length && keys !== this.fittedKeys) {
			this.fittedKeys = keys;
			map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lon])).pad(0.2), { maxZoom: 15 });
		}
	}

	invalidate() {
		this.leaflet?.map.invalidateSize();
	}
}
