// lib.js: libsodium.js, loaded by vendor/sodium.js as the global `sodium`,
// and the one BLAKE2b form its wrappers lack: a message together with a
// salt and personal string (docs/FORMAT.md's BLAKE2b(len, msg, key=, salt=,
// personal=)). Personal strings are zero-padded to 16 bytes here.

let ready = null;

// Resolves to the libsodium.js object once WebAssembly (or, without it, the
// pure-JavaScript fallback) is running.
export function lib_ready() {
	if (ready === null)
		ready = globalThis.sodium.ready.then(() => globalThis.sodium);
	return ready;
}

// The global, for modules that run after lib_ready() resolved.
export function lib() {
	return globalThis.sodium;
}

function lib_personal(s) {
	const p = new Uint8Array(16);
	p.set(new TextEncoder().encode(s));
	return p;
}

// BLAKE2b(len, msg, key, salt, personal) through the raw libsodium
// function: the wrapper crypto_generichash_blake2b_salt_personal takes no
// message. Every argument but len and msg may be null.
export function lib_blake2b(len, msg, key, salt, personal) {
	const L = lib().libsodium;
	const parts = [msg, key, salt, personal ? lib_personal(personal) : null];
	const size = len + parts.reduce((a, p) => a + (p ? p.length : 0), 0);
	const base = L._malloc(size || 1);
	try {
		let at = base + len;
		const ptr = parts.map((p) => {
			if (p === null)
				return 0;
			L.HEAPU8.set(p, at);
			const here = at;
			at += p.length;
			return here;
		});
		const rc = L._crypto_generichash_blake2b_salt_personal(base, len,
			ptr[0], msg.length, 0, ptr[1], key ? key.length : 0,
			ptr[2], ptr[3]);
		if (rc !== 0)
			throw new Error('blake2b');
		return L.HEAPU8.slice(base, base + len);
	} finally {
		L.HEAPU8.fill(0, base, base + size);
		L._free(base);
	}
}
