/* conf.h: intake-submit's configuration file, "key = value" lines naming
 * the server, key bundle, fingerprint, proxy, Tor use and TLS trust. The
 * file is the local user's own; its lines are still bounded and checked,
 * and an unknown key is an error rather than silently ignored. */
#ifndef INTAKE_CLIENT_CONF_H
#define INTAKE_CLIENT_CONF_H

#include <stddef.h>
#include "status.h"

#define CONF_FILE_MAX (64 * 1024)
#define CONF_LINE_MAX 4096

typedef struct {
	char *server;       /* base URL */
	char *keys;         /* bundle path, absolute or relative to the file */
	char *fingerprint;
	char *proxy;
	char *cacert;
	char *pin;
	int tor;            /* -1 unset, 0 no, 1 yes */
} conf;

void conf_init(conf *c);
/* Frees every string and resets to conf_init's state. */
void conf_release(conf *c);

/* Parse text into c. Relative keys and cacert paths are resolved against
 * dir (NULL: left as written). ST_CONFIG on a malformed or unknown or
 * repeated line, with its 1-based number in *errline. */
st_t conf_parse(conf *c, const char *text, size_t len, const char *dir,
                size_t *errline);

/* Load and parse the file at path. ST_NOINPUT when it does not exist,
 * ST_TOOBIG past CONF_FILE_MAX, otherwise as conf_parse. */
st_t conf_load(conf *c, const char *path, size_t *errline);

/* Default file: $XDG_CONFIG_HOME/intake/submit.conf when that variable is
 * an absolute path, else $HOME/.config/intake/submit.conf. *path is
 * malloc'd (caller frees); ST_NOTFOUND when no home is known. */
st_t conf_default_path(char **path);

/* dir/name into a malloc'd string where dir is path's directory ("." when
 * path has no slash). ST_NOMEM. */
st_t conf_sibling(const char *path, const char *name, char **out);

#endif
