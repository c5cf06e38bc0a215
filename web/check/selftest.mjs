// selftest.mjs: known answers and hostile inputs for the page's modules,
// under Node with the vendored libsodium.js (tests/integration/
// test_page_js.sh). Prints one "ok - ..." or "not ok - ..." line per check.
import fs from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
globalThis.self = globalThis;
const node_process = globalThis.process;
globalThis.process = undefined;
vm.runInThisContext(fs.readFileSync(path.join(here, '../vendor/sodium.js'), 'utf8'));
await globalThis.sodium.ready;
globalThis.process = node_process;
const js = (m) => import(path.join(here, '../js', m));
const s = globalThis.sodium;
const enc = await js('enc.js');
const { pad_padme, pad_stream_len } = await js('pad.js');
const { manifest_encode, manifest_safe_name, manifest_guess_type } = await js('manifest.js');
const R = await js('receipt.js');
const { i18n_parse_po, i18n_size } = await js('i18n.js');
const R2 = await js('reply.js');
const { reply_sequence } = R2;
const K = await js('keyset.js');
const { lib_blake2b } = await js('lib.js');
const { pow_solve } = await js('pow.js');
const { env_key_id } = await js('env.js');

let failed = 0;
function check(name, cond) {
	console.log((cond ? 'ok - ' : 'not ok - ') + name);
	if (!cond)
		failed++;
}
const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Encodings.
const bytes = Uint8Array.from({ length: 17 }, (_, i) => i * 15);
const code = enc.enc_b32_encode(bytes);
check('base32 round trip', eq(Array.from(enc.enc_b32_decode(code, 17)), Array.from(bytes)));
check('base32 folds case, O, I, L and Cyrillic look-alikes', eq(
	Array.from(enc.enc_b32_decode('оIL-' + '0'.repeat(25), 17) || []),
	Array.from(enc.enc_b32_decode('011' + '0'.repeat(25), 17))));
check('base32: nonzero padding bits are refused', enc.enc_b32_decode('0'.repeat(27) + '1', 17) === null);
check('base32: a wrong length is refused', enc.enc_b32_decode('0'.repeat(27), 17) === null);
check('base64: junk is refused', enc.enc_b64_decode('a!==') === null && enc.enc_b64_decode('abc') === null);

// Padme, the same values as common/pad.c.
check('padme known answers', eq([65536, 65537, 100000, 1000000, 2147483653, 2 ** 40 - 1, 103079215105].map(pad_padme),
	[65536, 67584, 100352, 1015808, 2214592512, 2 ** 40, 104152956928]));
check('stream length floor is 64 KiB', pad_stream_len(5) === 65536);
check('stream length past 2^40 is refused', pad_stream_len(2 ** 40 + 1) === null);
{
	const P = await js('payload.js');
	let refused = false;
	try {
		P.payload_src_new('', Array.from({ length: 1001 }, () => ({ name: 'a', size: 0 })), null);
	} catch (e) {
		refused = e instanceof RangeError;
	}
	check('more than 1000 files are refused before sealing', refused);
}

// Manifest names and bytes.
check('safe name: only the last path element', manifest_safe_name('../../etc/passwd') === 'passwd' &&
	manifest_safe_name('C:\\Users\\x\\фото.jpg') === 'фото.jpg');
check('safe name: controls, colon and bidi overrides become _',
	manifest_safe_name('a\u0001b:c\u202egpj.exe') === 'a_b_c_gpj.exe');
check('safe name: leading dots and spaces go, empty is "file"',
	manifest_safe_name(' .hidden. ') === 'hidden' && manifest_safe_name('...') === 'file');
const long = manifest_safe_name('я'.repeat(100));
check('safe name: cut at 120 bytes on a character boundary', long === 'я'.repeat(60));
check('types from the C table, not the browser', manifest_guess_type('x.MOV') === 'video/quicktime' &&
	manifest_guess_type('x.exe') === '');
// The bytes jansson writes for this name (JSON_COMPACT | JSON_ENSURE_ASCII).
const m = manifest_encode({ text_size: 3, files: [{ name: 'a"b\\c/d\x7fé😀\x01\x1f\tф', size: 7, type: '' }] });
check('manifest bytes as jansson writes them', new TextDecoder().decode(m) ===
	'{"v":1,"text_size":3,"files":[{"name":"a\\"b\\\\c/d\x7f\\u00E9\\uD83D\\uDE00\\u0001\\u001F\\t\\u0444","size":7,"type":""}]}');
const m2 = manifest_encode({ text_size: 0, files: [], reply: { pk: new Uint8Array(32), mailbox: new Uint8Array(16).fill(0xab) } });
check('manifest reply member: base64 key, lowercase hex mailbox', new TextDecoder().decode(m2) ===
	'{"v":1,"text_size":0,"files":[],"reply":{"pk":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","mailbox":"' + 'ab'.repeat(16) + '"}}');

// Receipts, with generated lists shaped like data/words (unique first 4).
function list(alphabet, seed) {
	const out = [], seen = new Set();
	let x = seed;
	while (out.length < 2048) {
		let w = '';
		x = (Math.imul(x, 1103515245) + 12345) >>> 0;
		const n = 4 + (x % 5);
		for (let i = 0; i < n; i++) {
			x = (Math.imul(x, 1103515245) + 12345) >>> 0;
			w += alphabet[(x >>> 8) % alphabet.length];
		}
		if (!seen.has(w.slice(0, 4))) {
			seen.add(w.slice(0, 4));
			out.push(w);
		}
	}
	return out;
}
const lists = { ru: list('абвгдежзийклмнопрстуфхцчшщыьэюя', 7), en: list('abcdefghijklmnopqrstuvwxyz', 11) };
lists.ru[0] = 'ёжик';
const r = R.receipt_generate();
const words = R.receipt_words(r, lists.ru);
const back = R.receipt_parse(words.join(' '), lists);
check('receipt: 12 words parse back to the same receipt', back.receipt && R.receipt_same(back.receipt, r));
check('receipt: the code parses back', R.receipt_same(R.receipt_parse(R.receipt_format(r), lists).receipt, r));
check('receipt: English words parse back too', R.receipt_same(R.receipt_parse(R.receipt_words(r, lists.en).join('  '), lists).receipt, r));
const messy = words.map((w, i) => (i % 3 === 0 ? w.toUpperCase() : i % 3 === 1 ? w.slice(0, 4) + 'ами' : w + ','))
	.join(' \n ');
check('receipt: case, inflected endings and punctuation are forgiven', R.receipt_same(R.receipt_parse(messy, lists).receipt, r));
const lat = words.map((w) => w.replace(/а/g, 'a').replace(/о/g, 'o').replace(/е/g, 'e')).join(' ');
check('receipt: Latin look-alikes inside Russian words are read as Cyrillic', R.receipt_same(R.receipt_parse(lat, lists).receipt, r));
const yo = R.receipt_words({ secret: new Uint8Array(16) }, lists.ru);
check('receipt: ё and е are the same letter', R.receipt_parse(yo.join(' ').replace(/ё/g, 'е'), lists).error !== 'words');
const bad = words.slice();
bad[4] = 'щщщщщщ';
const pb = R.receipt_parse(bad.join(' '), lists);
check('receipt: a word not in the list is named with 3 close words', pb.error === 'words' && pb.bad[0].pos === 5 && pb.bad[0].near.length === 3);
const swapped = words.slice();
[swapped[0], swapped[1]] = [swapped[1], swapped[0]];
const ps = R.receipt_parse(swapped.join(' '), lists);
check('receipt: swapped words fail the check bits (or name a word)', !(ps.receipt && R.receipt_same(ps.receipt, r)));
const c2 = R.receipt_format(r).split('');
c2[3] = c2[3] === '0' ? '1' : '0';
check('receipt: a mistyped code fails the check byte', R.receipt_parse(c2.join(''), lists).error === 'check');
check('receipt: one word is counted, not taken for a code', R.receipt_parse('hello', lists).error === 'count' &&
	R.receipt_parse('hello', lists).n === 1);
check('receipt: nothing is neither form', R.receipt_parse(' -- ', lists).error === 'form');
check('receipt: a code one symbol short says so', R.receipt_parse(R.receipt_format(r).slice(0, -1), lists).error === 'code_length');
check('receipt: over 4096 bytes is refused', R.receipt_parse('а'.repeat(2049), lists).error === 'form');
const kdf = lib_blake2b(64, new Uint8Array(0), r.secret, null, 'intake-rcpt-kdf2');
check('receipt: mailbox is BLAKE2b(64, key=secret, personal=intake-rcpt-kdf2)[32..48]',
	enc.enc_hex(kdf.slice(32, 48)) === R.receipt_mailbox_hex(r));
check('receipt: reply key from its first 32 bytes', eq(Array.from(s.crypto_box_seed_keypair(kdf.slice(0, 32)).publicKey), Array.from(r.reply_pk)));

// The known answers of tests/vectors/receipts.txt with data/words.
const top = path.join(here, '../..');
const real = { ru: fs.readFileSync(path.join(top, 'data/words/ru.txt'), 'utf8').trim().split('\n'),
	en: fs.readFileSync(path.join(top, 'data/words/en.txt'), 'utf8').trim().split('\n') };
const blocks = fs.readFileSync(path.join(top, 'tests/vectors/receipts.txt'), 'utf8').split('\n\n')
	.map((b) => Object.fromEntries(b.split('\n').filter((l) => l && l[0] !== '#')
		.map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)])))
	.filter((b) => b.secret);
let vok = blocks.length >= 5;
for (const v of blocks) {
	const p = R.receipt_parse(v.code, real);
	const w = R.receipt_parse(v.ru.toUpperCase(), real), e = R.receipt_parse(v.en, real);
	vok = vok && p.receipt && enc.enc_hex(p.receipt.secret) === v.secret &&
		R.receipt_format(p.receipt) === v.code &&
		R.receipt_words(p.receipt, real.ru).join(' ') === v.ru &&
		R.receipt_words(p.receipt, real.en).join(' ') === v.en &&
		R.receipt_mailbox_hex(p.receipt) === v.mailbox && enc.enc_hex(p.receipt.reply_pk) === v.reply_pk &&
		w.receipt && R.receipt_same(w.receipt, p.receipt) && e.receipt && R.receipt_same(e.receipt, p.receipt);
}
check(`receipt vectors (${blocks.length}): code, both word lists, mailbox, reply key as in C`, vok);
const numbered = blocks[2].ru.split(' ').map((x, i) => `${i + 1}. ${x.slice(0, 5)}-`).join('\n');
check('receipt: "1. кошк- 2. ..." reads as the words', R.receipt_same(R.receipt_parse(numbered, real).receipt,
	R.receipt_parse(blocks[2].code, real).receipt));
const decomposed = blocks[2].ru.normalize('NFD') + '\u00ad';
check('receipt: decomposed letters and a soft hyphen are harmless', R.receipt_parse(decomposed, real).receipt !== undefined);
const typo = blocks[2].ru.split(' ');
typo[6] = 'вклыдыш'.slice(0, 3) + 'ж';
const pt = R.receipt_parse(typo.join(' '), real);
check('receipt: suggestions are list words at distance at most 2', pt.error === 'words' && pt.bad[0].pos === 7 &&
	pt.bad[0].near.length > 0 && pt.bad[0].near.length <= 3 && pt.bad[0].near.every((x) => real.ru.includes(x)));

// Language files.
const po = i18n_parse_po('msgid ""\nmsgstr "Language: ru\\n"\n\n#, fuzzy\nmsgid "a"\nmsgstr "A"\n\nmsgid "b"\nmsgstr ""\n"line \\"1\\"\\n"\n"line 2"\n\nmsgid "c"\nmsgstr ""\n');
check('po: multi-line strings and escapes; fuzzy, empty and header entries left out',
	po.get('b') === 'line "1"\nline 2' && !po.has('a') && !po.has('c') && !po.has(''));
let threw = false;
try {
	i18n_parse_po('msgid "x\nmsgstr "y"');
} catch (e) {
	threw = true;
}
check('po: an unterminated string is refused', threw);
check('sizes in Russian', i18n_size({ map: new Map([['unit.mb', '{n} МБ'], ['num.decimal', ',']]) }, 1.5 * 1048576) === '1,5 МБ');

// Reply order.
const seq = reply_sequence([3, 1, 1, 5].map((q) => ({ seq: q })));
check('replies: missing, copies and a changed order are all reported',
	eq(seq.missing, [2, 4]) && eq(seq.copies, [1]) && seq.reordered && eq(seq.list.map((x) => x.seq), [1, 1, 3, 5]));
check('replies: in order and complete, nothing reported', (() => {
	const q = reply_sequence([1, 2].map((n) => ({ seq: n })));
	return !q.reordered && q.missing.length === 0 && q.copies.length === 0;
})());

// Keysets.
const now = 1800000000;
function keyset(opts = {}) {
	const root = opts.root || s.crypto_sign_keypair();
	const opk = s.crypto_box_keypair().publicKey;
	const b = new Uint8Array(68 + 72);
	b.set(enc.enc_utf8('INTAKEKS'));
	b[8] = 1; b[9] = 1;
	enc.enc_put_u64le(b, 12, 1);
	enc.enc_put_u64le(b, 20, opts.created ?? now - 10);
	enc.enc_put_u64le(b, 28, opts.expires ?? now + 86400);
	b.set(root.publicKey, 36);
	b.set(opts.key_id || env_key_id(opk), 68);
	b.set(opk, 76);
	b.set(s.crypto_sign_keypair().publicKey, 108);
	const sig = s.crypto_sign_detached(enc.enc_concat(enc.enc_utf8('intake-keyset-v1'), b), root.privateKey);
	return enc.enc_concat(b, sig);
}
const why = (b, t = now) => {
	try {
		K.keyset_verify(b, t);
		return 'ok';
	} catch (e) {
		return e.why;
	}
};
check('keyset: a good one verifies', why(keyset()) === 'ok');
const forged = keyset();
forged[120] ^= 1; // the officer's Ed25519 key
check('keyset: a changed byte fails the root signature', why(forged) === 'signature');
check('keyset: a key id that is not the key\'s is refused', why(keyset({ key_id: new Uint8Array(8) })) === 'form');
check('keyset: expired', why(keyset({ expires: now - 1, created: now - 100 })) === 'expired');
check('keyset: created more than a day ahead', why(keyset({ created: now + 2 * 86400, expires: now + 3 * 86400 })) === 'future');
check('keyset: longer than 400 days is refused', why(keyset({ created: now - 10, expires: now + 401 * 86400 })) === 'form');
check('keyset: truncated or extended is refused', why(keyset().slice(0, -1)) === 'form' &&
	why(enc.enc_concat(keyset(), [0])) === 'form');
const ks = K.keyset_verify(keyset(), now);
const fp = lib_blake2b(32, ks.root_pk, null, null, 'intake-root-fp1');
check('root fingerprint: base32 of BLAKE2b(32, root, personal=intake-root-fp1)[0..20], 8 groups',
	K.keyset_fingerprint(ks) === enc.enc_group(enc.enc_b32_encode(fp.slice(0, 20)), 4) &&
	K.keyset_fingerprint(ks).split('-').length === 8);

// Sealing again after a cut: same bytes; a file changed in between stops it.
{
	const S = await js('seal.js'), P = await js('payload.js');
	const data = new Uint8Array(300000).map((_, i) => i * 7);
	const file = { name: 'v.mp4', size: data.length,
		slice: (a, b) => ({ arrayBuffer: async () => data.slice(a, b).buffer }) };
	const rr = R.receipt_generate();
	const sl = await S.seal_new([s.crypto_box_keypair().publicKey],
		P.payload_src_new('текст', [file], { pk: rr.reply_pk, mailbox: rr.mailbox }));
	const first = await S.seal_read(sl, 0, 1 << 20);
	const again = await S.seal_read(sl, 1000, 50000);
	check('sealing again from any offset gives the same bytes', eq(Array.from(again), Array.from(first.subarray(1000, 1000 + again.length))));
	data[70000] ^= 1;
	let stopped = false;
	try {
		await S.seal_read(sl, 0, 1 << 20);
	} catch (e) {
		stopped = e instanceof S.SealChanged;
	}
	check('a file changed before a chunk is sealed again stops the upload', stopped);
	const shrunk = { ...file, slice: (a, b) => ({ arrayBuffer: async () => data.slice(a, Math.min(b, 1000)).buffer }) };
	const sl2 = await S.seal_new([s.crypto_box_keypair().publicKey],
		P.payload_src_new('', [shrunk], { pk: rr.reply_pk, mailbox: rr.mailbox }));
	stopped = false;
	try {
		await S.seal_read(sl2, 0, 1 << 20);
	} catch (e) {
		stopped = e instanceof S.SealChanged;
	}
	check('a file that got shorter stops the upload', stopped);
}

// The keyset and signed-reply vectors the C side makes (tests/vectors,
// tests/unit/keyset_vec.h): the same verdicts in the page.
const vnow = 1767225600 + 86400;
const v1 = K.keyset_verify(new Uint8Array(fs.readFileSync(path.join(top, 'tests/vectors/keyset-v1.bin'))), vnow);
const v2 = K.keyset_verify(new Uint8Array(fs.readFileSync(path.join(top, 'tests/vectors/keyset-v2.bin'))), vnow);
check('keyset vectors verify: v1 two officers, v2 one and one retired',
	v1.officers.length === 2 && v1.revoked.length === 0 && v2.officers.length === 1 &&
	v2.revoked.length === 1 && v2.revoked[0].reason === 1 && K.keyset_fingerprint(v1) === K.keyset_fingerprint(v2));
check('keyset vector expired later: refused with its date', why(fs.readFileSync(path.join(top, 'tests/vectors/keyset-v1.bin')), vnow + 200 * 86400) === 'expired');
const vkp = s.crypto_box_seed_keypair(s.crypto_generichash(32, s.from_string('intake test vector reply key')));
const vr = { reply_pk: vkp.publicKey, reply_sk: vkp.privateKey, mailbox: new Uint8Array(16).fill(0xa5) };
const rep = (f, ks2) => (r2 => r2)(R2.reply_open(new Uint8Array(fs.readFileSync(path.join(top, 'tests/vectors', f))), vr, ks2));
const a1 = rep('v1-reply.bin', v1), a2 = rep('v1-reply-retired.bin', v2), a3 = rep('v1-reply-retired.bin', v1);
check('reply vectors: verified under v1, retired under v2, text and numbers read',
	a1.cls === 'verified' && a1.seq === 1 && a2.cls === 'retired' && a2.seq === 2 && a3.cls === 'verified' &&
	typeof a1.text === 'string' && a1.text.length > 0);
const other = { ...vr, mailbox: new Uint8Array(16) };
check('reply vector for another mailbox: not from the organization', R2.reply_open(
	new Uint8Array(fs.readFileSync(path.join(top, 'tests/vectors/v1-reply.bin'))), other, v1).cls === 'unverified');
const flipped = new Uint8Array(fs.readFileSync(path.join(top, 'tests/vectors/v1-reply.bin')));
flipped[flipped.length - 1] ^= 1;
check('reply vector with a changed byte: unreadable', R2.reply_open(flipped, vr, v1).text === null);

// Proof of work.
const ch = enc.enc_b64_encode(s.randombytes_buf(32));
const proof = await pow_solve({ difficulty: 10, challenge: ch });
const [pc, pn] = proof.split(':');
const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.enc_concat(enc.enc_b64_decode(pc), s.from_hex(pn))));
check('proof of work: the nonce gives 10 leading zero bits', pc === ch && pn.length === 16 && digest[0] === 0 && digest[1] < 0x40);
check('proof of work: difficulty 0 needs none', (await pow_solve({ difficulty: 0, challenge: ch })) === null);

console.log(`# selftest: ${failed} failed`);
process.exit(failed ? 1 : 0);
