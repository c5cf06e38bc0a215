/* i18n.c: choose and load the message catalog. English is the source
 * text, so "en" needs no catalog; "ru" is forced through LANGUAGE with
 * LC_MESSAGES set to a UTF-8 locale, so it works even where no Russian
 * locale is installed (gettext ignores LANGUAGE only in the "C" locale).
 * Only LC_CTYPE and LC_MESSAGES change: numbers stay in the C locale. */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *i18n_chosen = "en";

/* LANGUAGE is a list ("uk:ru:en"): the first of ours in it counts, so a
 * Ukrainian speaker who listed Russian second gets Russian. */
static const char *i18n_from_list(const char *list)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "ru", 2) == 0)
			return "ru";
		if (strncmp(p, "en", 2) == 0)
			return "en";
		p = strchr(p, ':');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static const char *i18n_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	v = getenv("LANGUAGE");
	if (v != NULL && (v = i18n_from_list(v)) != NULL)
		return v;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strncmp(v, "ru", 2) == 0 ? "ru" : "en";
	}
	return "en";
}

/* The catalogs next to this program first: "<its folder>/locale" (the
 * build tree, or a folder carried on a USB stick) or "<its
 * folder>/../share/locale" (installed under any prefix); else LOCALEDIR.
 * No environment variable can point elsewhere. */
static void i18n_dir(char *out, size_t cap)
{
	static const char *const rel[] = { "/locale", "/../share/locale" };
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;
	size_t i;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(probe, sizeof(probe),
				         "%s%s/ru/LC_MESSAGES/" I18N_DOMAIN ".mo",
				         exe, rel[i]);
				if (access(probe, R_OK) == 0 &&
				    (size_t)snprintf(out, cap, "%s%s", exe,
				                     rel[i]) < cap)
					return;
			}
		}
	}
	snprintf(out, cap, "%s", LOCALEDIR);
}

st_t i18n_init(int argc, char **argv)
{
	const char *want = NULL;
	char dir[PATH_MAX];
	const char *loc;
	int i;
	st_t st = ST_OK;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			want = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			want = argv[i] + 7;
	}
	if (want != NULL && strcmp(want, "ru") != 0 && strcmp(want, "en") != 0) {
		want = NULL;
		st = ST_USAGE;
	}
	i18n_chosen = want != NULL ? want : i18n_from_env();
	setlocale(LC_CTYPE, "");
	loc = setlocale(LC_MESSAGES, "");
	if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Ours wins over whatever the environment lists: --lang, or the
	 * first language the environment names. */
	setenv("LANGUAGE", i18n_chosen, 1);
	i18n_dir(dir, sizeof(dir));
	bindtextdomain(I18N_DOMAIN, dir);
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	return st;
}

const char *i18n_lang(void)
{
	return i18n_chosen;
}

const char *i18n_status(st_t st)
{
	return gettext(st_str(st));
}
