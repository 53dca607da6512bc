/*
 * Acknowledgement tokens.  See ack.h.
 *
 * The token is "<id>.<mac>": id in decimal as printf("%lld") writes it,
 * mac the first 16 bytes of HMAC-SHA256(key = the ack key, message = that
 * same decimal text), URL-safe base64 without padding (22 characters).
 * Only the canonical spelling of an id verifies ("007" or "+7" do not), so
 * each reminder has exactly one token.
 */
#include "ack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#define ACK_MAC_LEN	16	/* bytes of the HMAC kept: 128 bits */
#define ACK_MAC_CHARS	22	/* their URL-safe base64, unpadded */

/* The base64url mac of id's decimal text into out[ACK_MAC_CHARS + 1]. */
static void
ack_mac(const unsigned char key[ACK_KEY_LEN], const char *id, size_t idlen,
    char out[ACK_MAC_CHARS + 1])
{
	unsigned char mac[HMAC_SHA256_LEN];
	char *b64;

	hmac_sha256(key, ACK_KEY_LEN, id, idlen, mac);
	b64 = base64url_encode(mac, ACK_MAC_LEN);
	memcpy(out, b64, ACK_MAC_CHARS + 1);
	free(b64);
}

char *
ack_token(const unsigned char key[ACK_KEY_LEN], int64_t reminder_id,
    char *buf, size_t len)
{
	char id[24], mac[ACK_MAC_CHARS + 1];
	int n;

	n = snprintf(id, sizeof id, "%lld", (long long)reminder_id);
	ack_mac(key, id, (size_t)n, mac);
	if (snprintf(buf, len, "%s.%s", id, mac) >= (int)len && len > 0)
		buf[0] = '\0';
	return buf;
}

int
ack_verify(const unsigned char key[ACK_KEY_LEN], const char *token,
    int64_t *reminder_id)
{
	char canon[24], mac[ACK_MAC_CHARS + 1];
	const char *dot;
	size_t idlen;
	long long id;
	char *end;

	if ((dot = strchr(token, '.')) == NULL)
		return -1;
	idlen = (size_t)(dot - token);
	if (idlen == 0 || idlen >= sizeof canon ||
	    strlen(dot + 1) != ACK_MAC_CHARS)
		return -1;
	errno = 0;
	id = strtoll(token, &end, 10);
	if (errno != 0 || end != dot)
		return -1;
	/* Canonical spelling only: no spaces, signs or leading zeros. */
	snprintf(canon, sizeof canon, "%lld", id);
	if (strlen(canon) != idlen || memcmp(canon, token, idlen) != 0)
		return -1;
	ack_mac(key, canon, idlen, mac);
	if (!timingsafe_equal(mac, dot + 1, ACK_MAC_CHARS))
		return -1;
	*reminder_id = id;
	return 0;
}
