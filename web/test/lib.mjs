// lib.mjs: the real-browser test harness. Starts the real intake-server on
// 127.0.0.1 with a free port and a temp data folder, makes officer keys
// with the real intake-officer, launches Debian's chromium and firefox-esr
// through puppeteer-core with fresh profiles, watches every request,
// console line and CSP violation of a page, checks that a run left no
// trace in the browser, and saves screenshots for review. Every process
// started here is stopped by stopAll(), which each test file calls in its
// after() hook (and which also runs on exit).
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TOP = process.env.INTAKE_TOP || path.resolve(here, '../..');
export const BUILD = process.env.INTAKE_BUILD || path.join(TOP, 'build');
export const BIN = {
	submit: path.join(BUILD, 'intake-submit'),
	server: path.join(BUILD, 'intake-server'),
	officer: path.join(BUILD, 'intake-officer'),
};
export const SHOTS = process.env.INTAKE_WEB_SHOTS || path.join(BUILD, 'web-shots');
export const CHROMIUM = process.env.INTAKE_CHROMIUM || '/usr/bin/chromium';
export const FIREFOX = process.env.INTAKE_FIREFOX || '/usr/bin/firefox-esr';

// Tor Browser's "Safer" level, as far as the JavaScript engine goes.
export const SAFER_PREFS = {
	'javascript.options.wasm': false,
	'javascript.options.ion': false,
	'javascript.options.baselinejit': false,
	'javascript.options.native_regexp': false,
	'javascript.options.asmjs': false,
};

const children = new Set();
const browsers = new Set();
const tmpdirs = new Set();

// --- processes and folders ------------------------------------------------

export function tmpdir(tag = 'web') {
	const d = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), `intake-${tag}.`));
	tmpdirs.add(d);
	return d;
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// spawnTracked: a child process stopped by stopAll(); its stderr (and
// stdout unless piped) go to logFile.
export function spawnTracked(cmd, args, { logFile, env } = {}) {
	const fd = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const p = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: env || process.env });
	if (typeof fd === 'number')
		fs.closeSync(fd);
	children.add(p);
	p.exitPromise = new Promise((resolve) => p.on('exit', (code, sig) => {
		children.delete(p);
		resolve({ code, sig });
	}));
	return p;
}

export async function stopProcess(p, ms = 5000) {
	if (p.exitCode !== null || p.signalCode !== null)
		return p.exitPromise;
	p.kill('SIGTERM');
	const t = setTimeout(() => p.kill('SIGKILL'), ms);
	const r = await p.exitPromise;
	clearTimeout(t);
	return r;
}

export async function stopAll() {
	for (const b of [...browsers]) {
		browsers.delete(b);
		await b.close().catch(() => {});
		const p = b.process();
		if (p && p.exitCode === null)
			p.kill('SIGKILL');
	}
	await Promise.all([...children].map((p) => stopProcess(p)));
	if (!process.env.INTAKE_WEB_KEEP)
		for (const d of tmpdirs)
			fs.rmSync(d, { recursive: true, force: true });
	tmpdirs.clear();
}
// On exit and on a signal (make test's time limit): every browser (which
// puppeteer starts in a process group of its own, so a signal to ours
// does not reach it) and every child is killed at once.
function killAll() {
	for (const p of children)
		p.kill('SIGKILL');
	for (const b of browsers) {
		const p = b.process();
		if (p && p.exitCode === null)
			p.kill('SIGKILL');
	}
	if (!process.env.INTAKE_WEB_KEEP)
		for (const d of tmpdirs)
			fs.rmSync(d, { recursive: true, force: true });
}
process.on('exit', killAll);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'])
	process.on(sig, () => {
		killAll();
		process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
	});

// run: a program to its end, bounded in time; resolves {code, stdout,
// stderr} and never rejects on a non-zero exit.
export function run(cmd, args, { input, timeout = 120000, env } = {}) {
	return new Promise((resolve) => {
		const p = execFile(cmd, args, { timeout, maxBuffer: 64 << 20, env: env || process.env,
			encoding: 'utf8' }, (err, stdout, stderr) => {
			resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
				stdout, stderr, signal: err && err.signal });
		});
		if (input !== undefined)
			p.stdin.end(input);
		else
			p.stdin.end();
	});
}

export async function runOk(cmd, args, opts) {
	const r = await run(cmd, args, opts);
	if (r.code !== 0)
		throw new Error(`${path.basename(cmd)} ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
	return r;
}

// --- files -----------------------------------------------------------------

// Leading bytes that make a file what its name says (the officer keeps an
// extension only when the content's kind goes by it).
const MAGIC = {
	'.mp4': Buffer.from('000000186674797069736f6d0000020069736f6d', 'hex'), // ftyp isom
	'.jpg': Buffer.from('ffd8ffe000104a46494600', 'hex'), // JPEG, JFIF
	'.png': Buffer.from('89504e470d0a1a0a', 'hex'),
};

// randomFile: SIZE random bytes in PATH, written in 4 MiB pieces, after
// the leading bytes of its kind for .mp4, .jpg and .png.
export async function randomFile(file, size) {
	const h = await fsp.open(file, 'w');
	try {
		const magic = MAGIC[path.extname(file).toLowerCase()] || Buffer.alloc(0);
		for (let off = 0; off < size; off += 4 << 20) {
			const n = Math.min(4 << 20, size - off);
			const b = crypto.randomBytes(n);
			if (off === 0)
				magic.copy(b, 0, 0, Math.min(magic.length, n));
			await h.write(b);
		}
	} finally {
		await h.close();
	}
	return file;
}

export async function sameFile(a, b) {
	const [sa, sb] = await Promise.all([fsp.stat(a), fsp.stat(b)]);
	if (sa.size !== sb.size)
		return false;
	const ha = crypto.createHash('sha256');
	const hb = crypto.createHash('sha256');
	for await (const c of fs.createReadStream(a)) ha.update(c);
	for await (const c of fs.createReadStream(b)) hb.update(c);
	return ha.digest('hex') === hb.digest('hex');
}

// --- officer and server ----------------------------------------------------

// officerSetup: one officer key pair (passphrase-protected), an officer
// auth key pair, and the organization's keys as submitters get them: the
// root key and a signed keyset naming the officer (the bundle and its
// fingerprint on a build whose intake-officer has no keyset commands).
export async function officerSetup(dir) {
	const o = { dir, pass: path.join(dir, 'pass') };
	fs.writeFileSync(o.pass, 'a test passphrase, not a real one\n', { mode: 0o600 });
	await runOk(BIN.officer, ['keygen', '--out', path.join(dir, 'o1'), '--passphrase-file', o.pass]);
	o.pub = path.join(dir, 'o1', 'officer.pub');
	o.sec = path.join(dir, 'o1', 'officer.sec');
	o.bundle = path.join(dir, 'bundle');
	const b = await runOk(BIN.officer, ['bundle', o.pub, '--out', o.bundle]);
	o.fingerprint = b.stdout.trim();
	await runOk(BIN.officer, ['auth-keygen', '--out', path.join(dir, 'auth')]);
	o.authPub = path.join(dir, 'auth', 'auth.pub');
	o.authSec = path.join(dir, 'auth', 'auth.sec');
	if ((await run(BIN.officer, ['keyset-make', '--help'])).code === 0) {
		const root = path.join(dir, 'root');
		await runOk(BIN.officer, ['root-keygen', '--out', root, '--passphrase-file', o.pass]);
		// the first line is the base32 form (then the words, one line a list)
		o.rootFingerprint = (await runOk(BIN.officer, ['root-fingerprint', path.join(root, 'root.pub')]))
			.stdout.trim().split('\n')[0].trim();
		const entry = path.join(dir, 'o1.entry');
		await runOk(BIN.officer, ['keyset-entry', '--key', o.sec, '--passphrase-file', o.pass, '--out', entry]);
		o.keyset = path.join(dir, 'keyset');
		await runOk(BIN.officer, ['keyset-make', '--root', path.join(root, 'root.sec'), '--out', o.keyset,
			'--officer', entry, '--passphrase-file', o.pass]);
	}
	return o;
}

// pageServerArgs: the server's options for these keys.
export function pageServerArgs(o) {
	const a = ['--officer-key', o.authPub];
	if (o.rootFingerprint)
		a.push('--root-fingerprint', o.rootFingerprint);
	return a;
}

// keysetMissing: why the page cannot be given keys on this build (the
// page takes only a signed keyset, and this intake-officer cannot make
// one), or '' when it can. Tests that send skip with this reason.
export function keysetMissing(o) {
	return o.keyset ? '' : 'the page needs a signed keyset and this intake-officer has no keyset-make (issue 9)';
}

// publishKeyset: the signed keyset stored on the server, where the page
// takes it from (GET /v1/keyset).
export async function publishKeyset(o, srv) {
	if (!o.keyset)
		throw new Error('no signed keyset: intake-officer has no keyset commands yet (issue 9)');
	await runOk(BIN.officer, ['keyset-push', '--server', srv.url, '--auth-key', o.authSec, o.keyset]);
}

// sealWithClient: intake-submit --output: the C client's envelope of the
// same letter and files, to the same keys.
export async function sealWithClient(o, srv, out, letterFile, files) {
	const keys = o.keyset ? ['--keyset', o.keyset, '--fingerprint', o.rootFingerprint]
		: ['--keys', o.bundle, '--fingerprint', o.fingerprint];
	return runOk(BIN.submit, ['--no-config', ...keys, '--server', srv.url, '--output', out,
		'-m', letterFile, ...files], { timeout: 300000 });
}

// startServer: intake-server on a free loopback port with a fresh data
// folder, landing each finished upload at once; resolves once /v1/health
// answers (15 s at most).
export async function startServer(dir, args = []) {
	const port = await freePort();
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { recursive: true });
	const log = path.join(dir, 'server.log');
	// --land-every 0: a finished upload is there for the officer at once
	const p = spawnTracked(BIN.server, ['--listen', `127.0.0.1:${port}`, '--data-dir', data,
		'--land-every', '0', ...args],
		{ logFile: log });
	const url = `http://127.0.0.1:${port}`;
	const until = Date.now() + 15000;
	while (Date.now() < until) {
		if (p.exitCode !== null)
			break;
		try {
			const r = await fetch(`${url}/v1/health`);
			if (r.ok)
				return { url, port, proc: p, data, log, stop: () => stopProcess(p) };
		} catch { /* not listening yet */ }
		await sleep(100);
	}
	throw new Error(`intake-server did not start:\n${readTail(log)}`);
}

// startCutProxy: tests/tools/cutproxy.py in front of the server: the first
// CUTS connections that carry more than AFTER bytes from the browser are
// reset. bytesUp() sums what the browser sent through it.
export async function startCutProxy(dir, targetPort, { after, cuts }) {
	const log = path.join(dir, 'cutproxy.log');
	const portFile = path.join(dir, 'cutproxy.port');
	const p = spawnTracked('python3', [path.join(TOP, 'tests/tools/cutproxy.py'),
		'--target', `127.0.0.1:${targetPort}`, '--after', String(after), '--cuts', String(cuts),
		'--log', log, '--port-file', portFile], { logFile: path.join(dir, 'cutproxy.err') });
	const until = Date.now() + 10000;
	while (!fs.existsSync(portFile)) {
		if (Date.now() > until || p.exitCode !== null)
			throw new Error('cutproxy did not start');
		await sleep(50);
	}
	const port = Number(fs.readFileSync(portFile, 'utf8').trim());
	const lines = () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
	const field = (l, k) => Number((l.match(new RegExp(`${k}=(\\d+)`)) || [0, 0])[1]);
	return {
		url: `http://127.0.0.1:${port}`, port, proc: p,
		bytesUp: () => lines().reduce((s, l) => s + field(l, 'up'), 0),
		cutsDone: () => lines().filter((l) => field(l, 'cut') === 1).length,
		stop: () => stopProcess(p),
	};
}

// officerFetchOpen: fetch every submission and open them with the officer key;
// returns the cases folder.
export async function officerFetchOpen(o, url, work) {
	const inbox = path.join(work, 'inbox');
	const cases = path.join(work, 'cases');
	await runOk(BIN.officer, ['fetch', '--server', url, '--to', inbox, '--auth-key', o.authSec]);
	const envs = fs.readdirSync(inbox).filter((f) => f.endsWith('.env')).map((f) => path.join(inbox, f));
	const r = await run(BIN.officer, ['open', '--from', inbox, '--cases', cases, '--key', o.sec,
		'--passphrase-file', o.pass], { timeout: 300000 });
	return { inbox, cases, envs, open: r };
}

// caseFiles: the case's manifest.json: name as the submitter gave it ->
// the stored file's path.
export function caseFiles(caseDir) {
	const m = JSON.parse(fs.readFileSync(path.join(caseDir, 'manifest.json'), 'utf8'));
	return new Map(m.files.map((f) => [f.name, path.join(caseDir, f.path)]));
}

export async function officerReply(o, url, work, caseName, text) {
	const msg = path.join(work, `reply-${caseName}.txt`);
	const outbox = path.join(work, 'outbox');
	fs.writeFileSync(msg, text);
	await runOk(BIN.officer, ['reply', caseName, '--message-file', msg, '--out', outbox,
		'--cases', path.join(work, 'cases'), '--key', o.sec, '--passphrase-file', o.pass]);
	await runOk(BIN.officer, ['push', '--server', url, '--from', outbox, '--auth-key', o.authSec]);
}

// --- browsers ----------------------------------------------------------------

export const CHROMIUM_ARGS = [
	'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-default-apps', '--disable-extensions', '--no-default-browser-check',
];

// launch: a fresh browser. kind 'chromium' or 'firefox'; safer: Tor
// Browser's Safer prefs (Firefox only); prefs: more Firefox prefs.
export async function launch(kind, { safer = false, prefs = {}, width = 360, height = 740 } = {}) {
	const profile = tmpdir(`${kind}-profile`);
	const common = { headless: true, userDataDir: profile, protocolTimeout: 600000,
		defaultViewport: { width, height }, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };
	let b;
	if (kind === 'chromium') {
		if (safer)
			throw new Error('the Safer prefs are Firefox prefs');
		b = await puppeteer.launch({ ...common, browser: 'chrome', executablePath: CHROMIUM,
			args: CHROMIUM_ARGS });
	} else {
		b = await puppeteer.launch({ ...common, browser: 'firefox', executablePath: FIREFOX,
			extraPrefsFirefox: { ...(safer ? SAFER_PREFS : {}), ...prefs } });
	}
	browsers.add(b);
	b.kind = kind;
	b.profile = profile;
	b.safer = safer;
	return b;
}

export async function closeBrowser(b) {
	browsers.delete(b);
	await b.close().catch(() => {});
}

// --- watching a page -------------------------------------------------------------

// watch: records every request the page (and its workers, where the
// browser reports them) makes, every console line and page error, and
// every securitypolicyviolation event (a listener installed before any
// page script runs, reporting through the console so that it survives
// navigation).
export async function watch(page, allowedOrigins) {
	const w = { requests: [], console: [], errors: [], csp: [] };
	const allowed = new Set(allowedOrigins);
	page.on('request', (r) => w.requests.push(r.url()));
	page.on('console', (m) => {
		const t = m.text();
		if (t.startsWith('[intake-test-csp] '))
			w.csp.push(t.slice(18));
		else
			w.console.push(`${m.type()}: ${t}`);
		if (/Content[- ]Security[- ]Policy|Refused to/i.test(t))
			w.csp.push(t);
	});
	page.on('pageerror', (e) => w.errors.push(String(e && e.message || e)));
	await page.evaluateOnNewDocument(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			console.error('[intake-test-csp] ' + JSON.stringify({ directive: e.violatedDirective,
				blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber }));
		}, true);
	});
	w.foreign = () => w.requests.filter((u) => {
		let o;
		try { o = new URL(u); } catch { return true; }
		if (o.protocol === 'data:' || o.protocol === 'blob:' || o.protocol === 'about:')
			return false;
		return !allowed.has(o.origin);
	});
	// resources the page's own timeline saw (workers excluded), as a
	// second source besides the protocol's request events
	w.timeline = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))
		.catch(() => []);
	return w;
}

// traces: what the page's origin has stored, asked through the page's
// own APIs (cookies through the browser).
export async function traces(page) {
	const t = await page.evaluate(async () => {
		const out = { cookie: document.cookie, localStorage: -1, sessionStorage: -1,
			indexedDB: [], serviceWorkers: -1, caches: [] };
		try { out.localStorage = localStorage.length; } catch (e) { out.localStorage = String(e); }
		try { out.sessionStorage = sessionStorage.length; } catch (e) { out.sessionStorage = String(e); }
		try { out.indexedDB = (await indexedDB.databases()).map((d) => d.name); } catch (e) { out.indexedDB = [String(e)]; }
		try {
			out.serviceWorkers = navigator.serviceWorker
				? (await navigator.serviceWorker.getRegistrations()).length : 0;
		} catch (e) { out.serviceWorkers = String(e); }
		try { out.caches = self.caches ? await caches.keys() : []; } catch (e) { out.caches = [String(e)]; }
		return out;
	});
	t.browserCookies = (await page.cookies().catch(() => [])).map((c) => `${c.name}@${c.domain}`);
	return t;
}

// traceProblems: the list of what traces() found (empty when clean).
export function traceProblems(t) {
	const p = [];
	if (t.cookie) p.push(`document.cookie = ${t.cookie}`);
	if (t.browserCookies.length) p.push(`cookies: ${t.browserCookies.join(', ')}`);
	if (t.localStorage !== 0) p.push(`localStorage: ${t.localStorage}`);
	if (t.sessionStorage !== 0) p.push(`sessionStorage: ${t.sessionStorage}`);
	if (t.indexedDB.length) p.push(`IndexedDB: ${t.indexedDB.join(', ')}`);
	if (t.serviceWorkers !== 0) p.push(`service workers: ${t.serviceWorkers}`);
	if (t.caches.length) p.push(`Cache API: ${t.caches.join(', ')}`);
	return p;
}

// profileTraces: what the browser wrote for this origin into the profile
// folder (read once the browser is closed): IndexedDB, service worker,
// Cache API, local storage and File System data for 127.0.0.1:PORT.
export function profileTraces(kind, profile, port) {
	const found = [];
	const walk = (d, fn) => {
		let ents;
		try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
		for (const e of ents) {
			const p = path.join(d, e.name);
			fn(p, e);
			if (e.isDirectory())
				walk(p, fn);
		}
	};
	if (kind === 'firefox') {
		// storage/default/http+++127.0.0.1+PORT/{idb,cache,ls,sdb,fs}
		const dir = path.join(profile, 'storage', 'default');
		for (const e of (fs.existsSync(dir) ? fs.readdirSync(dir) : [])) {
			if (!e.includes(`127.0.0.1+${port}`))
				continue;
			const files = [];
			walk(path.join(dir, e), (p, ent) => ent.isFile() && files.push(p));
			for (const p of files) {
				if (!fs.existsSync(p) || fs.statSync(p).size === 0 || /\.metadata(-v2)?$|\.padding$|-wal$|-shm$/.test(p))
					continue;
				// asking caches.keys() creates an empty Cache API
				// database: only named caches count
				if (p.endsWith('caches.sqlite') && sqliteCount(p, 'storage') === 0)
					continue;
				found.push(path.relative(profile, p));
			}
		}
		if (fs.existsSync(path.join(profile, 'serviceworker.txt')) &&
		    fs.readFileSync(path.join(profile, 'serviceworker.txt'), 'utf8').includes(`127.0.0.1:${port}`))
			found.push('serviceworker.txt');
	} else {
		const dflt = path.join(profile, 'Default');
		for (const sub of ['IndexedDB', 'File System', 'Service Worker/ScriptCache',
			'Service Worker/CacheStorage', 'Storage/ext']) {
			walk(path.join(dflt, sub), (p, ent) => {
				if (ent.isFile() && p.includes(`127.0.0.1_${port}`))
					found.push(path.relative(profile, p));
				if (ent.isFile() && sub.startsWith('Service Worker') && fs.statSync(p).size > 0)
					found.push(path.relative(profile, p));
			});
		}
		// Local Storage is one leveldb for every origin: look for ours.
		const needle = Buffer.from(`127.0.0.1:${port}`);
		walk(path.join(dflt, 'Local Storage'), (p, ent) => {
			if (ent.isFile() && fs.readFileSync(p).includes(needle))
				found.push(path.relative(profile, p));
		});
	}
	return found;
}

function sqliteCount(file, table) {
	const out = execFileSync('python3', ['-c',
		'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from " + sys.argv[2]).fetchone()[0])',
		file, table], { encoding: 'utf8', timeout: 10000 });
	return Number(out.trim());
}

// --- text on the page -----------------------------------------------------------

// parsePo: msgid -> msgstr of a gettext .po file (msgctxt joined as
// "ctxt\u0004id"; plural forms: msgstr[0]).
export function parsePo(text) {
	const out = new Map();
	let cur = null;
	let field = null;
	const unq = (s) => JSON.parse(s.replace(/\\(?!["\\nt])/g, '\\\\'));
	const flush = () => {
		if (cur && cur.msgid !== undefined && cur.msgid !== '')
			out.set((cur.msgctxt !== undefined ? cur.msgctxt + '\u0004' : '') + cur.msgid, cur.msgstr || '');
		cur = null;
	};
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) {
			if (line === '')
				flush();
			continue;
		}
		const m = line.match(/^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\])\s+(".*")$/);
		if (m) {
			if (m[1] === 'msgctxt' || (m[1] === 'msgid' && cur && cur.msgid !== undefined))
				flush();
			cur = cur || {};
			field = m[1].replace('[0]', '');
			if (/^msgstr\[[1-9]/.test(m[1]) || m[1] === 'msgid_plural')
				field = null;
			if (field)
				cur[field] = unq(m[2]);
		} else if (line.startsWith('"') && cur && field) {
			cur[field] += unq(line);
		}
	}
	flush();
	return out;
}

export function loadCatalog(lang) {
	const f = path.join(TOP, 'po', 'web', `${lang}.po`);
	return fs.existsSync(f) ? parsePo(fs.readFileSync(f, 'utf8')) : null;
}

// visibleText: what a person sees: rendered text plus placeholders,
// labels of controls, titles and alternative texts of visible elements.
// Text an element marks as another language (lang="en" on the English
// switch, for instance) is left out: it is meant to be read in that
// language. So are codes (class "code": a fingerprint or receipt in
// base32), whose random letters can spell a short English string ("TB").
export function visibleText(page) {
	return page.evaluate(() => {
		const lang = document.documentElement.lang || '';
		const ours = (el) => {
			const l = el.closest('[lang]');
			return !l || l.lang === lang;
		};
		const shown = (el) => (el.checkVisibility ? el.checkVisibility({ visibilityProperty: true })
			: el.offsetParent !== null);
		const parts = [document.title];
		const tw = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
		for (let n = tw.nextNode(); n; n = tw.nextNode()) {
			const el = n.parentElement;
			if (!el || !n.nodeValue.trim() || ['SCRIPT', 'STYLE', 'TEXTAREA'].includes(el.tagName)
				|| el.closest('.code'))
				continue;
			if (shown(el) && ours(el))
				parts.push(n.nodeValue);
		}
		for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],img[alt],input[type=submit],input[type=button]')) {
			if (!ours(el) || (el !== document.documentElement && !shown(el) && el.tagName !== 'NAV'))
				continue;
			for (const a of ['placeholder', 'aria-label', 'title', 'alt'])
				if (el.getAttribute(a)) parts.push(el.getAttribute(a));
			if (el.tagName === 'INPUT' && el.value && (el.type === 'submit' || el.type === 'button'))
				parts.push(el.value);
		}
		return parts.join('\n');
	});
}

const latinWords = (s) => s.match(/[A-Za-z][A-Za-z']+/g) || [];

// englishOnPage: English found in the visible text of a page shown in
// Russian: every English catalog message (whose Russian translation is
// different) that appears whole, and every Latin word that the Russian
// catalog itself does not use (proper names such as Tor Browser and
// intake-submit are in it) and that is not in ALLOW (file names, ids).
export function englishOnPage(text, { en, ru, allow = [] }) {
	const found = [];
	const norm = (s) => s.replace(/\s+/g, ' ').trim();
	const page = norm(text);
	const ok = new Set();
	for (const v of ru.values())
		for (const w of latinWords(v)) ok.add(w.toLowerCase());
	for (const a of allow)
		for (const w of latinWords(a)) ok.add(w.toLowerCase());
	for (const [id, e] of en) {
		const s = norm(e.replace(/%\S+|\{[^}]*\}/g, ' '));
		const words = latinWords(s);
		// Two letters or fewer ("TB") say nothing of the page's language.
		if (words.join('').length <= 2 || words.every((w) => ok.has(w.toLowerCase())))
			continue;
		if (norm(ru.get(id) || '') === norm(e))
			continue;
		const re = new RegExp(`(^|[^A-Za-z])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`);
		if (re.test(page))
			found.push(`catalog string: ${s}`);
	}
	for (const w of new Set(latinWords(page)))
		if (!ok.has(w.toLowerCase()) && !/^[0-9A-Z]{1,4}$/.test(w))
			found.push(`word: ${w}`);
	return found;
}

// --- screenshots -------------------------------------------------------------------

export const VIEWPORTS = [[360, 740], [1280, 800]];

// shoot: full-page screenshots of the page at each review size, saved as
// SHOTS/TEST/BROWSER-NN-STEP-WxH.png; the viewport is put back.
export async function shoot(page, test, browserName, step) {
	const dir = path.join(SHOTS, test);
	fs.mkdirSync(dir, { recursive: true });
	page.shotN = (page.shotN || 0) + 1;
	const before = page.viewport();
	const files = [];
	for (const [w, h] of VIEWPORTS) {
		await page.setViewport({ width: w, height: h });
		const f = path.join(dir, `${browserName}-${String(page.shotN).padStart(2, '0')}-${step}-${w}x${h}.png`);
		await page.screenshot({ path: f, fullPage: true });
		files.push(f);
	}
	if (before)
		await page.setViewport(before);
	return files;
}

// --- small things -----------------------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function readTail(file, n = 30) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
	} catch {
		return '';
	}
}

// within: rejects when PROMISE has not settled in MS milliseconds.
export function within(ms, promise, what) {
	let t;
	return Promise.race([promise, new Promise((_, rej) => {
		t = setTimeout(() => rej(new Error(`${what}: no result in ${ms / 1000} s`)), ms);
	})]).finally(() => clearTimeout(t));
}
