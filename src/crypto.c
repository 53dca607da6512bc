/*
 * HMAC-SHA256, base64 and random bytes from libcrypto.  See crypto.h.
 *
 * Allocation failures abort, as everywhere in duban: there is nothing
 * sensible to do without memory.
 */
#include "crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[HMAC_SHA256_LEN])
{
	static const unsigned char empty[1];
	unsigned int outlen = HMAC_SHA256_LEN;

	/* HMAC() refuses a NULL key, even of length 0 (Feishu's is not). */
	if (key == NULL)
		key = empty;
	if (msg == NULL)
		msg = empty;
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out,
	    &outlen) == NULL || outlen != HMAC_SHA256_LEN)
		abort();
}

char *
base64_encode(const unsigned char *data, size_t len)
{
	char *out;

	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		abort();
	/* EVP_EncodeBlock writes no newlines and NUL-terminates. */
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

char *
base64url_encode(const unsigned char *data, size_t len)
{
	char *out = base64_encode(data, len);
	char *p;

	for (p = out; *p != '\0' && *p != '='; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	*p = '\0';
	return out;
}

char *
hex_encode(const unsigned char *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out;

	if ((out = malloc(2 * len + 1)) == NULL)
		abort();
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0xf];
	}
	out[2 * len] = '\0';
	return out;
}

int
random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when the buffers are equal, 0 otherwise, in time independent of them. */
int
timingsafe_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
