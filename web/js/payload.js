// payload.js: the plaintext stream (docs/FORMAT.md section 3):
// u32le(M) || manifest || text || file_1 || ... || zeros, served as any byte
// range, read from the chosen files with File.slice so that no attachment
// is ever whole in memory.

import { enc_put_u32le, enc_utf8 } from './enc.js';
import { manifest_encode, manifest_guess_type, manifest_safe_name,
	MANIFEST_MAX_FILES } from './manifest.js';
import { pad_stream_len } from './pad.js';

export class PayloadChanged extends Error {}

// text: string; files: File[]; reply: { pk, mailbox }. Returns the source,
// or throws RangeError when the content is over the format's limits (more
// than MANIFEST_MAX_FILES files, more than 2^40 bytes).
export function payload_src_new(text, files, reply) {
	if (files.length > MANIFEST_MAX_FILES)
		throw new RangeError('too many files');
	const tb = enc_utf8(text);
	const m = {
		text_size: tb.length,
		files: files.map((f) => {
			const name = manifest_safe_name(f.name);
			return { name, size: f.size, type: manifest_guess_type(name) };
		}),
		reply,
	};
	const json = manifest_encode(m);
	const head = new Uint8Array(4 + json.length);
	enc_put_u32le(head, 0, json.length);
	head.set(json, 4);
	const segs = [{ len: head.length, mem: head }, { len: tb.length, mem: tb }];
	for (const f of files)
		segs.push({ len: f.size, blob: f });
	let content = 0;
	for (const s of segs) {
		s.start = content;
		content += s.len;
	}
	const stream_len = pad_stream_len(content);
	if (stream_len === null)
		throw new RangeError('too big');
	segs.push({ start: content, len: stream_len - content });
	return { segs, stream_len };
}

// Bytes [off, off + len) of the stream. A file that shrank, vanished or can
// no longer be read throws PayloadChanged: the stream sealed so far no
// longer matches it.
export async function payload_read(src, off, len) {
	const out = new Uint8Array(len);
	for (const g of src.segs) {
		const a = Math.max(off, g.start), b = Math.min(off + len, g.start + g.len);
		if (a >= b)
			continue;
		if (g.mem) {
			out.set(g.mem.subarray(a - g.start, b - g.start), a - off);
		} else if (g.blob) {
			let part;
			try {
				part = new Uint8Array(await g.blob.slice(a - g.start, b - g.start).arrayBuffer());
			} catch (e) {
				throw new PayloadChanged('unreadable');
			}
			if (part.length !== b - a)
				throw new PayloadChanged('short');
			out.set(part, a - off);
		}
		// else zero padding: already zero
	}
	return out;
}
