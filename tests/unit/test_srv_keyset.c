/* test_srv_keyset.c: the server's keyset store: only keysets of the
 * configured root, signed and current, are stored; a lower or equal
 * serial is refused, the same bytes again are fine; the stored keyset
 * survives a restart and is set aside when the root changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../server/keyset.h"
#include "keyset_vec.h"

static char tmpdir[] = "/tmp/test_srv_keyset.XXXXXX";

static uint8_t *signed_by(int version, const char *root, size_t *len)
{
	keyset_root *r = kv_root(root);
	keyset ks;
	uint8_t *b = NULL;

	kv_keyset(version, &ks);
	assert_int_equal(keyset_sign(&ks, r, &b, len), ST_OK);
	keyset_root_free(r);
	return b;
}

static void pin_of(const char *root, char fp[KEYSET_FP_TEXT_MAX])
{
	keyset_root *r = kv_root(root);

	keyset_fingerprint(r->pk, fp);
	keyset_root_free(r);
}

static void store_rules(void **state)
{
	srvkeyset *k = NULL;
	char fp[KEYSET_FP_TEXT_MAX], other[KEYSET_FP_TEXT_MAX];
	uint8_t *v1, *v2, *foreign, *got = NULL;
	size_t l1, l2, lf, glen;
	const char *why;

	(void)state;
	pin_of("intake test vector root", fp);
	pin_of("another root", other);
	v1 = signed_by(1, "intake test vector root", &l1);
	v2 = signed_by(2, "intake test vector root", &l2);
	foreign = signed_by(3, "another root", &lf);
	assert_int_equal(srvkeyset_open(tmpdir, fp, &k), ST_OK);
	assert_int_equal(srvkeyset_get(k, &got, &glen), ST_NOTFOUND);
	assert_int_equal(srvkeyset_put(k, foreign, lf, KV_NOW, &why), ST_MISMATCH);
	assert_string_equal(why, "keyset signed by another root key\n");
	assert_int_equal(srvkeyset_put(k, v1, l1, KV_EXPIRES, &why), ST_MISMATCH);
	assert_string_equal(why, "keyset expired or not yet valid\n");
	assert_int_equal(srvkeyset_put(k, v1, l1 - 1, KV_NOW, &why), ST_MISMATCH);
	assert_string_equal(why, "not a keyset\n");
	v1[100] ^= 1;
	assert_int_equal(srvkeyset_put(k, v1, l1, KV_NOW, &why), ST_MISMATCH);
	v1[100] ^= 1;
	assert_int_equal(srvkeyset_put(k, v1, l1, KV_NOW, &why), ST_OK);
	assert_int_equal(srvkeyset_put(k, v1, l1, KV_NOW, &why), ST_OK); /* again */
	assert_int_equal(srvkeyset_put(k, v2, l2, KV_NOW, &why), ST_OK);
	assert_int_equal(srvkeyset_put(k, v1, l1, KV_NOW, &why), ST_MISMATCH);
	assert_string_equal(why, "keyset serial not above the stored one\n");
	assert_int_equal(srvkeyset_get(k, &got, &glen), ST_OK);
	assert_int_equal(glen, l2);
	assert_memory_equal(got, v2, l2);
	free(got);
	srvkeyset_free(k);
	/* a restart serves what was stored, even once expired */
	assert_int_equal(srvkeyset_open(tmpdir, fp, &k), ST_OK);
	assert_int_equal(srvkeyset_get(k, &got, &glen), ST_OK);
	assert_memory_equal(got, v2, l2);
	free(got);
	srvkeyset_free(k);
	/* a new root: the old keyset is not served */
	assert_int_equal(srvkeyset_open(tmpdir, other, &k), ST_OK);
	assert_int_equal(srvkeyset_get(k, &got, &glen), ST_NOTFOUND);
	assert_int_equal(srvkeyset_put(k, foreign, lf, KV_NOW, &why), ST_OK);
	srvkeyset_free(k);
	/* no root configured: nothing stored, nothing served */
	assert_int_equal(srvkeyset_open(tmpdir, NULL, &k), ST_OK);
	assert_int_equal(srvkeyset_get(k, &got, &glen), ST_NOTFOUND);
	assert_int_equal(srvkeyset_put(k, v2, l2, KV_NOW, &why), ST_MISMATCH);
	assert_string_equal(why, "this server has no --root-fingerprint\n");
	srvkeyset_free(k);
	assert_int_equal(srvkeyset_open(tmpdir, "not a fingerprint", &k), ST_CONFIG);
	srvkeyset_free(k);
	free(v1);
	free(v2);
	free(foreign);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_rules),
	};
	char path[600];
	int rc;

	if (mkdtemp(tmpdir) == NULL || sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(path, sizeof path, "%s/%s", tmpdir, SRVKEYSET_FILE);
	unlink(path);
	rmdir(tmpdir);
	return rc;
}
