// safer.test.mjs: Firefox at Tor Browser's "Safer" level (WebAssembly,
// Ion, baseline JIT, native regexp and asm.js off): a 50 MiB attachment
// goes through the page and opens with the real intake-officer, and the
// receipt is on the screen within 2 s of pressing "send" (the precise
// figure is measured by make bench). Then: 5 connection cuts in the
// middle of an upload (tests/tools/cutproxy.py between the browser and the
// server): the page resumes by itself, the envelope opens, and less than
// twice the envelope's size went over the wire.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';
import * as P from './page.mjs';

const { LETTER } = P;
after(L.stopAll);

// sendAndOpen: the letter and FILE through the page at ORIGIN; the
// envelope fetched from SRV and opened; resolves what was measured.
async function sendAndOpen(t, { kind, safer, origin, srv, o, dir, file, name }) {
	const b = await L.launch(kind, { safer });
	const s = await P.session(b, origin, { test: name, name: kind + (safer ? '-safer' : '') });
	await P.openSubmit(s);
	if (safer)
		assert.equal(await s.page.evaluate(() => typeof WebAssembly), 'undefined',
			'WebAssembly is off at the Safer level');
	await P.compose(s, LETTER, [[file]]);
	const { receipt, ms } = await P.send(s);
	t.diagnostic(`receipt on the screen ${ms} ms after "send"`);
	await P.confirm(s, receipt.words, { timeout: 300000 });
	const off = await L.officerFetchOpen(o, srv.url, dir);
	assert.equal(off.envs.length, 1, 'one envelope');
	assert.equal(off.open.code, 0, `intake-officer open succeeds: ${off.open.stderr}`);
	const c = path.join(off.cases, 'case-000001');
	assert.equal(fs.readFileSync(path.join(c, 'testimony.txt'), 'utf8'), LETTER, 'letter byte-identical');
	const stored = L.caseFiles(c).get(path.basename(file));
	assert.ok(stored && await L.sameFile(file, stored), 'attachment byte-identical');
	const left = await P.leftovers(s);
	P.writeLog(s, path.join(L.SHOTS, name), kind);
	await L.closeBrowser(b);
	left.push(...L.profileTraces(kind, b.profile, new URL(origin).port).map((f) => `profile: ${f}`));
	assert.deepEqual(left, [], 'no trace, foreign request, CSP violation or English');
	return { ms, envSize: fs.statSync(off.envs[0]).size };
}

test('firefox Safer: 50 MiB goes through and opens; receipt ready in under 2 s', { timeout: 300000 }, async (t) => {
	const dir = L.tmpdir('safer');
	const o = await L.officerSetup(dir);
	if (L.keysetMissing(o))
		return t.skip(L.keysetMissing(o));
	const srv = await L.startServer(dir, L.pageServerArgs(o));
	await L.publishKeyset(o, srv);
	const file = await L.randomFile(path.join(dir, 'запись.mp4'), 50 << 20);
	const r = await sendAndOpen(t, { kind: 'firefox', safer: true, origin: srv.url, srv, o, dir, file, name: 'safer' });
	assert.ok(r.ms < 2000, `receipt ready in ${r.ms} ms (< 2000)`);
});

test('firefox: 5 connection cuts mid-upload; the upload completes, opens, less than 2x sent', { timeout: 300000 }, async (t) => {
	const dir = L.tmpdir('cuts');
	const o = await L.officerSetup(dir);
	if (L.keysetMissing(o))
		return t.skip(L.keysetMissing(o));
	const srv = await L.startServer(dir, L.pageServerArgs(o));
	await L.publishKeyset(o, srv);
	const proxy = await L.startCutProxy(dir, srv.port, { after: 4 << 20, cuts: 5 });
	const file = await L.randomFile(path.join(dir, 'video.mp4'), 40 << 20);
	const r = await sendAndOpen(t, { kind: 'firefox', safer: false, origin: proxy.url, srv, o, dir, file, name: 'cuts' });
	assert.equal(proxy.cutsDone(), 5, 'the proxy cut 5 connections');
	const up = proxy.bytesUp();
	t.diagnostic(`sent ${up} bytes for an envelope of ${r.envSize} (${(up / r.envSize).toFixed(2)}x)`);
	assert.ok(up < 2 * r.envSize, `less than 2x the envelope sent (${up} < 2 * ${r.envSize})`);
});
