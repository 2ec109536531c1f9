// Small DOM helpers. Data from the bridges (texts, names, identities) goes
// into the page only as textContent or attribute values, never as HTML.
//
// SPDX-License-Identifier: GPL-2.0-or-later

// el('li', {class: 'x', dataset: {seq: '5'}, text: 'hi'}, child, ...)
// attrs: class, text, dataset, hidden, and any other attribute by name
// (set with setAttribute; false/null/undefined leave it out).
export function el(tag, attrs, ...children) {
	const e = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k === 'class')
				e.className = v;
			else if (k === 'text')
				e.textContent = v;
			else if (k === 'dataset')
				Object.assign(e.dataset, v);
			else if (k === 'hidden')
				e.hidden = !!v;
			else
				e.setAttribute(k, v === true ? '' : String(v));
		}
	}
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		e.append(c instanceof Node ? c : String(c));
	}
	return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs, ...children) {
	const e = document.createElementNS(SVG_NS, tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k === 'text')
				e.textContent = v;
			else if (k === 'class')
				e.setAttribute('class', v);
			else
				e.setAttribute(k, String(v));
		}
	}
	for (const c of children)
		if (c)
			e.append(c);
	return e;
}

export function clear(e) {
	while (e.firstChild)
		e.firstChild.remove();
}

export function $(sel, root = document) {
	return root.querySelector(sel);
}
