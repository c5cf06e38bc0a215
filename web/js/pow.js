// pow.js: proof of work on upload creation (SPEC D): find an 8-byte nonce
// with SHA-256(challenge || nonce) starting with `difficulty` zero bits,
// with WebCrypto, which stays fast without WebAssembly or the JIT.

import { enc_b64_decode, enc_hex } from './enc.js';

const BATCH = 256;

function zero_bits(d) {
	let n = 0;
	for (const b of d) {
		if (b === 0) {
			n += 8;
			continue;
		}
		return n + Math.clz32(b) - 24;
	}
	return n;
}

// { difficulty, challenge: base64 } as GET /v1/pow or a 428 answers.
// Resolves to the Intake-PoW header value, or null when none is needed.
export async function pow_solve(p) {
	if (!p || !(p.difficulty > 0))
		return null;
	const ch = enc_b64_decode(p.challenge);
	if (ch === null || ch.length !== 32 || p.difficulty > 32)
		throw new Error('bad challenge');
	const buf = new Uint8Array(40 * BATCH);
	for (let base = 0; ; base += BATCH) {
		const jobs = [];
		for (let i = 0; i < BATCH; i++) {
			const m = buf.subarray(40 * i, 40 * i + 40);
			m.set(ch);
			new DataView(m.buffer, m.byteOffset).setUint32(32, Math.floor((base + i) / 0x100000000));
			new DataView(m.buffer, m.byteOffset).setUint32(36, (base + i) % 0x100000000);
			jobs.push(crypto.subtle.digest('SHA-256', m));
		}
		const ds = await Promise.all(jobs);
		for (let i = 0; i < BATCH; i++)
			if (zero_bits(new Uint8Array(ds[i])) >= p.difficulty)
				return p.challenge + ':' + enc_hex(buf.subarray(40 * i + 32, 40 * i + 40));
	}
}

// GET /v1/pow; a server without it (404) asks for no work.
export async function pow_fetch() {
	const r = await fetch('/v1/pow', { credentials: 'omit', cache: 'no-store' });
	if (r.status === 404)
		return null;
	if (!r.ok)
		throw new Error('pow ' + r.status);
	return r.json();
}
