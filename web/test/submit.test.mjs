// submit.test.mjs: a Russian letter and three files (one of 200 MiB) sent
// through the page in each real browser, fetched and opened by the real
// intake-officer: text and files byte-identical, names right. The envelope
// is as long as intake-submit's for the same content. The officer's reply
// is read on the replies page with the page's receipt; a receipt with a
// typing mistake is refused. After the run: no trace in the browser, no
// request to anything but the server, no CSP violation, no English.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';
import * as P from './page.mjs';

const { LETTER } = P;

after(L.stopAll);

const REPLY = 'Мы получили ваше письмо. Ответим здесь же.\nНикому не пересылайте квитанцию.\n';

// A receipt with one word changed into a word that is no word at all.
function mistyped(words) {
	const w = words.split(/\s+/);
	w[4] = 'щщщщщ';
	return w.join(' ');
}

for (const kind of ['chromium', 'firefox']) {
	test(`${kind}: Russian letter and 3 files (one of 200 MiB) open byte-identical; reply read with the page's receipt`,
		{ timeout: 420000 }, async (t) => {
			const dir = L.tmpdir(`submit-${kind}`);
			const o = await L.officerSetup(dir);
			if (L.keysetMissing(o))
				return t.skip(L.keysetMissing(o));
			const srv = await L.startServer(dir, L.pageServerArgs(o));
			await L.publishKeyset(o, srv);

			const files = path.join(dir, 'files');
			fs.mkdirSync(files);
			const video = await L.randomFile(path.join(files, 'video.mp4'), 200 << 20);
			const photo = await L.randomFile(path.join(files, 'фото 1.jpg'), 70000);
			const list = path.join(files, 'список.txt');
			fs.writeFileSync(list, 'Петров И. И., в/ч 00000\nСидоров П. П.\n');
			const extra = await L.randomFile(path.join(files, 'лишний.png'), 1000);

			const b = await L.launch(kind);
			const s = await P.session(b, srv.url, { test: 'submit', name: kind });
			await P.openSubmit(s);
			const shown = await P.compose(s, LETTER, [[video, photo], [list, extra]], { remove: ['лишний.png'] });
			assert.deepEqual(shown.map((f) => f.name), ['video.mp4', 'фото 1.jpg', 'список.txt'],
				'the list shows the three files left, with their names');
			assert.match(await P.shownText(s, '#limit') || '', /\d/, 'the size limit is shown before sending');
			assert.ok(await P.shownText(s, '#meta-warning'), 'the warning about metadata in photos and videos is shown');
			assert.ok(await P.shownText(s, '#close-warning'), 'the warning that closing the page loses the upload is shown');
			const { receipt } = await P.send(s);
			assert.equal(receipt.words.split(/\s+/).length, 12, 'receipt in 12 words');
			assert.match(receipt.code.replace(/[\s-]+/g, ''), /^[0-9A-Z]{28}$/, 'receipt as a 28-character code');
			const tUp = Date.now();
			await P.confirm(s, receipt.words, { wrong: mistyped(receipt.words) });
			t.diagnostic(`receipt typed back and upload done in ${((Date.now() - tUp) / 1000).toFixed(1)} s`);
			const tOff = Date.now();

			const off = await L.officerFetchOpen(o, srv.url, dir);
			assert.equal(off.envs.length, 1, 'the officer fetches one envelope');
			assert.equal(off.open.code, 0, `intake-officer open succeeds: ${off.open.stderr}`);
			const c = path.join(off.cases, 'case-000001');
			assert.equal(fs.readFileSync(path.join(c, 'testimony.txt'), 'utf8'), LETTER, 'letter byte-identical');
			const stored = L.caseFiles(c);
			assert.deepEqual([...stored.keys()], ['video.mp4', 'фото 1.jpg', 'список.txt'], 'the files have their names');
			for (const f of [video, photo, list]) {
				const name = path.basename(f);
				assert.equal(path.basename(stored.get(name)), name, `${name} stored under its name`);
				assert.ok(await L.sameFile(f, stored.get(name)), `${name} byte-identical`);
			}
			t.diagnostic(`officer fetch, open and compare: ${((Date.now() - tOff) / 1000).toFixed(1)} s`);
			// the same content sealed by intake-submit: the same length
			const letterFile = path.join(dir, 'letter.txt');
			fs.writeFileSync(letterFile, LETTER);
			const cEnv = path.join(dir, 'c.env');
			await L.sealWithClient(o, srv, cEnv, letterFile, [video, photo, list]);
			assert.equal(fs.statSync(off.envs[0]).size, fs.statSync(cEnv).size,
				'page-made and C-made envelopes of the same content have the same length');

			await L.officerReply(o, srv.url, dir, 'case-000001', REPLY);
			const r = await P.readReplies(s, receipt.words);
			assert.equal(r.error, '', 'the receipt is accepted');
			assert.equal(r.replies.length, 1, 'one reply');
			assert.equal(r.replies[0].text.trim(), REPLY.trim(), 'the reply text as the officer wrote it');
			assert.match(r.replies[0].status, /\bverified\b/, 'the reply is shown as verified');
			const r2 = await P.readReplies(s, receipt.code);
			assert.equal(r2.replies.length, 1, 'the 28-character code reads the same reply');
			const bad = await P.readReplies(s, mistyped(receipt.words));
			assert.notEqual(bad.error, '', 'a mistyped receipt is refused');
			assert.equal(bad.replies.length, 0, 'and shows no reply');

			const left = await P.leftovers(s);
			P.writeLog(s, path.join(L.SHOTS, 'submit'), kind);
			await L.closeBrowser(b);
			left.push(...L.profileTraces(kind, b.profile, srv.port).map((f) => `profile: ${f}`));
			assert.deepEqual(left, [], 'no trace, foreign request, CSP violation or English');
			t.diagnostic(`screenshots: ${s.shots.length} in ${path.join(L.SHOTS, 'submit')}`);
		});
}
