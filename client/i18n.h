/* i18n.h: intake-submit's language. Messages are written in English in
 * the code (the gettext msgid) and translated from po/<lang>.po; the
 * compiled catalogs are looked up next to the program first (a build
 * tree or an unpacked folder on a USB stick), then in the installed
 * locale folder. Input: the environment and --lang, from the local user. */
#ifndef INTAKE_CLIENT_I18N_H
#define INTAKE_CLIENT_I18N_H

#include <libintl.h>
#include "status.h"

#define I18N_DOMAIN "intake-submit"

#define _(s) gettext(s)
#define N_(s) (s)  /* marks a string for xgettext; translated where shown */

/* The language from "--lang X" / "--lang=X" in argv (before any "--"),
 * else the first "ru" or "en" in the LANGUAGE list, else the first of
 * LC_ALL, LC_MESSAGES, LANG that is set: "ru" when it starts with "ru",
 * else "en". A --lang value other than ru or en leaves English in place
 * and returns ST_USAGE, so the caller can say so. Call once, before any
 * message. */
st_t i18n_init(int argc, char **argv);

/* "ru" or "en": what i18n_init chose. */
const char *i18n_lang(void);

/* A status's message in the chosen language. */
const char *i18n_status(st_t st);

#endif
