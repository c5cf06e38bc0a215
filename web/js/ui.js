// ui.js: what both pages share in the interface: the language (Russian
// unless the person switched), strings into elements marked data-t, showing
// and hiding parts, and the organization's keyset and fingerprint on
// screen. It holds no key material: keyset and receipt objects pass
// through it opaque.

import { i18n_load, i18n_t, I18N_LANGS } from './i18n.js';
import { words_load } from './words.js';
import { keyset_fingerprint, keyset_fingerprint_bits, keyset_verify } from './keyset.js';
import { receipt_bits_words } from './receipt.js';

export const ui = { cat: null, lists: null, on_lang: null, ks: null };

export function $(id) {
	return document.getElementById(id);
}

export function t(id, params) {
	return i18n_t(ui.cat, id, params);
}

export function ui_show(id, on) {
	$(id).hidden = !on;
}

export function ui_text(id, s) {
	$(id).textContent = s;
}

// The word list for the page's language (Ukrainian reads the Russian one),
// or null when the server has none: then only codes are shown.
export function ui_words() {
	const l = ui.cat.lang === 'en' ? ui.lists.en : ui.lists.ru;
	return l.length ? l : null;
}

function apply() {
	document.documentElement.lang = ui.cat.lang;
	for (const el of document.querySelectorAll('[data-t]'))
		el.textContent = t(el.dataset.t);
	for (const el of document.querySelectorAll('[data-t-placeholder]'))
		el.placeholder = t(el.dataset.tPlaceholder);
	for (const el of document.querySelectorAll('[data-t-label]'))
		el.setAttribute('aria-label', t(el.dataset.tLabel));
	for (const l of I18N_LANGS) {
		const b = $('lang-' + l);
		if (b)
			b.setAttribute('aria-pressed', String(l === ui.cat.lang));
	}
	// Links between the pages keep the language (not a secret).
	for (const a of document.querySelectorAll('a[data-page]'))
		a.href = a.dataset.page + (ui.cat.lang === 'ru' ? '' : '?lang=' + ui.cat.lang);
	document.title = t(document.body.dataset.title);
}

async function set_lang(lang) {
	ui.cat = await i18n_load(lang);
	apply();
	if (ui.ks)
		ui_fingerprint(ui.ks);
	if (ui.on_lang)
		ui.on_lang();
}

// Loads the language (?lang=xx or Russian) and both word lists, and wires
// the switch. on_lang runs after every change, for dynamic text.
export async function ui_init(on_lang) {
	const q = new URLSearchParams(location.search).get('lang');
	ui.on_lang = on_lang;
	// Without word lists receipts and fingerprints are still codes.
	const [cat, ru, en] = await Promise.all([
		i18n_load(I18N_LANGS.includes(q) ? q : 'ru'),
		words_load('ru').catch(() => []), words_load('en').catch(() => [])]);
	ui.cat = cat;
	ui.lists = { ru, en };
	apply();
	for (const l of I18N_LANGS) {
		const b = $('lang-' + l);
		if (b)
			b.addEventListener('click', () => set_lang(l));
	}
}

// GET /v1/keyset, verified. Returns the keyset or shows #keyset-error and
// returns null.
export async function ui_keyset() {
	let why = 'form', date = '';
	try {
		const r = await fetch('/v1/keyset', { credentials: 'omit', cache: 'no-store' });
		if (r.status === 404)
			why = 'missing';
		else if (!r.ok)
			why = 'server';
		else
			return keyset_verify(new Uint8Array(await r.arrayBuffer()), Math.floor(Date.now() / 1000));
	} catch (e) {
		if (e.why) {
			why = e.why;
			date = e.date || '';
		} else {
			why = 'server';
		}
	}
	ui_text('keyset-error', t('keyset.' + why, { date }));
	ui_show('keyset-error', true);
	return null;
}

// The root fingerprint in words (page language) and as a code.
export function ui_fingerprint(ks) {
	ui.ks = ks;
	const list = ui_words();
	ui_text('fp-words', list ? receipt_bits_words(keyset_fingerprint_bits(ks), 15, list).join(' ') : '');
	ui_show('fp-words', list !== null);
	ui_text('fp-code', keyset_fingerprint(ks));
	ui_show('org', true);
}
