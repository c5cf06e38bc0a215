// env.js: the envelope (docs/FORMAT.md section 2) with payload suite 2:
// the header and its stanzas with libsodium.js (X25519, BLAKE2b,
// ChaCha20-Poly1305 for the 48-byte key wraps), the STREAM chunks with
// WebCrypto AES-256-GCM, which stays fast when WebAssembly and the JIT are
// off (Tor Browser "Safer"). Key material lives in the object env_seal_begin
// returns and in WebCrypto's non-extractable key; nothing here touches the DOM.

import { lib, lib_blake2b } from './lib.js';
import { enc_concat, enc_put_u64le } from './enc.js';

export const ENV_CHUNK = 65536;
export const ENV_TAG = 16;
export const ENV_SUITE_AESGCM = 2;
const FIXED = 72;

export function env_key_id(pk) {
	return lib_blake2b(16, pk, null, null, 'intake-keyid-v1').slice(0, 8);
}

export function env_header_len(n) {
	return FIXED + 56 * n + 32;
}

export function env_nchunks(stream_len) {
	return Math.ceil(stream_len / ENV_CHUNK);
}

export function env_total_len(n, stream_len) {
	return env_header_len(n) + stream_len + ENV_TAG * env_nchunks(stream_len);
}

// recipients: X25519 public keys (Uint8Array 32). Returns
// { header, k: { stream_len, nchunks, key (CryptoKey), mac } }.
export async function env_seal_begin(recipients, stream_len) {
	const s = lib();
	const n = recipients.length;
	const H = env_header_len(n);
	const header = new Uint8Array(H);
	const file_key = s.randombytes_buf(32);
	const esk = s.randombytes_buf(32);
	const epk = s.crypto_scalarmult_base(esk);
	const nonce = s.randombytes_buf(16);

	header.set(new TextEncoder().encode('INTAKE'), 0);
	header[6] = 1;
	header[7] = n;
	header[8] = ENV_SUITE_AESGCM;
	enc_put_u64le(header, 16, stream_len);
	header.set(nonce, 24);
	header.set(epk, 40);
	const fixed = header.slice(0, FIXED);
	recipients.forEach((pk, i) => {
		const shared = s.crypto_scalarmult(esk, pk);
		if (shared.every((b) => b === 0))
			throw new Error('bad recipient key');
		const wrap_key = lib_blake2b(32, enc_concat(shared, epk, pk), null, null,
			'intake-wrap-v1');
		const wrapped = s.crypto_aead_chacha20poly1305_ietf_encrypt(file_key,
			fixed, null, new Uint8Array(12), wrap_key);
		header.set(env_key_id(pk), FIXED + 56 * i);
		header.set(wrapped, FIXED + 56 * i + 8);
		s.memzero(shared);
		s.memzero(wrap_key);
	});
	const mac_key = lib_blake2b(32, new Uint8Array(0), file_key, nonce, 'intake-hmac-v1');
	const payload_key = lib_blake2b(32, new Uint8Array(0), file_key, nonce,
		'intake-payload' + ENV_SUITE_AESGCM);
	const mac = s.crypto_generichash(32, header.subarray(0, H - 32), mac_key);
	header.set(mac, H - 32);
	const key = await crypto.subtle.importKey('raw', payload_key, 'AES-GCM', false,
		['encrypt']);
	s.memzero(esk);
	s.memzero(file_key);
	s.memzero(mac_key);
	s.memzero(payload_key);
	return { header, k: { stream_len, nchunks: env_nchunks(stream_len), key, mac } };
}

export function env_chunk_plain_len(k, i) {
	return i === k.nchunks - 1 ? k.stream_len - ENV_CHUNK * i : ENV_CHUNK;
}

// STREAM nonce: 3 zero bytes, u64be(i), last-chunk flag.
function chunk_nonce(k, i) {
	const iv = new Uint8Array(12);
	new DataView(iv.buffer).setUint32(3, Math.floor(i / 0x100000000));
	new DataView(iv.buffer).setUint32(7, i % 0x100000000);
	iv[11] = i === k.nchunks - 1 ? 1 : 0;
	return iv;
}

// Seal chunk i (plain: its exact plaintext); resolves to ciphertext || tag.
export async function env_seal_chunk(k, i, plain) {
	const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: chunk_nonce(k, i),
		additionalData: k.mac, tagLength: 128 }, k.key, plain);
	return new Uint8Array(ct);
}
