// node.mjs: the page's modules under Node, for tests that pair them with
// the C tools (tests/integration/test_web.sh). Not served: a test tool.
//   node --experimental-default-type=module web/check/node.mjs seal PUBFILE TEXTFILE OUT [FILE...]
//       seal with js/seal.js to one officer key; prints the receipt code
//       and the mailbox on stdout
//   node ... node.mjs receipt CODE      prints the mailbox and reply key (hex)
//   node ... node.mjs fingerprint KEYSET  the keyset's root fingerprint as the
//       page shows it: code, Russian words, English words (one a line)
//   node ... node.mjs strings           every string id the pages use is in
//       every po/web/*.po, the files have the same ids, Russian has no Latin
import fs from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Load vendor/sodium.js as a browser would: as a classic script seeing no
// Node (it would use require), with self.crypto for randomness.
globalThis.self = globalThis;
const node_process = globalThis.process;
globalThis.process = undefined;
vm.runInThisContext(fs.readFileSync(path.join(here, '../vendor/sodium.js'), 'utf8'));
await globalThis.sodium.ready;
globalThis.process = node_process;
const js = (m) => import(path.join(here, '../js', m));
const { lib_ready } = await js('lib.js');
await lib_ready();
const { enc_b64_decode, enc_hex } = await js('enc.js');
const { payload_src_new } = await js('payload.js');
const { seal_new, seal_read, seal_total_len } = await js('seal.js');
const { receipt_format, receipt_generate, receipt_parse, receipt_mailbox_hex } = await js('receipt.js');

function read_pub(file) {
	const m = /^intake-public-key-1 (\S+)/.exec(fs.readFileSync(file, 'utf8'));
	const pk = m && enc_b64_decode(m[1]);
	if (!pk || pk.length !== 32)
		throw new Error('bad public key file');
	return pk;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'seal') {
	const [pubfile, textfile, out, ...files] = args;
	const r = receipt_generate();
	const blobs = files.map((f) => new File([fs.readFileSync(f)], path.basename(f)));
	const src = payload_src_new(fs.readFileSync(textfile, 'utf8'), blobs,
		{ pk: r.reply_pk, mailbox: r.mailbox });
	const s = await seal_new([read_pub(pubfile)], src);
	const fd = fs.openSync(out, 'w');
	// Odd piece sizes, so that reads start inside chunks as after a cut.
	for (let off = 0, piece = 1000; off < seal_total_len(s); piece = piece * 3 + 17) {
		const b = await seal_read(s, off, piece);
		fs.writeSync(fd, b);
		off += b.length;
	}
	fs.closeSync(fd);
	console.log(receipt_format(r));
	console.log(receipt_mailbox_hex(r));
} else if (cmd === 'receipt') {
	const p = receipt_parse(args[0], { ru: [], en: [] });
	if (!p.receipt) {
		console.error('receipt: ' + p.error);
		process.exit(65);
	}
	console.log(receipt_mailbox_hex(p.receipt));
	console.log(enc_hex(p.receipt.reply_pk));
} else if (cmd === 'fingerprint') {
	const K = await js('keyset.js');
	const { receipt_bits_words } = await js('receipt.js');
	const top = path.join(here, '../..');
	const ks = K.keyset_verify(new Uint8Array(fs.readFileSync(args[0])), Math.floor(Date.now() / 1000));
	console.log(K.keyset_fingerprint(ks));
	for (const l of ['ru', 'en'])
		console.log(receipt_bits_words(K.keyset_fingerprint_bits(ks), 15,
			fs.readFileSync(path.join(top, 'data/words', l + '.txt'), 'utf8').trim().split('\n')).join(' '));
} else if (cmd === 'strings') {
	const { i18n_parse_po, I18N_LANGS } = await js('i18n.js');
	const top = path.join(here, '../..');
	const cats = Object.fromEntries(I18N_LANGS.map((l) => [l,
		i18n_parse_po(fs.readFileSync(path.join(top, 'po/web', l + '.po'), 'utf8'))]));
	const used = new Set();
	for (const f of ['index.html', 'replies.html'])
		for (const m of fs.readFileSync(path.join(here, '..', f), 'utf8').matchAll(/data-t(?:-\w+|itle)?="([^"]+)"/g))
			used.add(m[1]);
	for (const f of fs.readdirSync(path.join(here, '../js')))
		for (const m of fs.readFileSync(path.join(here, '../js', f), 'utf8').matchAll(/'([a-z_]+\.[a-z_]*[a-z])'/g))
			used.add(m[1]);
	// Ids the interface builds from a state name.
	const dynamic = { 'status.': ['proof', 'sending', 'retrying', 'complete'],
		'error.': ['changed', 'too_big', 'refused', 'keyset', 'gone', 'internal'],
		'keyset.': ['missing', 'server', 'form', 'signature', 'expired', 'future'],
		'reply.': ['verified', 'retired', 'compromised', 'unverified'],
		'receipt.err_': ['form', 'check', 'words', 'word', 'count', 'code_length'],
		'unit.': ['b', 'kb', 'mb', 'gb', 'tb'] };
	for (const [pre, names] of Object.entries(dynamic))
		names.forEach((n) => used.add(pre + n));
	let bad = 0;
	for (const id of used)
		for (const l of I18N_LANGS)
			if (!cats[l].has(id)) {
				console.error(l + '.po: no ' + id);
				bad++;
			}
	for (const l of I18N_LANGS)
		for (const id of cats[l].keys())
			if (!cats.ru.has(id) || !used.has(id)) {
				console.error(l + '.po: ' + id + (used.has(id) ? ' not in ru.po' : ' is not used'));
				bad++;
			}
	for (const [id, str] of cats.ru)
		if (/[A-Za-z]/.test(str.replace(/\{\w+\}/g, ''))) {
			console.error('ru.po: Latin letters in ' + id);
			bad++;
		}
	process.exit(bad ? 1 : 0);
} else {
	console.error('usage: node.mjs seal|receipt ...');
	process.exit(64);
}
