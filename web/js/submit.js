// submit.js: the submission page's interface. It collects the text and the
// files, shows sizes and warnings, and drives the steps the other modules
// do: receipt, sealing, proof of work, upload. It never sees a key: the
// receipt and the sealer are opaque objects handed between modules.

import { lib_ready } from './lib.js';
import { $, t, ui, ui_fingerprint, ui_init, ui_keyset, ui_show, ui_text,
	ui_words } from './ui.js';
import { i18n_duration, i18n_size } from './i18n.js';
import { env_total_len } from './env.js';
import { keyset_recipients } from './keyset.js';
import { manifest_guess_type, manifest_safe_name } from './manifest.js';
import { payload_src_new } from './payload.js';
import { pow_fetch, pow_solve } from './pow.js';
import { receipt_format, receipt_free, receipt_generate, receipt_parse,
	receipt_same, receipt_words } from './receipt.js';
import { seal_new, seal_read, seal_total_len, SealChanged } from './seal.js';
import { tus_max_size, tus_upload, TusFatal } from './tus.js';

const st = {
	ks: null,
	max: null,           // server's size limit, bytes
	files: [],
	receipt: null,
	uploaded: false,
	confirmed: false,
	status: null,        // upload status id for #upload-status
	error: null,         // [id, params] for #upload-error
	total: 0,
	samples: [],         // [ms, bytes] for speed
	done_bytes: 0,
	drawn: 0,
};

function is_media(f) {
	const ty = manifest_guess_type(manifest_safe_name(f.name)) || f.type || '';
	return ty.startsWith('image/') || ty.startsWith('video/');
}

function render_files() {
	const ul = $('file-list');
	ul.replaceChildren();
	st.files.forEach((f, i) => {
		const li = document.createElement('li');
		li.className = 'file';
		const name = document.createElement('span');
		name.className = 'file-name';
		name.textContent = f.name;
		const size = document.createElement('span');
		size.className = 'file-size';
		size.textContent = i18n_size(ui.cat, f.size);
		const rm = document.createElement('button');
		rm.type = 'button';
		rm.className = 'file-remove';
		rm.textContent = t('files.remove');
		rm.setAttribute('aria-label', t('files.remove_named', { name: f.name }));
		rm.disabled = $('send').disabled;
		rm.addEventListener('click', () => {
			st.files.splice(i, 1);
			render_files();
		});
		li.append(name, size, rm);
		ul.append(li);
	});
	ui_show('file-list', st.files.length > 0);
	ui_show('meta-warning', st.files.some(is_media));
	const sum = st.files.reduce((a, f) => a + f.size, 0);
	ui_text('files-total', st.files.length ? t('files.total', { n: st.files.length,
		size: i18n_size(ui.cat, sum) }) : '');
}

function render_limit() {
	ui_text('limit', st.max === null ? '' : t('limit.text', { size: i18n_size(ui.cat, st.max) }));
}

function render_receipt() {
	if (st.receipt === null)
		return;
	const list = ui_words();
	ui_text('receipt-words', list ? receipt_words(st.receipt, list).join(' ') : '');
	ui_show('receipt-words', list !== null);
	ui_text('receipt-code', receipt_format(st.receipt));
}

function render_progress(in_flight) {
	const now = performance.now();
	const sent = st.done_bytes + in_flight;
	st.samples.push([now, sent]);
	while (st.samples.length > 2 && now - st.samples[0][0] > 10000)
		st.samples.shift();
	if (now - st.drawn < 250 && sent < st.total)
		return;
	st.drawn = now;
	const pct = st.total ? Math.floor(100 * sent / st.total) : 0;
	$('bar').value = pct;
	ui_text('percent', t('progress.percent', { p: pct }));
	const [t0, b0] = st.samples[0];
	const speed = now > t0 ? (sent - b0) * 1000 / (now - t0) : 0;
	ui_text('speed', speed > 0 ? t('progress.speed', { size: i18n_size(ui.cat, speed) }) : '');
	ui_text('eta', speed > 0 && sent < st.total
		? t('progress.eta', { time: i18n_duration(ui.cat, (st.total - sent) / speed) }) : '');
}

function render_status() {
	ui_text('upload-status', st.status ? t('status.' + st.status) : '');
	if (st.error) {
		ui_text('upload-error', t(st.error[0], st.error[1]));
		ui_show('upload-error', true);
	}
}

function render_all() {
	render_files();
	render_limit();
	render_receipt();
	render_status();
	if (st.total)
		render_progress(0);
}

// Shows the message id (null hides it).
function compose_error(id, params) {
	ui_text('compose-error', id === null ? '' : t(id, params));
	ui_show('compose-error', id !== null);
}

function leave_warning(e) {
	e.preventDefault();
	e.returnValue = '';
}

function maybe_done() {
	if (!st.uploaded || !st.confirmed)
		return;
	receipt_free(st.receipt);
	st.receipt = null;
	window.removeEventListener('beforeunload', leave_warning);
	ui_show('receipt', false);
	ui_show('progress', false);
	ui_show('done', true);
	$('done').focus();
}

async function upload(src) {
	const sl = await seal_new(keyset_recipients(st.ks), src);
	st.total = seal_total_len(sl);
	await tus_upload(st.total, {
		read: (off, max) => seal_read(sl, off, max),
		pow: async () => pow_solve(await pow_fetch()),
		pow_from: pow_solve,
		progress: (acked, flying) => {
			st.done_bytes = acked;
			render_progress(flying);
		},
		status: (s) => {
			st.status = s;
			render_status();
		},
	});
}

async function send() {
	compose_error(null);
	const text = $('text').value;
	if (text.trim() === '' && st.files.length === 0)
		return compose_error('compose.empty');
	st.receipt = receipt_generate();
	let src;
	try {
		src = payload_src_new(text, st.files, { pk: st.receipt.reply_pk,
			mailbox: st.receipt.mailbox });
	} catch (e) {
		receipt_free(st.receipt);
		st.receipt = null;
		return compose_error('limit.format');
	}
	// The envelope's length follows from the stream's: check before sending.
	if (st.max !== null && env_total_len(st.ks.officers.length, src.stream_len) > st.max) {
		receipt_free(st.receipt);
		st.receipt = null;
		return compose_error('limit.over', { size: i18n_size(ui.cat, st.max) });
	}
	window.addEventListener('beforeunload', leave_warning);
	$('send').disabled = true;
	$('text').readOnly = true;
	$('files').disabled = true;
	ui_show('compose', false);
	// The organization's words look like the receipt's: once sending
	// starts, only the receipt is on the screen to be written down.
	ui_show('org', false);
	render_receipt();
	ui_show('progress', true);
	ui_show('receipt', true);
	$('receipt').scrollIntoView({ block: 'start' });
	$('receipt-heading').focus();
	try {
		await upload(src);
		st.uploaded = true;
		st.status = 'complete';
		render_status();
		render_progress(0);
		maybe_done();
	} catch (e) {
		st.status = null;
		if (e instanceof SealChanged)
			st.error = ['error.changed'];
		else if (e instanceof TusFatal)
			st.error = ['error.' + e.why];
		else
			st.error = ['error.internal'];
		window.removeEventListener('beforeunload', leave_warning);
		// Nothing arrived: a receipt for it would only mislead.
		receipt_free(st.receipt);
		st.receipt = null;
		ui_show('receipt', false);
		render_status();
	}
}

function check_receipt() {
	const r = receipt_parse($('receipt-confirm').value, ui.lists);
	const ok = r.receipt !== undefined && receipt_same(r.receipt, st.receipt);
	if (r.receipt)
		receipt_free(r.receipt);
	ui_show('receipt-mismatch', !ok);
	if (!ok)
		return;
	st.confirmed = true;
	ui_show('receipt-confirm-box', false);
	ui_show('receipt-ok', true);
	maybe_done();
}

async function main() {
	await lib_ready();
	await ui_init(render_all);
	$('files').addEventListener('change', () => {
		st.files.push(...$('files').files);
		$('files').value = '';
		render_files();
	});
	$('send').addEventListener('click', send);
	// Typed back from memory or paper, not copied from the screen: the
	// words are hidden, and may be shown once more.
	$('receipt-written').addEventListener('click', () => {
		ui_show('receipt-show', false);
		ui_show('receipt-confirm-box', true);
		$('receipt-confirm').focus();
	});
	$('receipt-again').addEventListener('click', () => {
		$('receipt-again').remove();
		ui_show('receipt-confirm-box', false);
		ui_show('receipt-show', true);
		$('receipt-heading').focus();
	});
	$('receipt-check').addEventListener('click', check_receipt);
	st.ks = await ui_keyset();
	if (st.ks === null)
		return;
	ui_fingerprint(st.ks);
	try {
		st.max = await tus_max_size();
	} catch (e) {
		st.max = null;
	}
	render_limit();
	ui_show('compose', true);
}

main().catch(() => {
	const el = document.getElementById('load-error');
	if (el)
		el.hidden = false;
});
