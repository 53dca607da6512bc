/*
 * The few cryptographic primitives duban needs, from libcrypto (OpenSSL):
 * HMAC-SHA256 for webhook signatures and acknowledgement tokens, base64,
 * and random bytes.
 */
#ifndef DUBAN_CRYPTO_H
#define DUBAN_CRYPTO_H

#include <stddef.h>

#define HMAC_SHA256_LEN 32

void hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[HMAC_SHA256_LEN]);
/* Standard base64 with padding; malloc'd, NUL-terminated. */
char *base64_encode(const unsigned char *data, size_t len);
/* URL-safe base64 without padding (RFC 4648 §5); malloc'd. */
char *base64url_encode(const unsigned char *data, size_t len);
/* Lower-case hex; malloc'd. */
char *hex_encode(const unsigned char *data, size_t len);
/* Fills buf from the kernel's random source; 0 or -1. */
int random_bytes(void *buf, size_t len);
/* Constant-time comparison of equal-length buffers: 1 when equal, else 0. */
int timingsafe_equal(const void *a, const void *b, size_t len);

#endif
