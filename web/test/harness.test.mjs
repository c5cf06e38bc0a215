// harness.test.mjs: the checks the page tests rely on must catch what they
// look for. A page that leaves every trace (cookie, localStorage,
// sessionStorage, IndexedDB, a service worker, the Cache API), requests
// another origin, breaks its CSP and shows English is served from
// 127.0.0.1 to each real browser: every check must fire. The same server's
// clean page must pass every check (no false alarm from the browser itself).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as L from './lib.mjs';

after(L.stopAll);

const CSP = "default-src 'self'; img-src *; connect-src 'self'; frame-ancestors 'none'";
const LEAK_JS = `
document.cookie = 'seen=1; SameSite=Strict';
localStorage.setItem('draft', 'x');
sessionStorage.setItem('step', '2');
const rq = indexedDB.open('drafts', 1);
rq.onupgradeneeded = () => rq.result.createObjectStore('s');
rq.onsuccess = () => { const t = rq.result.transaction('s', 'readwrite'); t.objectStore('s').put('x', 'k'); };
caches.open('page').then((c) => c.put('/x', new Response('x')));
navigator.serviceWorker.register('/sw.js').then(() => { document.body.dataset.sw = '1'; }, () => {});
fetch('http://127.0.0.1:' + document.body.dataset.other + '/beacon').catch(() => {});
const img = new Image(); img.src = 'http://127.0.0.1:' + document.body.dataset.other + '/pixel.png';
document.body.dataset.done = '1';
`;

function controlServer(otherPort) {
	const pages = {
		'/leak': `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Проверка</title></head>
<body data-other="${otherPort}"><p>Отправить</p><p>Send your testimony</p>
<script>document.title = 'inline';</script><script src="/leak.js"></script></body></html>`,
		'/clean': `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Проверка</title></head>
<body><p>Отправить показания через Tor Browser</p><button>Отправить</button>
<p class="code">K7TB-9QXM Send your testimony</p><p>5 ТБ</p>
<script src="/clean.js"></script></body></html>`,
	};
	const s = http.createServer((req, res) => {
		const h = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' };
		if (pages[req.url]) {
			res.writeHead(200, { ...h, 'Content-Type': 'text/html; charset=utf-8' });
			res.end(pages[req.url]);
		} else if (req.url === '/leak.js' || req.url === '/clean.js' || req.url === '/sw.js') {
			res.writeHead(200, { ...h, 'Content-Type': 'text/javascript' });
			res.end(req.url === '/leak.js' ? LEAK_JS
				: req.url === '/clean.js' ? 'document.body.dataset.done = "1";' : 'self.addEventListener("fetch", () => {});');
		} else {
			res.writeHead(404, h);
			res.end();
		}
	});
	return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

// A code (class "code") is random base32: English inside it is no finding.
const en = new Map([['send', 'Send your testimony'], ['ok', 'Tor Browser'], ['unit', '{n} TB']]);
const ru = new Map([['send', 'Отправить показания'], ['ok', 'Tor Browser'], ['unit', '{n} ТБ']]);

for (const kind of ['chromium', 'firefox']) {
	test(`harness catches a leaking page and passes a clean one (${kind})`, { timeout: 90000 }, async (t0) => {
		const other = await controlServer(0);
		const otherPort = other.address().port;
		const srv = await controlServer(otherPort);
		const port = srv.address().port;
		const origin = `http://127.0.0.1:${port}`;
		try {
			const b = await L.launch(kind);
			const page = await b.newPage();
			const w = await L.watch(page, [origin]);
			await page.goto(`${origin}/clean`, { waitUntil: 'load' });
			await page.waitForSelector('body[data-done]');
			const clean = L.traceProblems(await L.traces(page));
			assert.deepEqual(clean, [], 'clean page: no trace');
			assert.deepEqual(w.foreign(), [], 'clean page: no foreign request');
			assert.deepEqual(w.csp, [], 'clean page: no CSP violation');
			assert.deepEqual(L.englishOnPage(await L.visibleText(page), { en, ru }), [],
				'clean page: no English (a code is skipped)');
			assert.deepEqual(L.englishOnPage('код K7 TB 9QXM', { en, ru }), [], 'two letters are no English');
			await L.closeBrowser(b);
			assert.deepEqual(L.profileTraces(kind, b.profile, port), [], 'clean page: nothing in the profile folder');

			const b2 = await L.launch(kind);
			const page2 = await b2.newPage();
			const w2 = await L.watch(page2, [origin]);
			await page2.goto(`${origin}/leak`, { waitUntil: 'load' });
			await page2.waitForSelector('body[data-done]');
			await page2.waitForSelector('body[data-sw]', { timeout: 10000 }).catch(() => {});
			await L.sleep(1000);
			const t = L.traceProblems(await L.traces(page2));
			for (const what of ['cookie', 'localStorage', 'sessionStorage', 'IndexedDB', 'service workers', 'Cache API'])
				assert.ok(t.some((x) => x.startsWith(what) || x.includes(what)), `leak page: ${what} found (${t.join('; ')})`);
			assert.ok(w2.foreign().some((u) => u.includes(`:${otherPort}/`)), `leak page: foreign request seen (${w2.requests.join(' ')})`);
			assert.ok(w2.csp.length >= 1, 'leak page: CSP violation seen');
			const eng = L.englishOnPage(await L.visibleText(page2), { en, ru });
			assert.ok(eng.some((x) => x.includes('Send your testimony')), `leak page: English found (${eng})`);
			await L.closeBrowser(b2);
			const disk = L.profileTraces(kind, b2.profile, port);
			t0.diagnostic(`${kind}: found ${t.join('; ')}; CSP ${w2.csp.length}; profile ${disk.join(' ')}`);
			assert.ok(disk.length > 0, 'leak page: traces found in the profile folder');
		} finally {
			srv.close();
			other.close();
		}
	});
}
