// seal.js: an envelope's bytes at any offset, sealed batch by batch from
// the plaintext stream, as common/seal.c serves them to the uploader. A
// resumed upload asks for an earlier offset and gets the same bytes again,
// sealed anew: each chunk's tag is remembered, so a file that changed in
// between stops the upload instead of reusing a nonce on new plaintext.

import { env_chunk_plain_len, env_seal_begin, env_seal_chunk, env_total_len,
	ENV_CHUNK, ENV_TAG } from './env.js';
import { payload_read, PayloadChanged } from './payload.js';

const SLOT = ENV_CHUNK + ENV_TAG;

export { PayloadChanged as SealChanged };

export async function seal_new(recipients, src) {
	const { header, k } = await env_seal_begin(recipients, src.stream_len);
	return {
		header, k, src,
		total: env_total_len(recipients.length, src.stream_len),
		tags: new Uint8Array(16 * k.nchunks),
		seen: new Uint8Array(k.nchunks),
	};
}

export function seal_total_len(s) {
	return s.total;
}

// A chunk sealed again must carry the same plaintext (FORMAT.md 2.3): its
// 16-byte tag is kept as the digest, as intake-submit does (under a fixed
// key and nonce the tag is a keyed function of the plaintext; two
// plaintexts with one tag would be a forgery). A differing chunk is never
// returned, so it never leaves the page.
async function seal_chunk(s, i, plain) {
	const ct = await env_seal_chunk(s.k, i, plain);
	const tag = ct.subarray(ct.length - 16), at = 16 * i;
	if (s.seen[i]) {
		let diff = 0;
		for (let j = 0; j < 16; j++)
			diff |= s.tags[at + j] ^ tag[j];
		if (diff !== 0)
			throw new PayloadChanged('changed');
	} else {
		s.tags.set(tag, at);
		s.seen[i] = 1;
	}
	return ct;
}

// Envelope bytes from off: about max bytes, whole chunks after the header
// (at least one), so that one call reads each plaintext byte once. An
// empty result means off is at the end.
export async function seal_read(s, off, max) {
	const H = s.header.length;
	if (off >= s.total)
		return new Uint8Array(0);
	// The header travels with the first chunks, not in a request of its own.
	if (off < H) {
		const rest = max > H - off ? await seal_read(s, H, max - (H - off)) : new Uint8Array(0);
		const out = new Uint8Array(Math.min(H, off + max) - off + rest.length);
		out.set(s.header.subarray(off, Math.min(H, off + max)));
		out.set(rest, Math.min(H, off + max) - off);
		return out;
	}
	const first = Math.floor((off - H) / SLOT);
	const skip = off - H - first * SLOT;
	const count = Math.max(1, Math.min(s.k.nchunks - first, Math.floor((max + skip) / SLOT)));
	const start = first * ENV_CHUNK;
	let plen = 0;
	for (let i = 0; i < count; i++)
		plen += env_chunk_plain_len(s.k, first + i);
	const plain = await payload_read(s.src, start, plen);
	const jobs = [];
	for (let i = 0, at = 0; i < count; i++) {
		const n = env_chunk_plain_len(s.k, first + i);
		jobs.push(seal_chunk(s, first + i, plain.subarray(at, at + n)));
		at += n;
	}
	const cts = await Promise.all(jobs);
	plain.fill(0);
	const out = new Uint8Array(cts.reduce((a, c) => a + c.length, 0));
	let at = 0;
	for (const c of cts) {
		out.set(c, at);
		at += c.length;
	}
	return skip ? out.subarray(skip, Math.min(out.length, skip + max)) : out;
}
