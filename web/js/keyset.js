// keyset.js: the organization's signed keyset (SPEC C), as served by
// GET /v1/keyset: parsed strictly, the root signature checked, the dates
// checked, and the root fingerprint a person compares with the one the
// organization published. Every check on these attacker-supplied bytes
// comes before any use of them.

import { lib, lib_blake2b } from './lib.js';
import { enc_b32_encode, enc_concat, enc_get_u32le, enc_get_u64le, enc_group,
	enc_utf8 } from './enc.js';
import { env_key_id } from './env.js';

const MAX = 8192;
const DAY = 86400;

export class KeysetError extends Error {}

function same(a, b) {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

// bytes: the keyset; now: unix seconds. Returns { serial, created, expires,
// root_pk, officers: [{ key_id, x25519_pk, ed25519_pk }], revoked: [... with
// day, reason] } or throws KeysetError with .why: 'form', 'signature',
// 'expired' (with .date), 'future'.
export function keyset_verify(bytes, now) {
	const fail = (why, extra) => {
		throw Object.assign(new KeysetError(why), { why }, extra);
	};
	if (bytes.length < 68 + 72 + 64 || bytes.length > MAX ||
	    new TextDecoder().decode(bytes.subarray(0, 8)) !== 'INTAKEKS' ||
	    bytes[8] !== 1 || bytes[11] !== 0)
		fail('form');
	const n = bytes[9], r = bytes[10];
	if (n < 1 || n > 16 || r > 64 || bytes.length !== 68 + 72 * n + 80 * r + 64)
		fail('form');
	const ks = {
		serial: enc_get_u64le(bytes, 12),
		created: enc_get_u64le(bytes, 20),
		expires: enc_get_u64le(bytes, 28),
		root_pk: bytes.slice(36, 68),
		officers: [],
		revoked: [],
	};
	if (ks.serial < 1 || ks.expires <= ks.created || ks.expires - ks.created > 400 * DAY)
		fail('form');
	let at = 68;
	const ids = [];
	for (let i = 0; i < n; i++, at += 72)
		ks.officers.push({ key_id: bytes.slice(at, at + 8),
			x25519_pk: bytes.slice(at + 8, at + 40), ed25519_pk: bytes.slice(at + 40, at + 72) });
	for (let i = 0; i < r; i++, at += 80) {
		const reason = bytes[at + 76];
		if ((reason !== 1 && reason !== 2) || bytes[at + 77] || bytes[at + 78] || bytes[at + 79])
			fail('form');
		ks.revoked.push({ key_id: bytes.slice(at, at + 8),
			x25519_pk: bytes.slice(at + 8, at + 40), ed25519_pk: bytes.slice(at + 40, at + 72),
			day: enc_get_u32le(bytes, at + 72), reason });
	}
	for (const k of ks.officers.concat(ks.revoked)) {
		if (!same(k.key_id, env_key_id(k.x25519_pk)) ||
		    ids.some((id) => same(id, k.key_id)))
			fail('form');
		ids.push(k.key_id);
	}
	const msg = enc_concat(enc_utf8('intake-keyset-v1'), bytes.subarray(0, at));
	if (!lib().crypto_sign_verify_detached(bytes.subarray(at, at + 64), msg, ks.root_pk))
		fail('signature');
	if (now >= ks.expires)
		fail('expired', { date: new Date(ks.expires * 1000).toISOString().slice(0, 10) });
	if (ks.created > now + DAY)
		fail('future');
	return ks;
}

function fingerprint_hash(root_pk) {
	return lib_blake2b(32, root_pk, null, null, 'intake-root-fp1');
}

// 8 groups of 4 base32 characters, the form of --fingerprint.
export function keyset_fingerprint(ks) {
	return enc_group(enc_b32_encode(fingerprint_hash(ks.root_pk).subarray(0, 20)), 4);
}

// The first 165 bits, for 15 words (receipt_bits_words).
export function keyset_fingerprint_bits(ks) {
	return fingerprint_hash(ks.root_pk);
}

// The officers to seal to: exactly those listed.
export function keyset_recipients(ks) {
	return ks.officers.map((o) => o.x25519_pk);
}

// The key with this id among officers (class 'verified') and revoked ones
// ('retired' for reason 1, 'compromised' for 2), or null.
export function keyset_lookup(ks, key_id) {
	const o = ks.officers.find((k) => same(k.key_id, key_id));
	if (o)
		return { ...o, cls: 'verified' };
	const v = ks.revoked.find((k) => same(k.key_id, key_id));
	if (v)
		return { ...v, cls: v.reason === 1 ? 'retired' : 'compromised' };
	return null;
}
