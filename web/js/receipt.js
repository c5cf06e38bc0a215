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

// Latin letters that look like Cyrillic ones, and back (SPEC B).
const LAT2CYR = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', k: 'к',
	m: 'м', t: 'т', b: 'в', h: 'н' };
const CYR2LAT = Object.fromEntries(Object.entries(LAT2CYR).map(([l, c]) => [c, l]));

function fold(s) {
	return s.normalize('NFC').toLowerCase().replace(/ё/g, 'е');
}

function script_of(token) {
	const cyr = /\p{Script=Cyrillic}/u.test(token), lat = /\p{Script=Latin}/u.test(token);
	return cyr && !lat ? 'cyr' : lat && !cyr ? 'lat' : 'mixed';
}

function map_chars(token, table) {
	return Array.from(token, (ch) => table[ch] || ch).join('');
}

// Index of the word token names in list (folded), or -1: the whole word, or
// a token of 4+ letters whose first four are a word's (the lists make each
// word unique in its first four, so inflected or cut forms still count).
function lookup(token, folded) {
	const exact = folded.indexOf(token);
	if (exact >= 0 || token.length < 4)
		return exact;
	const head = token.slice(0, 4);
	const hits = folded.flatMap((w, i) => (w.slice(0, 4) === head ? [i] : []));
	return hits.length === 1 ? hits[0] : -1;
}

function distance(a, b) {
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

function nearest(token, list, folded) {
	return folded.map((w, i) => [distance(token, w), i]).sort((x, y) => x[0] - y[0])
		.slice(0, 3).map(([, i]) => list[i]);
}

// lists: { ru: [...], en: [...] }. Returns { receipt } or { error } where
// error is 'form' (neither 12 words nor a code), 'words' (with bad:
// [{ pos: 1..12, token, near: [3 words] }]) or 'check' (a typing mistake
// the check bits caught).
export function receipt_parse(text, lists) {
	const folded = { ru: lists.ru.map(fold), en: lists.en.map(fold) };
	const tokens = fold(text).replace(/[\p{P}\p{S}]/gu, '').split(/\s+/).filter((t) => t);
	let raw;
	if (tokens.length === WORDS) {
		const idx = [], bad = [];
		tokens.forEach((t, pos) => {
			const sc = script_of(t);
			const order = sc === 'lat'
				? [['en', t], ['ru', map_chars(t, LAT2CYR)]]
				: [['ru', map_chars(t, LAT2CYR)], ['en', map_chars(t, CYR2LAT)]];
			for (const [lang, tok] of order) {
				const i = lookup(tok, folded[lang]);
				if (i >= 0) {
					idx.push(i);
					return;
				}
			}
			const lang = sc === 'lat' ? 'en' : 'ru';
			bad.push({ pos: pos + 1, token: t, near: nearest(order[0][1], lists[lang], folded[lang]) });
		});
		if (bad.length)
			return { error: 'words', bad };
		raw = new Uint8Array(17);
		idx.forEach((v, i) => {
			for (let j = 0; j < 11; j++) {
				const bit = i * 11 + j;
				if ((v >> (10 - j)) & 1)
					raw[bit >> 3] |= 0x80 >> (bit & 7);
			}
		});
		const secret = raw.slice(0, SECRET_LEN);
		if ((raw[16] & 0xf0) !== (check_byte(secret) & 0xf0))
			return { error: 'check' };
		return { receipt: derive(secret) };
	}
	raw = enc_b32_decode(text, 17);
	if (raw === null)
		return { error: 'form' };
	const secret = raw.slice(0, SECRET_LEN);
	if (raw[16] !== check_byte(secret))
		return { error: 'check' };
	return { receipt: derive(secret) };
}
