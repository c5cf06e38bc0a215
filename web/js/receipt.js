// receipt.js: the receipt (SPEC B, docs/FORMAT.md section 4): 16 random
// bytes and a check byte, shown as 12 words or a 28-character code, and
// what it derives: the reply key pair and the mailbox, with keyed BLAKE2b
// (no Argon2id: the 128 random bits are the strength). Parsing takes either
// form, words from either list, and names the word that matches nothing.

import { lib, lib_blake2b } from './lib.js';
import { enc_b32_decode, enc_b32_encode, enc_bits, enc_concat, enc_group,
	enc_hex } from './enc.js';

const SECRET_LEN = 16;
const WORDS = 12;

function check_byte(secret) {
	return lib_blake2b(16, secret, null, null, 'intake-rcpt-chk')[0];
}

function derive(secret) {
	const out = lib_blake2b(64, new Uint8Array(0), secret, null, 'intake-rcpt-kdf2');
	const kp = lib().crypto_box_seed_keypair(out.subarray(0, 32));
	const r = { secret, reply_pk: kp.publicKey, reply_sk: kp.privateKey,
		mailbox: out.slice(32, 48) };
	out.fill(0);
	return r;
}

export function receipt_generate() {
	return derive(lib().randombytes_buf(SECRET_LEN));
}

export function receipt_mailbox_hex(r) {
	return enc_hex(r.mailbox);
}

// XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX
export function receipt_format(r) {
	return enc_group(enc_b32_encode(enc_concat(r.secret, [check_byte(r.secret)])), 4);
}

// 12 words: 128 secret bits then the top 4 bits of the check byte.
export function receipt_words(r, list) {
	const bits = enc_concat(r.secret, [check_byte(r.secret)]);
	return enc_bits(bits, 11, WORDS).map((i) => list[i]);
}

// Words of a 15-word fingerprint and the like: first count*11 bits.
export function receipt_bits_words(bytes, count, list) {
	return enc_bits(bytes, 11, count).map((i) => list[i]);
}

// Whether two receipts are the same, in constant time.
export function receipt_same(a, b) {
	return lib().memcmp(a.secret, b.secret);
}

export function receipt_free(r) {
	if (r === null)
		return;
	r.secret.fill(0);
	r.reply_sk.fill(0);
}

// Reading a typed receipt: docs/FORMAT.md section 4.4, step by step, so
// that the page and intake-submit accept exactly the same texts.

const TEXT_MAX = 4096;
// Step 2: what a code may hold besides its symbols, and Cyrillic capitals
// typed for Latin ones.
const CODE_SKIP = /^[ \t\n\r\-\u00a0\u2000-\u200a\u2010-\u2015\u2212\u3000]$/u;
const CODE_LOOK = { 'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H',
	'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X' };
// Step 4: look-alike letters between the alphabets.
const LAT2CYR = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', k: 'к',
	m: 'м', t: 'т', b: 'в', h: 'н' };
const CYR2LAT = Object.fromEntries(Object.entries(LAT2CYR).map(([l, c]) => [c, l]));

// Step 2: the code form, or null when the text is not one.
function parse_code(text) {
	let kept = '';
	for (const ch of text) {
		if (CODE_SKIP.test(ch))
			continue;
		const c = CODE_LOOK[ch.toUpperCase()] || ch;
		if (!/^[A-Za-z0-9]$/.test(c) || kept.length >= 40)
			return null;
		kept += c;
	}
	if (kept.length === 28) {
		const raw = /U/i.test(kept) ? null : enc_b32_decode(kept, 17);
		if (raw === null || raw[16] !== check_byte(raw.subarray(0, SECRET_LEN)))
			return { error: 'check' };
		return { receipt: derive(raw.slice(0, SECRET_LEN)) };
	}
	if (kept.length >= 20 && kept.length <= 36)
		return { error: 'code_length' };
	return null;
}

// Step 3: fold case and split into words.
function split_words(text) {
	const words = [];
	let cur = '';
	for (const ch of text) {
		let c = ch.codePointAt(0);
		if (c >= 0x41 && c <= 0x5a)
			c += 0x20;
		else if (c === 0x401 || c === 0x451)
			c = 0x435;
		else if (c >= 0x410 && c <= 0x42f)
			c += 0x20;
		else if (c >= 0x400 && c <= 0x40f)
			c += 0x50;
		if (c === 0x306 && cur.endsWith('и')) {
			cur = cur.slice(0, -1) + 'й';
		} else if ((c >= 0x300 && c <= 0x36f) || c === 0xad || (c >= 0x200b && c <= 0x200d) ||
		           c === 0x2060 || c === 0xfeff) {
			// dropped without separating
		} else if ((c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
		           (c >= 0x370 && c <= 0x3ff) || (c >= 0x400 && c <= 0x52f)) {
			cur += String.fromCodePoint(c);
		} else if (cur !== '') {
			words.push(cur);
			cur = '';
		}
	}
	if (cur !== '')
		words.push(cur);
	return words;
}

function map4(word, table) {
	return Array.from(word).slice(0, 4).map((ch) => table[ch] || ch).join('');
}

// Step 4: the index of the word in one list, or null. heads: each list
// word's first 4 letters (ё as е).
function match(word, lists, heads) {
	if (Array.from(word).length < 4)
		return null;
	const ru = map4(word, LAT2CYR), en = map4(word, CYR2LAT);
	if (/^[а-я]{4}$/u.test(ru) && heads.ru.has(ru))
		return heads.ru.get(ru);
	if (/^[a-z]{4}$/.test(en) && heads.en.has(en))
		return heads.en.get(en);
	return null;
}

function distance(a, b) {
	a = Array.from(a);
	b = Array.from(b);
	const d = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = d[0];
		d[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const t = d[j];
			d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = t;
		}
	}
	return d[b.length];
}

// Up to 3 list words at distance at most 2 (the smaller of whole words and
// first 4 letters), nearest first, ties in list order.
function suggest(word, lists) {
	const cyr = /^[\u0400-\u052f]/u.test(word);
	const list = cyr ? lists.ru : lists.en;
	const w = Array.from(word).map((ch) => (cyr ? LAT2CYR : CYR2LAT)[ch] || ch).join('');
	const w4 = Array.from(w).slice(0, 4).join('');
	return list.map((x, i) => {
		const f = x.replace(/ё/g, 'е');
		return [Math.min(distance(w, f), distance(w4, Array.from(f).slice(0, 4).join(''))), i];
	}).filter(([dd]) => dd <= 2).sort((p, q) => p[0] - q[0] || p[1] - q[1])
		.slice(0, 3).map(([, i]) => list[i]);
}

// lists: { ru: [...], en: [...] }. Returns { receipt } or { error } where
// error is 'form' (neither form), 'code_length', 'check' (a mistake the
// check caught), 'count' (with n: words found, not 12) or 'words' (with
// bad: [{ pos: 1..12, token, near: [up to 3 words] }]).
export function receipt_parse(text, lists) {
	if (new TextEncoder().encode(text).length > TEXT_MAX)
		return { error: 'form' };
	const code = parse_code(text);
	if (code !== null)
		return code;
	const words = split_words(text);
	if (words.length !== WORDS)
		return words.length ? { error: 'count', n: words.length } : { error: 'form' };
	const heads = {};
	for (const l of ['ru', 'en'])
		heads[l] = new Map(lists[l].map((w, i) => [Array.from(w.replace(/ё/g, 'е')).slice(0, 4).join(''), i]));
	const idx = [], bad = [];
	words.forEach((w, pos) => {
		const i = match(w, lists, heads);
		if (i === null)
			bad.push({ pos: pos + 1, token: w, near: suggest(w, lists) });
		else
			idx.push(i);
	});
	if (bad.length)
		return { error: 'words', bad };
	const raw = new Uint8Array(17);
	idx.forEach((v, i) => {
		for (let j = 0; j < 11; j++) {
			const bit = i * 11 + j;
			if ((v >> (10 - j)) & 1)
				raw[bit >> 3] |= 0x80 >> (bit & 7);
		}
	});
	const secret = raw.slice(0, SECRET_LEN);
	const ok = (raw[16] & 0xf0) === (check_byte(secret) & 0xf0);
	raw.fill(0);
	if (!ok) {
		secret.fill(0);
		return { error: 'check' };
	}
	return { receipt: derive(secret) };
}
