/* sha256rate.c: raw single-core SHA-256 throughput of this machine's
 * libsodium, the yardstick for the officer's open benchmark: hashes
 * 512 MiB in 2 MiB updates and prints MB/s (10^6 bytes per second).
 * usage: sha256rate [MIB] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

int main(int argc, char **argv)
{
	const size_t block = (size_t)2 << 20;
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 512;
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	struct timespec a, z;
	unsigned char *buf;
	double secs;
	long i;

	if (sodium_init() < 0 || mib < 2)
		return 1;
	buf = malloc(block);
	if (buf == NULL)
		return 1;
	randombytes_buf(buf, block);
	crypto_hash_sha256_init(&st);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < mib / 2; i++)
		crypto_hash_sha256_update(&st, buf, block);
	crypto_hash_sha256_final(&st, h);
	clock_gettime(CLOCK_MONOTONIC, &z);
	secs = (double)(z.tv_sec - a.tv_sec) + (double)(z.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.1f\n", (double)(mib / 2) * (double)block / secs / 1e6);
	free(buf);
	return 0;
}
