// manifest.js: the payload manifest, byte for byte as common/manifest.c
// writes it with jansson (JSON_COMPACT | JSON_ENSURE_ASCII, keys in the
// order v, text_size, files (name, size, type), reply (pk, mailbox)), so a
// page-made and a C-made envelope of the same content have the same length.
// Names go through the same reduction to one safe path component.

import { enc_b64_encode, enc_hex, enc_utf8 } from './enc.js';

export const MANIFEST_NAME_MAX = 120;   // bytes of UTF-8
export const MANIFEST_MAX_FILES = 1000;

// Characters that must not reach a file name on the officer's machine:
// controls, path and drive separators, bidi overrides (FORMAT.md 3).
function unsafe_cp(c) {
	return c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0x2f ||
		c === 0x5c || c === 0x3a || (c >= 0x202a && c <= 0x202e) ||
		(c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f ||
		c === 0xfeff || (c >= 0xd800 && c <= 0xdfff);
}

function utf8_len(c) {
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

export function manifest_safe_name(name) {
	const tail = name.split(/[/\\]/).pop();
	let out = '', bytes = 0;
	for (const ch of tail) {
		const c = ch.codePointAt(0);
		const safe = !unsafe_cp(c);
		const n = safe ? utf8_len(c) : 1;
		if (bytes + n > MANIFEST_NAME_MAX)
			break;
		out += safe ? ch : '_';
		bytes += n;
	}
	out = out.replace(/^[. ]+/, '').replace(/[. ]+$/, '');
	return out === '' ? 'file' : out;
}

const TYPES = {
	txt: 'text/plain', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
	gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', tif: 'image/tiff',
	tiff: 'image/tiff', mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime',
	'3gp': 'video/3gpp', mkv: 'video/x-matroska', webm: 'video/webm',
	avi: 'video/x-msvideo', mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg',
	opus: 'audio/ogg', wav: 'audio/wav', amr: 'audio/amr', pdf: 'application/pdf',
	zip: 'application/zip', doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	odt: 'application/vnd.oasis.opendocument.text', rtf: 'application/rtf',
};

// The same table as manifest_guess_type: the browser's own File.type would
// make the manifest, and so the envelope's size class, differ from C's.
export function manifest_guess_type(name) {
	const dot = name.lastIndexOf('.');
	if (dot < 0)
		return '';
	return TYPES[name.slice(dot + 1).toLowerCase()] || '';
}

// A JSON string as jansson escapes it: ", \, controls (\b \f \n \r \t or
// \u00XX), everything above U+007F as \uXXXX in upper case (surrogate
// pairs past U+FFFF); DEL and '/' stay as they are.
function json_string(s) {
	const short = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f',
		0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
	let out = '"';
	for (let i = 0; i < s.length; i++) {
		const u = s.charCodeAt(i);
		if (short[u] !== undefined)
			out += short[u];
		else if (u < 0x20 || u > 0x7f)
			out += '\\u' + u.toString(16).toUpperCase().padStart(4, '0');
		else
			out += s[i];
	}
	return out + '"';
}

// m: { text_size, files: [{ name, size, type }], reply: { pk, mailbox } }
// with names already safe. Returns the JSON bytes.
export function manifest_encode(m) {
	let j = '{"v":1,"text_size":' + m.text_size + ',"files":[';
	j += m.files.map((f) => '{"name":' + json_string(f.name) + ',"size":' +
		f.size + ',"type":' + json_string(f.type) + '}').join(',');
	j += ']';
	if (m.reply)
		j += ',"reply":{"pk":' + json_string(enc_b64_encode(m.reply.pk)) +
			',"mailbox":' + json_string(enc_hex(m.reply.mailbox)) + '}';
	j += '}';
	return enc_utf8(j);
}
