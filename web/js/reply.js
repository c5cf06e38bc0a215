// reply.js: opening the organization's replies (SPEC C, docs/FORMAT.md
// section 5) with the receipt's reply key: decrypt, check the padding,
// verify the officer's signature, classify by the keyset, and report gaps,
// copies and a changed order. Replies come from the untrusted server.

import { lib } from './lib.js';
import { enc_concat, enc_get_u32le, enc_utf8 } from './enc.js';
import { keyset_lookup } from './keyset.js';
import { pad_padme } from './pad.js';

const HEADER = 40;
const TEXT_MAX = 262144;

function u32(v) {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, v, true);
	return b;
}

// One reply: { cls: 'verified'|'retired'|'compromised'|'unverified',
// seq, day, text } (seq/day/text null when it could not be read).
export function reply_open(bytes, receipt, ks) {
	const s = lib();
	const bad = { cls: 'unverified', seq: null, day: null, text: null };
	if (bytes.length < HEADER + 1024 + 16 ||
	    new TextDecoder().decode(bytes.subarray(0, 6)) !== 'INTAKR' ||
	    bytes[6] !== 1 || bytes[7] !== 0)
		return bad;
	const key = keyset_lookup(ks, bytes.subarray(8, 16));
	if (key === null)
		return bad;
	let plain, k;
	try {
		k = s.crypto_box_beforenm(key.x25519_pk, receipt.reply_sk);
		plain = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null,
			bytes.subarray(HEADER), bytes.subarray(0, HEADER), bytes.subarray(16, 40), k);
	} catch (e) {
		return bad;
	} finally {
		if (k)
			s.memzero(k);
	}
	const seq = enc_get_u32le(plain, 0), day = enc_get_u32le(plain, 4);
	const len = plain.length >= 76 ? enc_get_u32le(plain, 72) : TEXT_MAX + 1;
	if (len > TEXT_MAX || 76 + len > plain.length ||
	    plain.length !== pad_padme(Math.max(76 + len, 1024)) ||
	    plain.subarray(76 + len).some((b) => b !== 0))
		return bad;
	const text_bytes = plain.subarray(76, 76 + len);
	let text;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(text_bytes);
	} catch (e) {
		return bad;
	}
	const msg = enc_concat(enc_utf8('intake-reply-v1\0'), receipt.mailbox, receipt.reply_pk,
		u32(seq), u32(day), u32(len), text_bytes);
	const ok = s.crypto_sign_verify_detached(plain.subarray(8, 72), msg, key.ed25519_pk);
	plain.fill(0);
	return { cls: ok ? key.cls : 'unverified', seq, day, text };
}

// replies: reply_open results in server order. Returns { list sorted by
// seq, missing: [seq...], copies: [seq...], reordered: bool }.
export function reply_sequence(replies) {
	const seqs = replies.filter((r) => r.seq !== null).map((r) => r.seq);
	const sorted = replies.slice().sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
	const missing = [], copies = [];
	const max = seqs.length ? Math.max(...seqs) : 0;
	for (let i = 1; i <= max && missing.length < 100; i++)
		if (!seqs.includes(i))
			missing.push(i);
	seqs.forEach((q, i) => {
		if (seqs.indexOf(q) !== i && !copies.includes(q))
			copies.push(q);
	});
	const reordered = seqs.some((q, i) => i > 0 && q < seqs[i - 1]);
	return { list: sorted, missing, copies, reordered };
}
