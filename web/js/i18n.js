// i18n.js: the page's strings, from po/web/LANG.po (gettext format, served
// at /locale/LANG.po) so that translators add a language without touching
// code. Message ids are symbolic ("send.button"); a missing translation
// shows its id, never another language.

export const I18N_LANGS = ['ru', 'en', 'uk'];

// The quoted string starting at s[i] (after the opening quote), with C
// escapes; returns [text, index after the closing quote].
function po_string(s, i) {
	let out = '';
	const esc = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
	for (; i < s.length; i++) {
		const c = s[i];
		if (c === '"')
			return [out, i + 1];
		if (c === '\\' && i + 1 < s.length) {
			i++;
			out += esc[s[i]] !== undefined ? esc[s[i]] : s[i];
		} else {
			out += c;
		}
	}
	throw new Error('po: unterminated string');
}

// Map of msgid -> msgstr; entries with an empty msgstr, the header
// (msgid ""), and fuzzy entries are left out.
export function i18n_parse_po(text) {
	const map = new Map();
	let cur = null, field = null, fuzzy = false;
	const flush = () => {
		if (cur && cur.id !== '' && cur.str !== '' && !fuzzy)
			map.set(cur.id, cur.str);
		cur = null;
		fuzzy = false;
	};
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '') {
			flush();
			continue;
		}
		if (line.startsWith('#')) {
			if (line.startsWith('#,') && line.includes('fuzzy'))
				fuzzy = true;
			continue;
		}
		const m = /^(msgctxt|msgid|msgstr)\s+"/.exec(line);
		if (m) {
			if (m[1] !== 'msgstr' && cur && cur.str !== undefined)
				flush();
			if (!cur)
				cur = {};
			field = m[1] === 'msgid' ? 'id' : m[1] === 'msgstr' ? 'str' : 'ctx';
			cur[field] = po_string(line, m[0].length)[0];
		} else if (line.startsWith('"') && cur && field) {
			cur[field] += po_string(line, 1)[0];
		} else {
			throw new Error('po: bad line');
		}
	}
	flush();
	return map;
}

export async function i18n_load(lang) {
	if (!I18N_LANGS.includes(lang))
		throw new Error('no such language');
	const r = await fetch('/locale/' + lang + '.po', { credentials: 'omit', cache: 'no-store' });
	if (!r.ok)
		throw new Error('locale ' + r.status);
	return { lang, map: i18n_parse_po(await r.text()) };
}

// The string for id with {name} replaced from params.
export function i18n_t(cat, id, params) {
	const s = cat && cat.map.has(id) ? cat.map.get(id) : id;
	return s.replace(/\{(\w+)\}/g, (all, k) => (params && k in params ? String(params[k]) : all));
}

// "12,3 МБ": one decimal at most, the units and decimal mark from the catalog.
export function i18n_size(cat, n) {
	const units = ['unit.b', 'unit.kb', 'unit.mb', 'unit.gb', 'unit.tb'];
	let u = 0;
	while (n >= 1024 && u < units.length - 1) {
		n /= 1024;
		u++;
	}
	let num = u === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0);
	num = num.replace('.', i18n_t(cat, 'num.decimal'));
	return i18n_t(cat, units[u], { n: num });
}

// "1 ч 5 мин", "3 мин", "40 с".
export function i18n_duration(cat, s) {
	s = Math.max(0, Math.round(s));
	if (s >= 3600)
		return i18n_t(cat, 'time.hm', { h: Math.floor(s / 3600), m: Math.floor(s % 3600 / 60) });
	if (s >= 60)
		return i18n_t(cat, 'time.m', { m: Math.round(s / 60) });
	return i18n_t(cat, 'time.s', { s });
}
