// page.mjs: a person using the page, through the labels and ids that
// web/README.md names. Every step is photographed at both review sizes
// and the page's visible text checked for English while it is in Russian.
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';

// The letter the tests send: Russian, with ё, quotes and a dash.
export const LETTER = 'Заявление.\n' +
	'4-го числа моего сына, рядового Ивана Петрова, забрали с блокпоста под Ёлкино.\n' +
	'С тех пор от него нет вестей. «Помогите», — всё, что он успел написать.\n';

// Names that stay as they are in Russian text: programs, Tor Browser's
// level names as its menu shows them, and the language switch's label,
// which is bilingual on purpose so that someone stuck in the wrong
// language finds it.
export const PROPER_NAMES = ['Tor Browser', 'JavaScript', 'NoScript', 'Safer', 'Safest', 'Linux',
	'intake-submit', 'Language'];

// A session: one browser tab on the server at ORIGIN, watched from its
// first request. Steps are photographed into SHOTS/TEST/ as
// BROWSER-NN-STEP-WxH.png.
export async function session(browser, origin, { test, name, allow = [], shots = true }) {
	const page = await browser.newPage();
	const w = await L.watch(page, [origin]);
	const en = L.loadCatalog('en');
	const ru = L.loadCatalog('ru');
	const s = { page, w, origin, english: [], shots: [], allow: [...PROPER_NAMES, ...allow] };
	// step: screenshots, and English on the Russian page noted with the step
	s.step = async (step) => {
		if (!shots)
			return;
		s.shots.push(...await L.shoot(page, test, name, step));
		const lang = await page.evaluate(() => document.documentElement.lang).catch(() => '');
		if (en && ru && lang === 'ru')
			for (const e of L.englishOnPage(await L.visibleText(page), { en, ru, allow: s.allow }))
				s.english.push(`${step}: ${e}`);
	};
	return s;
}

// shown: in the page, whether a person sees the element (checkVisibility
// where the browser has it).
const SHOWN = `(el) => !!el && !el.hidden && (el.checkVisibility
	? el.checkVisibility({ visibilityProperty: true }) : el.offsetParent !== null)`;

async function isShown(page, sel) {
	return page.evaluate(`(${SHOWN})(document.querySelector(${JSON.stringify(sel)}))`).catch(() => false);
}

async function waitShown(page, sel, timeout) {
	await page.waitForFunction(`(${SHOWN})(document.querySelector(${JSON.stringify(sel)}))`,
		{ timeout, polling: 100 });
}

async function text(page, sel) {
	return page.$eval(sel, (el) => el.innerText.trim()).catch(() => '');
}

// first of several selectors to become visible; resolves its selector.
async function firstShown(page, sels, timeout) {
	const h = await page.waitForFunction(`(() => {
		const shown = ${SHOWN};
		for (const q of ${JSON.stringify(sels)}) {
			const el = document.querySelector(q);
			if (shown(el) && el.innerText.trim() !== '')
				return q;
		}
		return false;
	})()`, { timeout, polling: 100 });
	return h.jsonValue();
}

// openSubmit: the submission page loaded with the organization's keys
// shown; resolves the fingerprint shown.
export async function openSubmit(s, { timeout = 30000 } = {}) {
	await s.page.goto(`${s.origin}/`, { waitUntil: 'load', timeout });
	const which = await firstShown(s.page, ['#fp-words', '#keyset-error'], timeout);
	await s.step('loaded');
	if (which === '#keyset-error')
		throw new Error(`the page shows a keyset error: ${await text(s.page, '#keyset-error')}`);
	return { words: await text(s.page, '#fp-words'), code: await text(s.page, '#fp-code') };
}

// compose: types the letter, picks the files (one pick per array given),
// removes the files named in remove; resolves the list as shown.
export async function compose(s, letter, picks, { remove = [] } = {}) {
	const { page } = s;
	await page.click('#text');
	await page.type('#text', letter);
	await s.step('text');
	for (const pick of picks) {
		const input = await page.$('#files');
		await input.uploadFile(...pick);
		s.allow.push(...pick.map((f) => path.basename(f)));
		const want = pick.length;
		await page.waitForFunction((n) => document.querySelectorAll('#file-list li.file').length >= n,
			{ timeout: 10000, polling: 100 }, want);
	}
	await s.step('files');
	for (const name of remove) {
		const rows = await page.$$('#file-list li.file');
		let done = false;
		for (const r of rows) {
			if ((await r.$eval('.file-name', (el) => el.innerText.trim())) === name) {
				await (await r.$('button.file-remove')).click();
				done = true;
				break;
			}
		}
		if (!done)
			throw new Error(`no row for ${name} to remove`);
	}
	if (remove.length)
		await s.step('removed');
	return fileList(s);
}

// shownText: the text of an element when a person sees it, else null.
export async function shownText(s, sel) {
	return (await isShown(s.page, sel)) ? text(s.page, sel) : null;
}

export function fileList(s) {
	return s.page.$$eval('#file-list li.file', (rows) => rows.map((r) => ({
		name: r.querySelector('.file-name').innerText.trim(),
		size: r.querySelector('.file-size').innerText.trim(),
		removable: !!r.querySelector('button.file-remove'),
	})));
}

// send: presses #send; resolves { receipt: { words, code }, ms } with ms
// the time from the press until the receipt is on the screen.
export async function send(s, { timeout = 30000 } = {}) {
	const { page } = s;
	const t0 = Date.now();
	await page.click('#send');
	const which = await firstShown(page, ['#receipt-words', '#compose-error', '#upload-error'], timeout);
	const ms = Date.now() - t0;
	if (which !== '#receipt-words')
		throw new Error(`no receipt: ${which}: ${await text(page, which)}`);
	await page.waitForFunction(() => document.querySelector('#receipt-code').innerText.trim().length >= 28,
		{ timeout, polling: 50 });
	const receipt = { words: await text(page, '#receipt-words'), code: await text(page, '#receipt-code') };
	// the organization's words, which look alike, are gone once sending starts
	if (await isShown(page, '#fp-words'))
		throw new Error('the organization\'s words are still shown beside the receipt');
	await s.step('receipt');
	return { receipt, ms };
}

// confirm: the receipt written down and typed back (as TYPED, by default
// the words), then the page's "done" once the upload finished. With
// WRONG, that is typed first: the page must say it does not match and
// must not say "done".
export async function confirm(s, typed, { timeout = 300000, onProgress, wrong } = {}) {
	const { page } = s;
	if (await isShown(page, '#upload-error'))
		throw new Error(`#upload-error: ${await text(page, '#upload-error')}`);
	await page.click('#receipt-written');
	await waitShown(page, '#receipt-confirm', 10000);
	if (await isShown(page, '#receipt-words') || await isShown(page, '#receipt-code'))
		throw new Error('the receipt is still on the screen while it is typed back');
	if (wrong) {
		await page.type('#receipt-confirm', wrong);
		await page.click('#receipt-check');
		await waitShown(page, '#receipt-mismatch', 10000);
		await s.step('receipt-mismatch');
		if (await isShown(page, '#done'))
			throw new Error('"done" shown after a receipt that does not match');
		await page.$eval('#receipt-confirm', (el) => { el.value = ''; });
	}
	await page.type('#receipt-confirm', typed);
	await s.step('receipt-typed');
	await page.click('#receipt-check');
	const t0 = Date.now();
	let shotProgress = false;
	const statuses = new Set();
	for (;;) {
		if (await isShown(page, '#done'))
			break;
		for (const bad of ['#receipt-mismatch', '#upload-error'])
			if (await isShown(page, bad))
				throw new Error(`${bad}: ${await text(page, bad)}`);
		// the progress once, and each new status line (a cut connection
		// and the page trying again) the first time it shows
		const status = await text(page, '#upload-status');
		if ((!shotProgress || (status && !statuses.has(status))) && await isShown(page, '#progress')) {
			shotProgress = true;
			statuses.add(status);
			await s.step(statuses.size > 1 ? 'status' : 'progress');
		}
		if (onProgress)
			await onProgress(page);
		if (Date.now() - t0 > timeout)
			throw new Error(`no #done after ${timeout / 1000} s: ${await text(page, '#upload-status')} ${await text(page, '#percent')}`);
		await L.sleep(250);
	}
	await s.step('done');
}

// readReplies: the replies page with RECEIPT typed in; resolves
// { replies: [{status, date, text}], empty, error, warnings }.
export async function readReplies(s, receipt, { timeout = 60000 } = {}) {
	const { page } = s;
	await page.goto(`${s.origin}/replies`, { waitUntil: 'load', timeout });
	await waitShown(page, '#receipt-input', timeout);
	await s.step('replies-open');
	await page.type('#receipt-input', receipt);
	await page.click('#read');
	const which = await firstShown(page, ['#replies-list article.reply', '#replies-empty', '#replies-error'], timeout);
	await L.sleep(200);
	const out = {
		replies: await page.$$eval('#replies-list article.reply', (as) => as.map((a) => ({
			status: [...a.querySelector('.reply-status').classList].join(' '),
			date: a.querySelector('.reply-date')?.innerText.trim(),
			text: a.querySelector('.reply-text').innerText,
		}))).catch(() => []),
		empty: which === '#replies-empty',
		error: which === '#replies-error' ? await text(page, '#replies-error') : '',
		warnings: await text(page, '#replies-warnings'),
	};
	await s.step(which === '#replies-error' ? 'replies-refused' : 'replies');
	return out;
}

// leftovers: what the run left behind, checked in the open tab: stored
// traces, requests to anything but the server, CSP violations, English.
export async function leftovers(s) {
	const p = L.traceProblems(await L.traces(s.page));
	for (const u of s.w.foreign())
		p.push(`request to ${u}`);
	for (const u of await s.w.timeline())
		if (!u.startsWith(s.origin + '/'))
			p.push(`resource ${u}`);
	for (const c of s.w.csp)
		p.push(`CSP: ${c}`);
	for (const e of s.english)
		p.push(`English: ${e}`);
	return p;
}

export function writeLog(s, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, `${name}.log`), [
		'# requests', ...s.w.requests, '# console', ...s.w.console, '# page errors', ...s.w.errors,
		'# CSP', ...s.w.csp].join('\n') + '\n');
}
