// enc.js: the byte encodings of docs/FORMAT.md: Crockford base32, base64,
// hex, little-endian integers, UTF-8. No secrets are kept here.

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function enc_b32_encode(bytes) {
	let out = '', acc = 0, bits = 0;
	for (const b of bytes) {
		acc = (acc << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += B32[(acc >>> (bits - 5)) & 31];
			bits -= 5;
		}
		acc &= (1 << bits) - 1;
	}
	if (bits > 0)
		out += B32[(acc << (5 - bits)) & 31];
	return out;
}

// Cyrillic look-alikes typed for Latin letters of a code (SPEC B).
const LOOKALIKE = { 'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H',
	'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X' };

// Folds case, O->0, I/L->1, Cyrillic look-alikes, skips '-' and spaces;
// null on a wrong length, a bad character or nonzero padding bits.
export function enc_b32_decode(text, nbytes) {
	let s = '';
	for (const ch of text.toUpperCase()) {
		if (ch === '-' || /\s/.test(ch))
			continue;
		let c = LOOKALIKE[ch] || ch;
		if (c === 'O')
			c = '0';
		else if (c === 'I' || c === 'L')
			c = '1';
		s += c;
	}
	if (s.length !== Math.ceil(nbytes * 8 / 5))
		return null;
	const out = new Uint8Array(nbytes);
	let acc = 0, bits = 0, o = 0;
	for (const c of s) {
		const v = B32.indexOf(c);
		if (v < 0)
			return null;
		acc = (acc << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out[o++] = (acc >>> (bits - 8)) & 255;
			bits -= 8;
		}
		acc &= (1 << bits) - 1;
	}
	return acc === 0 ? out : null;
}

export function enc_group(s, n) {
	return s.match(new RegExp('.{1,' + n + '}', 'g')).join('-');
}

export function enc_hex(bytes) {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function enc_b64_encode(bytes) {
	let s = '';
	for (const b of bytes)
		s += String.fromCharCode(b);
	return btoa(s);
}

// null on anything that is not standard padded base64.
export function enc_b64_decode(s) {
	if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4)
		return null;
	const bin = atob(s);
	return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function enc_put_u32le(buf, off, v) {
	new DataView(buf.buffer, buf.byteOffset).setUint32(off, v, true);
}

export function enc_get_u32le(buf, off) {
	return new DataView(buf.buffer, buf.byteOffset).getUint32(off, true);
}

// v < 2^53: exact as a Number.
export function enc_put_u64le(buf, off, v) {
	enc_put_u32le(buf, off, v % 0x100000000);
	enc_put_u32le(buf, off + 4, Math.floor(v / 0x100000000));
}

export function enc_get_u64le(buf, off) {
	return enc_get_u32le(buf, off) + enc_get_u32le(buf, off + 4) * 0x100000000;
}

export function enc_utf8(s) {
	return new TextEncoder().encode(s);
}

export function enc_concat(...parts) {
	const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

// Big bit strings for words and fingerprints: count values of `width` bits
// from bytes, most significant bit first.
export function enc_bits(bytes, width, count) {
	const out = [];
	for (let i = 0; i < count; i++) {
		let v = 0;
		for (let j = 0; j < width; j++) {
			const bit = i * width + j;
			v = (v << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
		}
		out.push(v);
	}
	return out;
}
