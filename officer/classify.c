/* classify.c: attachment kinds by content (see classify.h). Magic numbers
 * come from the first CLASSIFY_HEAD bytes; PDFs, pages and OLE files are
 * scanned up to CLASSIFY_SCAN bytes for risky names; a zip's central
 * directory (names and sizes only) is read from its end. Nothing is
 * decompressed: what only decompression would show (a PDF action inside
 * a compressed object stream, an OOXML content type) is not seen, which
 * docs/OFFICER.md says. */
#include "classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fsio.h"

#define CLASSIFY_HEAD 4096
#define CLASSIFY_SCAN ((uint64_t)256 << 20)   /* bytes scanned for names */
#define CLASSIFY_BLOCK 65536
#define CLASSIFY_ZIP_CD ((uint64_t)16 << 20)  /* central directory read */
#define CLASSIFY_RATIO 100  /* uncompressed / stored above this: a bomb */
#define CLASSIFY_PDF_NAME 32

static void classify_flag(classify_result *r, const char *flag)
{
	size_t n = strlen(r->flags);

	if (strstr(r->flags, flag) != NULL)
		return; /* once is enough */
	snprintf(r->flags + n, sizeof r->flags - n, "%s%s", n > 0 ? "," : "",
	         flag);
}

static void classify_set(classify_result *r, const char *kind,
                         const char *exts)
{
	r->kind = kind;
	r->exts = exts;
}

/* ---- bounded scans ---- */

typedef struct {
	const char *pat;  /* lowercase when the scan folds case */
	size_t len;
	const char *flag;
} classify_pat;

#define PAT(s, flag) { s, sizeof s - 1, flag }

/* Each pattern found in the first CLASSIFY_SCAN bytes sets its flag.
 * Blocks overlap by the longest pattern; fold lowercases ASCII. */
static st_t classify_scan(int fd, uint64_t size, const classify_pat *pats,
                          size_t npats, int fold, classify_result *r)
{
	unsigned char buf[CLASSIFY_BLOCK + 64];
	uint64_t off = 0, limit = size < CLASSIFY_SCAN ? size : CLASSIFY_SCAN;
	size_t keep = 0, maxlen = 0, n, i, k, len;
	st_t st;

	for (i = 0; i < npats; i++)
		if (pats[i].len > maxlen)
			maxlen = pats[i].len;
	while (off < limit) {
		n = limit - off < CLASSIFY_BLOCK ? (size_t)(limit - off) :
		    CLASSIFY_BLOCK;
		st = fsio_pread_exact(fd, buf + keep, n, off);
		if (st != ST_OK)
			return st == ST_BADDATA ? ST_IO : st;
		if (fold)
			for (k = keep; k < keep + n; k++)
				if (buf[k] >= 'A' && buf[k] <= 'Z')
					buf[k] = (unsigned char)(buf[k] + 32);
		len = keep + n;
		for (i = 0; i < npats; i++)
			if (memmem(buf, len, pats[i].pat, pats[i].len) != NULL)
				classify_flag(r, pats[i].flag);
		off += n;
		keep = len < maxlen - 1 ? len : maxlen - 1;
		memmove(buf, buf + len - keep, keep);
	}
	if (size > CLASSIFY_SCAN)
		classify_flag(r, "not inspected past 256 MiB");
	return ST_OK;
}

/* PDF names, decoded (#hh escapes hide "/J#61vaScript" from a plain
 * search) and compared whole. */
static void classify_pdf_name(const char *name, classify_result *r)
{
	static const struct { const char *name, *flag; } risky[] = {
		{ "JavaScript", "javascript" }, { "JS", "javascript" },
		{ "OpenAction", "open action" }, { "AA", "auto action" },
		{ "Launch", "launch" }, { "EmbeddedFile", "embedded file" },
		{ "EmbeddedFiles", "embedded file" }, { "RichMedia", "rich media" },
		{ "XFA", "xfa form" }, { "SubmitForm", "submit form" },
		{ "GoToR", "remote link" }, { "GoToE", "embedded link" },
	};
	size_t i;

	for (i = 0; i < sizeof risky / sizeof risky[0]; i++)
		if (strcmp(name, risky[i].name) == 0)
			classify_flag(r, risky[i].flag);
}

static int classify_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A PDF name ends at white space or a delimiter. */
static int classify_pdf_end(int c)
{
	return c <= ' ' || strchr("()<>[]{}/%", c) != NULL;
}

static st_t classify_pdf(int fd, uint64_t size, classify_result *r)
{
	unsigned char buf[CLASSIFY_BLOCK];
	char name[CLASSIFY_PDF_NAME + 1];
	uint64_t off = 0, limit = size < CLASSIFY_SCAN ? size : CLASSIFY_SCAN;
	size_t n, i, nl = 0;
	int in = 0, esc = 0, hi = 0, c, h;
	st_t st;

	while (off < limit) {
		n = limit - off < CLASSIFY_BLOCK ? (size_t)(limit - off) :
		    CLASSIFY_BLOCK;
		st = fsio_pread_exact(fd, buf, n, off);
		if (st != ST_OK)
			return st == ST_BADDATA ? ST_IO : st;
		for (i = 0; i < n; i++) {
			c = buf[i];
			if (in && esc > 0) { /* inside "#hh" */
				h = classify_hex(c);
				if (h >= 0 && esc == 1) {
					hi = h;
					esc = 2;
					continue;
				}
				if (h >= 0 && nl < CLASSIFY_PDF_NAME)
					name[nl++] = (char)(hi * 16 + h);
				esc = 0;
				if (h >= 0)
					continue;
			}
			if (in && !classify_pdf_end(c)) {
				if (c == '#')
					esc = 1;
				else if (nl < CLASSIFY_PDF_NAME)
					name[nl++] = (char)c;
				continue;
			}
			if (in) {
				name[nl] = '\0';
				classify_pdf_name(name, r);
				in = 0;
			}
			if (c == '/') {
				in = 1;
				nl = 0;
				esc = 0;
			}
		}
		off += n;
	}
	if (in) {
		name[nl] = '\0';
		classify_pdf_name(name, r);
	}
	if (size > CLASSIFY_SCAN)
		classify_flag(r, "not inspected past 256 MiB");
	return ST_OK;
}

/* ---- zip: names and sizes from the central directory ---- */

static uint32_t classify_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t classify_le32(const unsigned char *p)
{
	return classify_le16(p) | classify_le16(p + 2) << 16;
}

static int classify_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

/* What one entry name says. */
static void classify_zip_name(const char *nm, size_t n, int *ooxml,
                              int *word, int *xl, int *ppt, int *jar,
                              int *apk, classify_result *r)
{
	static const char *const nested[] = {
		".zip", ".jar", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2",
		".xz", ".cab", ".iso", ".apk", ".docm", ".xlsm", ".pptm",
	};
	size_t i;

	if (n == 19 && memcmp(nm, "[Content_Types].xml", 19) == 0)
		*ooxml = 1;
	*word |= n > 5 && memcmp(nm, "word/", 5) == 0;
	*xl |= n > 3 && memcmp(nm, "xl/", 3) == 0;
	*ppt |= n > 4 && memcmp(nm, "ppt/", 4) == 0;
	*jar |= n == 20 && memcmp(nm, "META-INF/MANIFEST.MF", 20) == 0;
	*apk |= n == 11 && memcmp(nm, "classes.dex", 11) == 0;
	if (classify_suffix(nm, n, "vbaProject.bin") ||
	    classify_suffix(nm, n, "vbaData.xml") ||
	    (n > 15 && memcmp(nm, "xl/macrosheets/", 15) == 0) ||
	    (n > 6 && memcmp(nm, "Basic/", 6) == 0) ||
	    (n > 8 && memcmp(nm, "Scripts/", 8) == 0))
		classify_flag(r, "macros");
	if (memmem(nm, n, "activeX", 7) != NULL)
		classify_flag(r, "activex");
	if (memmem(nm, n, "/embeddings/", 12) != NULL ||
	    classify_suffix(nm, n, ".bin") ||
	    classify_suffix(nm, n, ".exe") || classify_suffix(nm, n, ".dll") ||
	    classify_suffix(nm, n, ".lnk") || classify_suffix(nm, n, ".js") ||
	    classify_suffix(nm, n, ".vbs") || classify_suffix(nm, n, ".hta") ||
	    classify_suffix(nm, n, ".ps1") || classify_suffix(nm, n, ".bat"))
		classify_flag(r, "embedded objects");
	for (i = 0; i < sizeof nested / sizeof nested[0]; i++)
		if (classify_suffix(nm, n, nested[i]))
			classify_flag(r, "nested archive");
	if ((n > 0 && (nm[0] == '/' || nm[0] == '\\')) ||
	    memmem(nm, n, "../", 3) != NULL || memmem(nm, n, "..\\", 3) != NULL ||
	    (n > 1 && nm[1] == ':'))
		classify_flag(r, "unsafe paths");
}

static st_t classify_zip(int fd, uint64_t size, const unsigned char *head,
                         size_t hn, classify_result *r)
{
	unsigned char tail[65536 + 22];
	unsigned char *cd = NULL;
	uint64_t tn, eocd = 0, cdoff, cdsize, total = 0;
	uint32_t entries, i, nl, xl_, cl;
	size_t pos = 0;
	int found = 0, ooxml = 0, word = 0, xl = 0, ppt = 0, jar = 0, apk = 0;
	st_t st = ST_OK;

	classify_set(r, "archive", "zip");
	tn = size < sizeof tail ? size : sizeof tail;
	st = fsio_pread_exact(fd, tail, (size_t)tn, size - tn);
	if (st != ST_OK)
		return st == ST_BADDATA ? ST_IO : st;
	if (tn < 22) {
		classify_flag(r, "damaged archive");
		return ST_OK;
	}
	for (pos = (size_t)tn - 22 + 1; pos-- > 0;)
		if (memcmp(tail + pos, "PK\5\6", 4) == 0) {
			found = 1;
			break;
		}
	if (!found) {
		classify_flag(r, "damaged archive");
		return ST_OK;
	}
	eocd = size - tn + pos;
	entries = classify_le16(tail + pos + 10);
	cdsize = classify_le32(tail + pos + 12);
	cdoff = classify_le32(tail + pos + 16);
	if (entries == 0xffff || cdsize == 0xffffffff || cdoff == 0xffffffff) {
		classify_flag(r, "zip64 not inspected");
		return ST_OK;
	}
	if (cdoff > eocd || cdsize > eocd - cdoff || cdsize > CLASSIFY_ZIP_CD) {
		classify_flag(r, "damaged archive");
		return ST_OK;
	}
	cd = malloc(cdsize > 0 ? (size_t)cdsize : 1);
	if (cd == NULL)
		return ST_NOMEM;
	st = fsio_pread_exact(fd, cd, (size_t)cdsize, cdoff);
	if (st != ST_OK) {
		st = st == ST_BADDATA ? ST_IO : st;
		goto cleanup;
	}
	for (i = 0, pos = 0; i < entries; i++) {
		if (cdsize - pos < 46 || memcmp(cd + pos, "PK\1\2", 4) != 0) {
			classify_flag(r, "damaged archive");
			break;
		}
		if (classify_le16(cd + pos + 8) & 1)
			classify_flag(r, "encrypted");
		total += classify_le32(cd + pos + 24);
		nl = classify_le16(cd + pos + 28);
		xl_ = classify_le16(cd + pos + 30);
		cl = classify_le16(cd + pos + 32);
		if (cdsize - pos - 46 < (uint64_t)nl + xl_ + cl) {
			classify_flag(r, "damaged archive");
			break;
		}
		classify_zip_name((const char *)cd + pos + 46, nl, &ooxml, &word,
		                  &xl, &ppt, &jar, &apk, r);
		pos += 46 + (size_t)nl + xl_ + cl;
	}
	if (size > 0 && total / size > CLASSIFY_RATIO)
		classify_flag(r, "size ratio over 100:1");
	if (apk)
		classify_set(r, "executable", "apk");
	else if (jar)
		classify_set(r, "executable", "jar");
	if (apk || jar)
		classify_flag(r, "executable");
	else if (ooxml && word)
		classify_set(r, "office", "docx docm dotx dotm");
	else if (ooxml && xl)
		classify_set(r, "office", "xlsx xlsm xltx xltm xlsb");
	else if (ooxml && ppt)
		classify_set(r, "office", "pptx pptm potx potm ppsx ppsm");
	else if (hn >= 38 + 35 && memcmp(head + 30, "mimetype", 8) == 0 &&
	         memcmp(head + 38, "application/vnd.oasis.opendocument.",
	                35) == 0)
		classify_set(r, "office", "odt ods odp odg ott ots otp");
cleanup:
	free(cd);
	return st;
}

/* ---- the magic numbers ---- */

static int classify_at(const unsigned char *h, size_t hn, size_t off,
                       const char *magic, size_t len)
{
	return hn >= off + len && memcmp(h + off, magic, len) == 0;
}
#define AT(off, lit) classify_at(h, hn, off, lit, sizeof lit - 1)

/* Valid UTF-8 without NUL or other C0 controls than white space, form
 * feed and escape: text. */
static int classify_is_text(const unsigned char *h, size_t hn)
{
	size_t i = 0, k, len;

	if (hn >= 2 && ((h[0] == 0xff && h[1] == 0xfe) ||
	                (h[0] == 0xfe && h[1] == 0xff)))
		return 1; /* UTF-16 with a byte order mark */
	while (i < hn) {
		if (h[i] < 0x80) {
			if (h[i] < 0x20 && !strchr("\t\n\r\f\x1b", h[i]))
				return 0;
			i++;
			continue;
		}
		len = h[i] >= 0xf0 ? 4 : h[i] >= 0xe0 ? 3 : h[i] >= 0xc2 ? 2 : 0;
		if (len == 0 || h[i] > 0xf4)
			return 0;
		if (i + len > hn)
			return 1; /* cut by the head's end */
		for (k = 1; k < len; k++)
			if ((h[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* An ISO base media file (MP4, MOV, HEIC...): the "ftyp" brand. */
static void classify_ftyp(const unsigned char *h, size_t hn,
                          classify_result *r)
{
	if (AT(8, "heic") || AT(8, "heix") || AT(8, "mif1") || AT(8, "msf1") ||
	    AT(8, "heim") || AT(8, "hevc"))
		classify_set(r, "image", "heic heif hif");
	else if (AT(8, "avif") || AT(8, "avis"))
		classify_set(r, "image", "avif");
	else if (AT(8, "M4A ") || AT(8, "M4B ") || AT(8, "M4P "))
		classify_set(r, "audio", "m4a m4b m4p mp4 aac");
	else if (AT(8, "qt  "))
		classify_set(r, "video", "mov qt mp4");
	else
		classify_set(r, "video", "mp4 m4v mov qt 3gp 3g2 f4v");
}

/* Pages and SVG: names that run script, embed or fetch. */
static const classify_pat classify_page_pats[] = {
	PAT("<script", "script"), PAT("javascript:", "script"),
	PAT("vbscript:", "script"), PAT("onload=", "script"),
	PAT("onerror=", "script"), PAT("onclick=", "script"),
	PAT("onmouseover=", "script"), PAT("onfocus=", "script"),
	PAT("onbegin=", "script"), PAT("onend=", "script"),
	PAT("<iframe", "embedded objects"), PAT("<object", "embedded objects"),
	PAT("<embed", "embedded objects"),
	PAT("<foreignobject", "embedded objects"),
	PAT("http-equiv=\"refresh", "redirect"),
	PAT("http://", "remote content"), PAT("https://", "remote content"),
	PAT("//www.", "remote content"),
	/* XML a browser shows as a page (any prefix), or transforms */
	PAT("/1999/xhtml", "active markup"), PAT("/2000/svg", "active markup"),
	PAT("<?xml-stylesheet", "active markup"),
};

/* OLE2 directory names are UTF-16LE. */
static const classify_pat classify_ole_pats[] = {
	PAT("_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T", "macros"),
	PAT("M\0a\0c\0r\0o\0s\0", "macros"),
	PAT("\1\0O\0l\0e\0001\0000\0N\0a\0t\0i\0v\0e", "embedded objects"),
	PAT("O\0b\0j\0e\0c\0t\0P\0o\0o\0l", "embedded objects"),
};

static const classify_pat classify_rtf_pats[] = {
	PAT("\\object", "embedded objects"), PAT("\\objdata", "embedded objects"),
	PAT("\\objupdate", "auto action"),
};

/* Skip a byte order mark and white space: where markup starts. */
static size_t classify_markup(const unsigned char *h, size_t hn)
{
	size_t i = hn >= 3 && memcmp(h, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	while (i < hn && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' ||
	                  h[i] == '\n'))
		i++;
	return i;
}

/* Markup by its opening: html or svg (0 when neither). */
static int classify_page(const unsigned char *h, size_t hn,
                         classify_result *r)
{
	char low[CLASSIFY_HEAD + 1];
	size_t i, m = classify_markup(h, hn);

	if (m >= hn || h[m] != '<')
		return 0;
	for (i = 0; i < hn; i++)
		low[i] = h[i] >= 'A' && h[i] <= 'Z' ? (char)(h[i] + 32) :
		         h[i] == '\0' ? ' ' : (char)h[i];
	low[hn] = '\0';
	if (strstr(low, "<svg") != NULL) {
		classify_set(r, "svg", "svg svgz");
		return 1;
	}
	if (strstr(low, "<!doctype html") != NULL || strstr(low, "<html") ||
	    strstr(low, "<head") || strstr(low, "<body") ||
	    strstr(low, "<script") || strstr(low, "<iframe") ||
	    strstr(low, "<meta")) {
		classify_set(r, "html", "html htm xhtml shtml mht mhtml");
		return 1;
	}
	return 0;
}

st_t classify_fd(int fd, uint64_t size, classify_result *r)
{
	unsigned char h[CLASSIFY_HEAD];
	size_t hn = size < sizeof h ? (size_t)size : sizeof h;
	st_t st;

	memset(r, 0, sizeof *r);
	classify_set(r, "data", "bin dat");
	st = fsio_pread_exact(fd, h, hn, 0);
	if (st != ST_OK)
		return st == ST_BADDATA ? ST_IO : st;
	if (hn == 0) {
		classify_set(r, "empty", "");
		return ST_OK;
	}
	/* programs first: an executable never passes for anything else */
	if (AT(0, "\x7f" "ELF") || AT(0, "MZ") || AT(0, "\xfe\xed\xfa\xce") ||
	    AT(0, "\xfe\xed\xfa\xcf") || AT(0, "\xce\xfa\xed\xfe") ||
	    AT(0, "\xcf\xfa\xed\xfe") || AT(0, "\xca\xfe\xba\xbe") ||
	    AT(0, "\0asm") || AT(0, "dex\n") ||
	    AT(0, "L\0\0\0\x01\x14\x02\0")) {
		classify_set(r, "executable", "");
		classify_flag(r, "executable");
		return ST_OK;
	}
	if (AT(0, "#!AMR")) {
		classify_set(r, "audio", "amr");
		return ST_OK;
	}
	if (AT(0, "#!")) {
		classify_set(r, "script", "");
		classify_flag(r, "script");
		return ST_OK;
	}
	if (AT(0, "\xff\xd8\xff"))
		classify_set(r, "image", "jpg jpeg jpe jfif");
	else if (AT(0, "\x89PNG\r\n\x1a\n"))
		classify_set(r, "image", "png");
	else if (AT(0, "GIF87a") || AT(0, "GIF89a"))
		classify_set(r, "image", "gif");
	else if (AT(0, "RIFF") && AT(8, "WEBP"))
		classify_set(r, "image", "webp");
	else if (AT(0, "RIFF") && AT(8, "WAVE"))
		classify_set(r, "audio", "wav");
	else if (AT(0, "RIFF") && AT(8, "AVI "))
		classify_set(r, "video", "avi");
	else if (AT(0, "II*\0") || AT(0, "MM\0*"))
		classify_set(r, "image", "tif tiff dng cr2 nef arw");
	else if (AT(0, "BM") && hn >= 26 && h[14] >= 12 && h[15] == 0)
		classify_set(r, "image", "bmp dib");
	else if (AT(4, "ftyp"))
		classify_ftyp(h, hn, r);
	else if (AT(0, "\x1a\x45\xdf\xa3"))
		classify_set(r, "video", "mkv webm mka mk3d");
	else if (AT(0, "FLV\x01"))
		classify_set(r, "video", "flv");
	else if (AT(0, "\0\0\x01\xba") || AT(0, "\0\0\x01\xb3"))
		classify_set(r, "video", "mpg mpeg vob m2v");
	else if (hn > 376 && h[0] == 0x47 && h[188] == 0x47 && h[376] == 0x47)
		classify_set(r, "video", "ts mts m2ts");
	else if (AT(0, "ID3") || (hn >= 2 && h[0] == 0xff &&
	                          (h[1] & 0xe6) == 0xe2))
		classify_set(r, "audio", "mp3");
	else if (hn >= 2 && h[0] == 0xff && (h[1] & 0xf6) == 0xf0)
		classify_set(r, "audio", "aac");
	else if (AT(0, "OggS"))
		classify_set(r, "audio", "ogg oga opus ogv spx");
	else if (AT(0, "fLaC"))
		classify_set(r, "audio", "flac");
	else if (AT(0, "%PDF-") || (hn >= 5 && memmem(h, hn, "%PDF-", 5))) {
		classify_set(r, "pdf", "pdf");
		return classify_pdf(fd, size, r);
	} else if (AT(0, "PK\3\4") || AT(0, "PK\5\6")) {
		return classify_zip(fd, size, h, hn, r);
	} else if (AT(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) {
		classify_set(r, "office", "doc xls ppt dot xlt pot pps msg vsd "
		             "pub mpp");
		return classify_scan(fd, size, classify_ole_pats,
		                     sizeof classify_ole_pats /
		                     sizeof classify_ole_pats[0], 0, r);
	} else if (AT(0, "{\\rtf")) {
		classify_set(r, "office", "rtf doc");
		return classify_scan(fd, size, classify_rtf_pats,
		                     sizeof classify_rtf_pats /
		                     sizeof classify_rtf_pats[0], 0, r);
	} else if (AT(0, "\x1f\x8b"))
		classify_set(r, "archive", "gz tgz");
	else if (AT(0, "7z\xbc\xaf\x27\x1c"))
		classify_set(r, "archive", "7z");
	else if (AT(0, "Rar!\x1a\x07"))
		classify_set(r, "archive", "rar");
	else if (AT(0, "\xfd" "7zXZ\0"))
		classify_set(r, "archive", "xz txz");
	else if (AT(0, "BZh"))
		classify_set(r, "archive", "bz2 tbz2");
	else if (AT(257, "ustar"))
		classify_set(r, "archive", "tar");
	else if (AT(0, "MSCF"))
		classify_set(r, "archive", "cab");
	else if (classify_page(h, hn, r))
		return classify_scan(fd, size, classify_page_pats,
		                     sizeof classify_page_pats /
		                     sizeof classify_page_pats[0], 1, r);
	else if (classify_is_text(h, hn)) {
		classify_set(r, "text", "txt text md csv tsv log json xml yaml "
		             "yml ini srt vtt eml");
		/* Markup that is not a page by its head (an XML file keeps its
		 * name) may still be one to a browser: scan it as one. */
		if (classify_markup(h, hn) < hn && h[classify_markup(h, hn)] == '<')
			return classify_scan(fd, size, classify_page_pats,
			                     sizeof classify_page_pats /
			                     sizeof classify_page_pats[0], 1, r);
	}
	return ST_OK;
}

int classify_risky(const classify_result *r)
{
	return r->flags[0] != '\0';
}

/* 1 when ext (len bytes) is one of the space-separated exts. */
static int classify_ext_in(const char *ext, size_t len, const char *exts)
{
	const char *p = exts, *e;

	while (*p != '\0') {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncasecmp(p, ext, len) == 0)
			return 1;
		p = *e == ' ' ? e + 1 : e;
	}
	return 0;
}

void classify_name(const classify_result *r, const char *name, char *out,
                   size_t cap)
{
	static const char suffix[] = ".bin";
	const char *dot = strrchr(name, '.');
	size_t n = strlen(name), keep;
	int runs = strcmp(r->kind, "executable") == 0 ||
	           strcmp(r->kind, "script") == 0;

	if (cap == 0)
		return;
	/* no extension (or a leading dot only): nothing claims a type; and
	 * an empty file is nothing whatever its name */
	if (!runs && (dot == NULL || dot == name ||
	             strcmp(r->kind, "empty") == 0))
		keep = n;
	else if (!runs && classify_ext_in(dot + 1, strlen(dot + 1), r->exts))
		keep = n;
	else
		keep = (size_t)-1;
	if (keep == n && n < cap) {
		memcpy(out, name, n + 1);
		return;
	}
	keep = n;
	if (keep + sizeof suffix > cap)
		keep = cap > sizeof suffix ? cap - sizeof suffix : 0;
	while (keep > 0 && ((unsigned char)name[keep] & 0xc0) == 0x80)
		keep--; /* never half a character */
	memcpy(out, name, keep);
	memcpy(out + keep, suffix, sizeof suffix);
}
