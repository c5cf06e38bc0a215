// seal.js: an envelope's bytes at any offset, sealed batch by batch from
// the plaintext stream, as common/seal.c serves them to the uploader. A
// resumed upload asks for an earlier offset and gets the same bytes again,
// sealed anew: each chunk's plaintext SHA-256 is remembered, so a file that
// changed in between stops the upload instead of producing an envelope
// whose chunks disagree.

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
		digests: new Uint8Array(32 * k.nchunks),
		seen: new Uint8Array(k.nchunks),
	};
}

export function seal_total_len(s) {
	return s.total;
}

async function seal_chunk(s, i, plain) {
	const [ct, dg] = await Promise.all([
		env_seal_chunk(s.k, i, plain),
		crypto.subtle.digest('SHA-256', plain),
	]);
	const d = new Uint8Array(dg), at = 32 * i;
	if (s.seen[i]) {
		for (let j = 0; j < 32; j++)
			if (s.digests[at + j] !== d[j])
				throw new PayloadChanged('changed');
	} else {
		s.digests.set(d, at);
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
