// replies.js: the replies page's interface: the person types the receipt,
// the page reads the mailbox it names, and shows each answer with whether
// it verifiably comes from the organization. Keys stay inside the receipt
// and reply modules; this module only shows results.

import { lib_ready } from './lib.js';
import { $, t, ui, ui_fingerprint, ui_init, ui_keyset, ui_show, ui_text } from './ui.js';
import { enc_b64_decode } from './enc.js';
import { receipt_free, receipt_mailbox_hex, receipt_parse } from './receipt.js';
import { reply_open, reply_sequence } from './reply.js';

const st = { ks: null, result: null, error: null };

function day_str(day) {
	return new Date(day * 86400000).toISOString().slice(0, 10);
}

function render() {
	ui_show('replies-error', st.error !== null);
	if (st.error)
		ui_text('replies-error', t(st.error[0], st.error[1]));
	const list = $('replies-list');
	list.replaceChildren();
	const warn = $('replies-warnings');
	warn.replaceChildren();
	ui_show('replies-empty', st.result !== null && st.result.list.length === 0);
	if (st.result === null)
		return;
	for (const r of st.result.list) {
		const art = document.createElement('article');
		art.className = 'reply ' + r.cls;
		const status = document.createElement('p');
		status.className = 'reply-status ' + r.cls;
		status.textContent = t('reply.' + r.cls);
		const date = document.createElement('p');
		date.className = 'reply-date';
		date.textContent = r.seq === null ? '' : t('reply.number', { n: r.seq, date: day_str(r.day) });
		const text = document.createElement('div');
		text.className = 'reply-text';
		text.textContent = r.text === null ? t('reply.unreadable') : r.text;
		art.append(status, date, text);
		list.append(art);
	}
	const lines = [];
	for (const n of st.result.missing)
		lines.push(t('replies.missing', { n }));
	for (const n of st.result.copies)
		lines.push(t('replies.copy', { n }));
	if (st.result.reordered)
		lines.push(t('replies.reordered'));
	for (const l of lines) {
		const li = document.createElement('li');
		li.textContent = l;
		warn.append(li);
	}
	ui_show('replies-warnings', lines.length > 0);
}

async function read() {
	st.error = null;
	st.result = null;
	const p = receipt_parse($('receipt-input').value, ui.lists);
	if (p.error === 'words') {
		const b = p.bad[0];
		st.error = [b.near.length ? 'receipt.err_words' : 'receipt.err_word',
			{ n: b.pos, word: b.token, near: b.near.join(', ') }];
	} else if (p.error === 'count') {
		st.error = ['receipt.err_count', { n: p.n }];
	} else if (p.error) {
		st.error = ['receipt.err_' + p.error];
	}
	if (st.error)
		return render();
	const r = p.receipt;
	$('read').disabled = true;
	try {
		const res = await fetch('/v1/mailboxes/' + receipt_mailbox_hex(r),
			{ credentials: 'omit', cache: 'no-store' });
		if (res.status === 404) {
			st.result = reply_sequence([]);
		} else if (res.status === 429) {
			st.error = ['replies.busy'];
		} else if (!res.ok) {
			st.error = ['replies.server'];
		} else {
			const body = await res.json();
			const items = Array.isArray(body.replies) ? body.replies : [];
			st.result = reply_sequence(items.map((b64) => {
				const bytes = enc_b64_decode(b64);
				return bytes === null ? { cls: 'unverified', seq: null, day: null, text: null }
					: reply_open(bytes, r, st.ks);
			}));
		}
	} catch (e) {
		st.error = ['replies.server'];
	} finally {
		receipt_free(r);
		$('read').disabled = false;
	}
	render();
}

async function main() {
	await lib_ready();
	await ui_init(render);
	st.ks = await ui_keyset();
	if (st.ks === null)
		return;
	ui_fingerprint(st.ks);
	$('read').addEventListener('click', read);
	$('receipt-input').addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && !e.shiftKey) {
			e.preventDefault();
			read();
		}
	});
	ui_show('ask', true);
}

main().catch(() => {
	const el = document.getElementById('load-error');
	if (el)
		el.hidden = false;
});
