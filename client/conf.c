/* conf.c: the "key = value" configuration file of intake-submit. The file
 * belongs to the local user, but it is parsed with fixed bounds all the
 * same: a line over CONF_LINE_MAX or a control character is refused. */
#include "conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsio.h"

void conf_init(conf *c)
{
	memset(c, 0, sizeof(*c));
	c->tor = -1;
}

void conf_release(conf *c)
{
	free(c->server);
	free(c->keys);
	free(c->fingerprint);
	free(c->proxy);
	free(c->cacert);
	free(c->pin);
	conf_init(c);
}

static int conf_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static st_t conf_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return ST_OK;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return ST_OK;
		}
	}
	return ST_CONFIG;
}

/* A path value relative to the configuration file's directory. */
static st_t conf_path(const char *dir, const char *v, char **out)
{
	size_t dl, vl;

	if (dir == NULL || v[0] == '/') {
		*out = strdup(v);
		return *out ? ST_OK : ST_NOMEM;
	}
	dl = strlen(dir);
	vl = strlen(v);
	*out = malloc(dl + 1 + vl + 1);
	if (*out == NULL)
		return ST_NOMEM;
	memcpy(*out, dir, dl);
	(*out)[dl] = '/';
	memcpy(*out + dl + 1, v, vl + 1);
	return ST_OK;
}

/* One "key = value" pair; line is NUL-terminated and trimmed. */
static st_t conf_line(conf *c, char *line, const char *dir)
{
	char *eq, *key, *val, *end;
	char **slot = NULL;
	int is_path = 0;

	eq = strchr(line, '=');
	if (eq == NULL)
		return ST_CONFIG;
	key = line;
	end = eq;
	while (end > key && conf_space(end[-1]))
		end--;
	*end = '\0';
	val = eq + 1;
	while (conf_space(*val))
		val++;
	if (*key == '\0' || *val == '\0')
		return ST_CONFIG;

	if (strcmp(key, "tor") == 0) {
		if (c->tor != -1)
			return ST_CONFIG;
		return conf_bool(val, &c->tor);
	}
	if (strcmp(key, "server") == 0) {
		slot = &c->server;
	} else if (strcmp(key, "keys") == 0) {
		slot = &c->keys;
		is_path = 1;
	} else if (strcmp(key, "fingerprint") == 0) {
		slot = &c->fingerprint;
	} else if (strcmp(key, "proxy") == 0) {
		slot = &c->proxy;
	} else if (strcmp(key, "cacert") == 0) {
		slot = &c->cacert;
		is_path = 1;
	} else if (strcmp(key, "pin") == 0) {
		slot = &c->pin;
	} else {
		return ST_CONFIG;
	}
	if (*slot != NULL)
		return ST_CONFIG; /* a repeated key is more likely a mistake */
	if (is_path)
		return conf_path(dir, val, slot);
	*slot = strdup(val);
	return *slot ? ST_OK : ST_NOMEM;
}

st_t conf_parse(conf *c, const char *text, size_t len, const char *dir,
                size_t *errline)
{
	char line[CONF_LINE_MAX + 1];
	size_t pos = 0, lineno = 0, n, start;
	st_t st = ST_OK;

	*errline = 0;
	while (pos < len) {
		lineno++;
		n = 0;
		while (pos < len && text[pos] != '\n') {
			unsigned char ch = (unsigned char)text[pos++];
			/* A NUL or control character means this is not a
			 * text file we wrote: refuse it. */
			if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f ||
			    n == CONF_LINE_MAX) {
				st = ST_CONFIG;
				goto cleanup;
			}
			line[n++] = (char)ch;
		}
		pos++; /* the newline */
		while (n > 0 && conf_space(line[n - 1]))
			n--;
		line[n] = '\0';
		for (start = 0; start < n && conf_space(line[start]); start++)
			;
		if (start == n || line[start] == '#')
			continue;
		st = conf_line(c, line + start, dir);
		if (st != ST_OK)
			goto cleanup;
	}
cleanup:
	if (st != ST_OK)
		*errline = lineno;
	return st;
}

st_t conf_load(conf *c, const char *path, size_t *errline)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *dir = NULL, *slash;
	st_t st;

	*errline = 0;
	st = fsio_read_file(path, CONF_FILE_MAX, &text, &len);
	if (st != ST_OK)
		goto cleanup;
	dir = strdup(path);
	if (dir == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = NULL;
	} else {
		slash[slash == dir ? 1 : 0] = '\0';
	}
	st = conf_parse(c, (const char *)text, len, dir, errline);
cleanup:
	free(dir);
	free(text);
	return st;
}

st_t conf_default_path(char **path)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	const char *tail;
	const char *base;
	size_t bl, tl;

	*path = NULL;
	if (xdg != NULL && xdg[0] == '/') {
		base = xdg;
		tail = "/intake/submit.conf";
	} else if (home != NULL && home[0] == '/') {
		base = home;
		tail = "/.config/intake/submit.conf";
	} else {
		return ST_NOTFOUND;
	}
	bl = strlen(base);
	tl = strlen(tail);
	*path = malloc(bl + tl + 1);
	if (*path == NULL)
		return ST_NOMEM;
	memcpy(*path, base, bl);
	memcpy(*path + bl, tail, tl + 1);
	return ST_OK;
}

st_t conf_sibling(const char *path, const char *name, char **out)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 1;
	size_t nl = strlen(name);

	*out = malloc(dl + 1 + nl + 1);
	if (*out == NULL)
		return ST_NOMEM;
	memcpy(*out, slash ? path : ".", dl);
	(*out)[dl] = '/';
	memcpy(*out + dl + 1, name, nl + 1);
	return ST_OK;
}
