// pad.js: Padmé (docs/FORMAT.md section 3) with the 64 KiB floor. Lengths
// stay below 2^53, so Numbers are exact; bit operations are avoided.

export const PAD_FLOOR = 65536;
export const PAD_MAX = 2 ** 40;

// floor(log2(x)) for 1 <= x < 2^53, exactly (Math.log2 rounds near 2^k).
function ilog2(x) {
	let e = 0;
	while (2 ** (e + 1) <= x)
		e++;
	return e;
}

export function pad_padme(x) {
	if (x < 2)
		return x;
	const e = ilog2(x);
	const s = ilog2(e) + 1;
	const unit = 2 ** (e - s);
	return Math.ceil(x / unit) * unit;
}

// Padded stream length for content bytes; null when over the format's limit.
export function pad_stream_len(content) {
	const l = pad_padme(Math.max(content, PAD_FLOOR));
	return l > PAD_MAX ? null : l;
}
