// tus.js: a small tus 1.0.0 client for intake's /v1/uploads/ (docs/
// PROTOCOL.md): OPTIONS for the size limit, POST to create (with proof of
// work, SPEC D), PATCH piece by piece, and after any cut HEAD for the
// server's offset and go on from there, for as long as the page is open.
// It stores nothing in the browser; the bytes come from a callback that can
// serve any offset again (seal_read). web/README.md says why not
// tus-js-client.

const TUS = { 'Tus-Resumable': '1.0.0' };
const PIECE = 4 * 1024 * 1024;
const STALL_MS = 60000;       // no progress for this long: treat as cut
const BACKOFF_MAX_MS = 30000;

export class TusFatal extends Error {
	constructor(why, detail) {
		super(why);
		this.why = why;       // 'too_big', 'refused', 'keyset', 'gone', 'changed'
		this.detail = detail;
	}
}

// The server's Tus-Max-Size, or null when it names none.
export async function tus_max_size() {
	const r = await fetch('/v1/uploads/', { method: 'OPTIONS', credentials: 'omit',
		cache: 'no-store' });
	const v = r.headers.get('Tus-Max-Size');
	return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

function sleep(ms) {
	return new Promise((res) => setTimeout(res, ms));
}

// One request with XMLHttpRequest (fetch has no upload progress). Resolves
// to { status, headers: fn, text } or rejects on a network error or stall.
function request(method, url, headers, body, on_sent) {
	return new Promise((resolve, reject) => {
		const x = new XMLHttpRequest();
		let timer = null;
		const arm = () => {
			clearTimeout(timer);
			timer = setTimeout(() => x.abort(), STALL_MS);
		};
		x.open(method, url);
		x.withCredentials = false;
		for (const [k, v] of Object.entries(headers))
			x.setRequestHeader(k, v);
		x.upload.onprogress = (e) => {
			arm();
			if (on_sent)
				on_sent(e.loaded);
		};
		x.onprogress = arm;
		x.onload = () => {
			clearTimeout(timer);
			resolve({ status: x.status, header: (h) => x.getResponseHeader(h),
				text: x.responseText });
		};
		x.onerror = x.onabort = x.ontimeout = () => {
			clearTimeout(timer);
			reject(new Error('network'));
		};
		arm();
		// A Blob, not the bytes themselves: Chromium then hands the body
		// to its network process at once instead of keeping copies in the
		// tab (make bench, 256 MiB upload: 11 -> 77 MB/s, tab 508 -> 257 MiB).
		x.send(body === undefined ? null : new Blob([body]));
	});
}

function fatal_for(res) {
	if (res.status === 413)
		return new TusFatal('too_big');
	if (res.status === 422 && /keyset changed/.test(res.text))
		return new TusFatal('keyset');
	if (res.status === 422 || res.status === 400)
		return new TusFatal('refused', res.status);
	if (res.status === 404 || res.status === 410)
		return new TusFatal('gone');
	return null;
}

// Upload total bytes. opts: read(off, max) -> Promise<Uint8Array> (the
// envelope's bytes; may throw TusFatal), pow() -> Promise<header value or
// null>, pow_from(json) -> same for a 428's fresh challenge,
// progress(acked, in_flight), status('sending'|'retrying'|'proof').
// Resolves when the server holds every byte; rejects with TusFatal.
export async function tus_upload(total, opts) {
	let backoff = 1000;
	const retry = async () => {
		opts.status('retrying');
		await sleep(backoff);
		backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
	};
	// Create, with proof of work when the server asks for it.
	let url = null, proof = null, need_proof = true;
	while (url === null) {
		let res;
		try {
			if (need_proof) {
				opts.status('proof');
				proof = await opts.pow();
				need_proof = false;
			}
			const h = { ...TUS, 'Upload-Length': String(total) };
			if (proof)
				h['Intake-PoW'] = proof;
			res = await request('POST', '/v1/uploads/', h);
		} catch (e) {
			await retry();
			continue;
		}
		const loc = res.header('Location');
		if (res.status === 201 && loc && /^\/v1\/uploads\/[0-9a-f]{32}$/.test(loc)) {
			url = loc;
		} else if (res.status === 428) {
			// The answer carries a fresh challenge; if it is unusable,
			// ask GET /v1/pow again.
			opts.status('proof');
			try {
				proof = await opts.pow_from(JSON.parse(res.text));
			} catch (e) {
				need_proof = true;
			}
		} else {
			const f = fatal_for(res);
			if (f)
				throw f;
			await retry();
		}
	}
	// Send, resuming from the server's offset after any failure.
	let offset = 0, next = null;
	opts.status('sending');
	while (offset < total) {
		// A read that fails (a file changed) ends the upload: not caught.
		const body = next !== null && next.off === offset ? await next.bytes
			: await opts.read(offset, PIECE);
		// Seal the following piece while this one travels.
		const after = offset + body.length;
		next = after < total ? { off: after, bytes: opts.read(after, PIECE) } : null;
		if (next)
			next.bytes.catch(() => {});
		let res = null;
		try {
			res = await request('PATCH', url, { ...TUS, 'Upload-Offset': String(offset),
				'Content-Type': 'application/offset+octet-stream' }, body,
			(sent) => opts.progress(offset, sent));
		} catch (e) {
			res = null; // a cut or a stall
		}
		if (res !== null && res.status === 204) {
			const o = res.header('Upload-Offset');
			if (o !== null && /^\d+$/.test(o) && Number(o) <= total) {
				offset = Number(o);
				backoff = 1000;
				opts.status('sending');
				opts.progress(offset, 0);
				continue;
			}
		}
		if (res !== null) {
			const f = fatal_for(res);
			if (f)
				throw f;
		}
		// A cut, a conflict or a busy server: ask where the server is.
		next = null;
		await retry();
		for (;;) {
			try {
				const h = await request('HEAD', url, TUS);
				const o = h.header('Upload-Offset');
				if (h.status === 200 && o !== null && /^\d+$/.test(o) && Number(o) <= total) {
					offset = Number(o);
					break;
				}
				const f = fatal_for(h);
				if (f)
					throw f;
			} catch (e) {
				if (e instanceof TusFatal)
					throw e;
			}
			await retry();
		}
		opts.progress(offset, 0);
	}
}
