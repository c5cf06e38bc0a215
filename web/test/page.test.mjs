// page.test.mjs: the page before anything is sent. With scripts off (Tor
// Browser "Safest") it explains in Russian how to allow them and names
// intake-submit. On a server with no keyset it says so in Russian and
// offers nothing to send. The browser gets the page with the headers the
// issue asks for. Every state is photographed and checked for English.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as L from './lib.mjs';
import * as P from './page.mjs';

after(L.stopAll);

test('firefox Safest (no JavaScript): the page explains in Russian how to allow scripts and names intake-submit',
	{ timeout: 90000 }, async () => {
		const dir = L.tmpdir('safest');
		const o = await L.officerSetup(dir);
		const srv = await L.startServer(dir, L.pageServerArgs(o));
		const b = await L.launch('firefox', { prefs: { 'javascript.enabled': false } });
		const s = await P.session(b, srv.url, { test: 'page', name: 'firefox-safest' });
		await s.page.goto(`${srv.url}/`, { waitUntil: 'load' });
		await s.step('noscript');
		const text = await L.visibleText(s.page);
		assert.match(text, /[а-яё]{4,}/i, 'Russian text is shown');
		assert.match(text, /intake-submit/, 'intake-submit is named');
		assert.match(text, /Tor Browser/, 'Tor Browser is named');
		assert.deepEqual(s.english, [], 'no English');
		await L.closeBrowser(b);
	});

for (const kind of ['chromium', 'firefox']) {
	test(`${kind}: without a keyset the page says so in Russian; headers; no trace`, { timeout: 90000 }, async () => {
		const dir = L.tmpdir(`nokeys-${kind}`);
		const o = await L.officerSetup(dir);
		const srv = await L.startServer(dir, L.pageServerArgs(o));
		const b = await L.launch(kind);
		const s = await P.session(b, srv.url, { test: 'page', name: `${kind}-nokeyset` });
		const res = await s.page.goto(`${srv.url}/`, { waitUntil: 'load' });
		const h = res.headers();
		const csp = h['content-security-policy'] || '';
		for (const d of ["default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'", "form-action 'none'"])
			assert.ok(csp.includes(d), `CSP has ${d}: ${csp}`);
		assert.ok(!/unsafe-inline|unsafe-eval'|\*/.test(csp.replace("'wasm-unsafe-eval'", '')), `no unsafe source in the CSP: ${csp}`);
		assert.equal(h['referrer-policy'], 'no-referrer');
		assert.equal(h['x-content-type-options'], 'nosniff');
		assert.equal(h['cross-origin-opener-policy'], 'same-origin');
		assert.match(h['cache-control'] || '', /no-store/);
		await s.page.waitForFunction(() => {
			const e = document.querySelector('#keyset-error');
			return e && !e.hidden && e.innerText.trim() !== '';
		}, { timeout: 30000 });
		await s.step('no-keyset');
		const err = await s.page.$eval('#keyset-error', (e) => e.innerText);
		assert.match(err, /[а-яё]{4,}/i, 'the error is in Russian');
		const canSend = await s.page.$eval('#send', (e) => !e.disabled && e.offsetParent !== null).catch(() => false);
		assert.equal(canSend, false, 'nothing to send');
		const left = await P.leftovers(s);
		P.writeLog(s, path.join(L.SHOTS, 'page'), `${kind}-nokeyset`);
		await L.closeBrowser(b);
		left.push(...L.profileTraces(kind, b.profile, srv.port).map((f) => `profile: ${f}`));
		assert.deepEqual(left, [], 'no trace, foreign request, CSP violation or English');
	});
}

test('chromium: the language switch shows the page in English and Ukrainian, with nothing left in Russian or English',
	{ timeout: 90000 }, async (t) => {
		const dir = L.tmpdir('langs');
		const o = await L.officerSetup(dir);
		if (L.keysetMissing(o))
			return t.skip(L.keysetMissing(o));
		const srv = await L.startServer(dir, L.pageServerArgs(o));
		await L.publishKeyset(o, srv);
		const b = await L.launch('chromium');
		const s = await P.session(b, srv.url, { test: 'page', name: 'chromium-langs' });
		await P.openSubmit(s);
		const en = L.loadCatalog('en');
		const uk = L.loadCatalog('uk');
		for (const lang of ['en', 'uk']) {
			await s.page.click(`#lang-${lang}`);
			await s.page.waitForFunction((l) => document.documentElement.lang === l, { timeout: 10000 }, lang);
			await L.sleep(300);
			await s.step(`lang-${lang}`);
			const text = await L.visibleText(s.page);
			if (lang === 'en') {
				// the switch's label is bilingual on purpose (see P.PROPER_NAMES)
				const ru = (text.match(/[А-Яа-яЁё]+/g) || []).filter((w) => w !== 'Язык');
				assert.deepEqual(ru, [], 'no Cyrillic on the English page');
			} else {
				assert.match(text, /[іїєґ]/i, 'Ukrainian letters on the Ukrainian page');
				assert.deepEqual(L.englishOnPage(text, { en, ru: uk, allow: P.PROPER_NAMES }), [],
					'no English on the Ukrainian page');
			}
		}
		const left = await P.leftovers(s);
		await L.closeBrowser(b);
		left.push(...L.profileTraces('chromium', b.profile, srv.port).map((f) => `profile: ${f}`));
		assert.deepEqual(left, [], 'the language choice leaves no trace');
	});
