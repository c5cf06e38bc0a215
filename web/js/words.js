// words.js: the word lists of data/words/ (SPEC B), fetched from the
// server that serves the page (/words/ru.txt, /words/en.txt): the same
// files the C code embeds, never a second copy. A list that is not exactly
// 2048 distinct words is refused.

export const WORDS_COUNT = 2048;

export async function words_load(lang) {
	const r = await fetch('/words/' + lang + '.txt', { credentials: 'omit', cache: 'no-store' });
	if (!r.ok)
		throw new Error('words ' + lang + ': ' + r.status);
	const lines = (await r.text()).normalize('NFC').split('\n');
	if (lines[lines.length - 1] === '')
		lines.pop();
	const list = lines.map((w) => w.replace(/\r$/, ''));
	if (list.length !== WORDS_COUNT || new Set(list).size !== WORDS_COUNT ||
	    list.some((w) => !/^\p{Ll}{4,8}$/u.test(w)))
		throw new Error('words ' + lang + ': not a word list');
	return list;
}
