/*
 * crypto.c and ack.c: HMAC-SHA256 against RFC 4231, base64 against RFC
 * 4648, hex, random bytes, and acknowledgement tokens (a known answer
 * computed with openssl dgst, round trips, and every kind of forgery).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ack.h"
#include "crypto.h"

static void
assert_hmac_hex(const void *key, size_t keylen, const void *msg,
    size_t msglen, const char *expected)
{
	unsigned char mac[HMAC_SHA256_LEN];
	char *hex;

	hmac_sha256(key, keylen, msg, msglen, mac);
	hex = hex_encode(mac, sizeof mac);
	assert_string_equal(hex, expected);
	free(hex);
}

static void
test_hmac_rfc4231(void **state)
{
	unsigned char key[131], data[50];
	const unsigned char key4[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
		0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
		0x15, 0x16, 0x17, 0x18, 0x19,
	};
	const char *msg6 = "Test Using Larger Than Block-Size Key - Hash Key "
	    "First";
	const char *msg7 = "This is a test using a larger than block-size key "
	    "and a larger than block-size data. The key needs to be hashed "
	    "before being used by the HMAC algorithm.";

	(void)state;
	/* Test case 1 */
	memset(key, 0x0b, 20);
	assert_hmac_hex(key, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0b"
	    "f12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2: a key shorter than the block */
	assert_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test case 3 */
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	assert_hmac_hex(key, 20, data, 50, "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe");
	/* Test case 4 */
	memset(data, 0xcd, 50);
	assert_hmac_hex(key4, sizeof key4, data, 50, "82558a389a443c0ea4cc81"
	    "9899f2083a85f0faa3e578f8077a2e3ff46729665b");
	/* Test cases 6 and 7: a key longer than the block is hashed first */
	memset(key, 0xaa, 131);
	assert_hmac_hex(key, 131, msg6, strlen(msg6), "60e431591ee0b67f0d8a26"
	    "aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	assert_hmac_hex(key, 131, msg7, strlen(msg7), "9b09ffa71b942fcb27635f"
	    "bcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* Feishu signs an empty message; an empty key must work too. */
static void
test_hmac_empty(void **state)
{
	(void)state;
	assert_hmac_hex(NULL, 0, NULL, 0, "b613679a0814d9ec772f95d778c35fc5"
	    "ff1697c493715653c6c712144292c5ad");
	assert_hmac_hex("", 0, "", 0, "b613679a0814d9ec772f95d778c35fc5"
	    "ff1697c493715653c6c712144292c5ad");
}

static void
assert_b64(const char *in, size_t len, const char *std, const char *url)
{
	char *s;

	s = base64_encode((const unsigned char *)in, len);
	assert_string_equal(s, std);
	free(s);
	s = base64url_encode((const unsigned char *)in, len);
	assert_string_equal(s, url);
	free(s);
}

static void
test_base64(void **state)
{
	(void)state;
	/* RFC 4648 §10 */
	assert_b64("", 0, "", "");
	assert_b64("f", 1, "Zg==", "Zg");
	assert_b64("fo", 2, "Zm8=", "Zm8");
	assert_b64("foo", 3, "Zm9v", "Zm9v");
	assert_b64("foob", 4, "Zm9vYg==", "Zm9vYg");
	assert_b64("fooba", 5, "Zm9vYmE=", "Zm9vYmE");
	assert_b64("foobar", 6, "Zm9vYmFy", "Zm9vYmFy");
	/* the two alphabets differ in 62 and 63 */
	assert_b64("\xfb\xff", 2, "+/8=", "-_8");
	assert_b64("\xfb\xef\xbe", 3, "++++", "----");
	assert_b64("\xff\xff\xff", 3, "////", "____");
	/* UTF-8 text, as in an e-mail subject */
	assert_b64("督办", 6, "552j5Yqe", "552j5Yqe");
}

static void
test_hex(void **state)
{
	char *s;

	(void)state;
	s = hex_encode((const unsigned char *)"", 0);
	assert_string_equal(s, "");
	free(s);
	s = hex_encode((const unsigned char *)"\x00\x01\x7f\x80\xab\xff", 6);
	assert_string_equal(s, "00017f80abff");
	free(s);
}

static void
test_random_bytes(void **state)
{
	unsigned char a[32], b[32], zero[32] = { 0 };

	(void)state;
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	assert_int_equal(random_bytes(a, sizeof a), 0);
	assert_int_equal(random_bytes(b, sizeof b), 0);
	/* 2^-256 chance of a false failure each */
	assert_memory_not_equal(a, zero, sizeof a);
	assert_memory_not_equal(a, b, sizeof a);
	assert_int_equal(random_bytes(a, 0), 0);
}

static void
test_timingsafe_equal(void **state)
{
	(void)state;
	assert_true(timingsafe_equal("abcdef", "abcdef", 6));
	assert_false(timingsafe_equal("abcdef", "abcdeg", 6));
	assert_false(timingsafe_equal("bbcdef", "abcdef", 6));
	assert_true(timingsafe_equal("abc", "abd", 2));
	assert_true(timingsafe_equal("", "", 0));
}

static void
key_fill(unsigned char key[ACK_KEY_LEN], unsigned char first)
{
	for (int i = 0; i < ACK_KEY_LEN; i++)
		key[i] = (unsigned char)(first + i);
}

/* Computed with: printf 42 | openssl dgst -sha256 -mac HMAC -macopt
 * hexkey:000102...1f -binary | head -c 16 | base64 | tr '+/' '-_'. */
static void
test_ack_known_answer(void **state)
{
	unsigned char key[ACK_KEY_LEN];
	char buf[ACK_TOKEN_MAX];
	int64_t id = 0;

	(void)state;
	key_fill(key, 0);
	assert_ptr_equal(ack_token(key, 42, buf, sizeof buf), buf);
	assert_string_equal(buf, "42.ffmJkksuv4gyyAgC0SE6ig");
	assert_int_equal(ack_verify(key, "42.ffmJkksuv4gyyAgC0SE6ig", &id), 0);
	assert_int_equal(id, 42);
}

static void
test_ack_round_trip(void **state)
{
	const int64_t ids[] = { 1, 7, 42, 1000000, INT64_MAX, 0, -5,
	    INT64_MIN };
	unsigned char key[ACK_KEY_LEN];
	char buf[ACK_TOKEN_MAX];
	int64_t id;

	(void)state;
	key_fill(key, 100);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		ack_token(key, ids[i], buf, sizeof buf);
		assert_true(strlen(buf) < ACK_TOKEN_MAX);
		assert_non_null(strchr(buf, '.'));
		assert_int_equal(strlen(strchr(buf, '.') + 1), 22);
		/* URL-safe: nothing to escape in a link */
		assert_int_equal(strspn(buf, "0123456789-.abcdefghijklmnopqrs"
		    "tuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"), strlen(buf));
		id = 12345;
		assert_int_equal(ack_verify(key, buf, &id), 0);
		assert_int_equal(id, ids[i]);
	}
	/* different ids, different macs */
	{
		char other[ACK_TOKEN_MAX];

		ack_token(key, 1, buf, sizeof buf);
		ack_token(key, 2, other, sizeof other);
		assert_string_not_equal(strchr(buf, '.'), strchr(other, '.'));
	}
}

static void
test_ack_small_buffer(void **state)
{
	unsigned char key[ACK_KEY_LEN];
	char buf[10];

	(void)state;
	key_fill(key, 0);
	memset(buf, 'x', sizeof buf);
	ack_token(key, 42, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void
test_ack_tampered(void **state)
{
	unsigned char key[ACK_KEY_LEN], other[ACK_KEY_LEN];
	char buf[ACK_TOKEN_MAX], forged[ACK_TOKEN_MAX + 8];
	const char *mac;
	int64_t id = 99;

	(void)state;
	key_fill(key, 0);
	ack_token(key, 42, buf, sizeof buf);
	mac = strchr(buf, '.') + 1;

	/* one character of the mac changed */
	strcpy(forged, buf);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'A' ?
	    'B' : 'A';
	assert_int_equal(ack_verify(key, forged, &id), -1);
	/* the mac of 42 under another id */
	snprintf(forged, sizeof forged, "43.%s", mac);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	/* other spellings of 42 with its mac */
	snprintf(forged, sizeof forged, "042.%s", mac);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	snprintf(forged, sizeof forged, "+42.%s", mac);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	snprintf(forged, sizeof forged, " 42.%s", mac);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	/* the mac truncated or extended */
	snprintf(forged, sizeof forged, "%.*s", (int)strlen(buf) - 1, buf);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	snprintf(forged, sizeof forged, "%sA", buf);
	assert_int_equal(ack_verify(key, forged, &id), -1);
	/* the genuine token under another key */
	key_fill(other, 1);
	assert_int_equal(ack_verify(other, buf, &id), -1);
	assert_int_equal(id, 99);
	/* and it still verifies under its own */
	assert_int_equal(ack_verify(key, buf, &id), 0);
	assert_int_equal(id, 42);
}

static void
test_ack_garbage(void **state)
{
	const char *garbage[] = {
		"", ".", "42", "42.", ".ffmJkksuv4gyyAgC0SE6ig", "abc.def",
		"42.ffmJkksuv4gyyAgC0SE6i", "42.ffmJkksuv4gyyAgC0SE6ig.",
		"42..ffmJkksuv4gyyAgC0SE6ig", "4x2.ffmJkksuv4gyyAgC0SE6ig",
		"99999999999999999999.ffmJkksuv4gyyAgC0SE6ig",
		"-.ffmJkksuv4gyyAgC0SE6ig", "42.ffmJkksuv4gyyAgC0SE6i=",
		"42.ffmJkksuv4gyyAgC0SE6ig\n",
	};
	unsigned char key[ACK_KEY_LEN];
	int64_t id = 7;

	(void)state;
	key_fill(key, 0);
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		if (ack_verify(key, garbage[i], &id) != -1)
			fail_msg("token \"%s\" verified", garbage[i]);
	}
	assert_int_equal(id, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_empty),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_timingsafe_equal),
		cmocka_unit_test(test_ack_known_answer),
		cmocka_unit_test(test_ack_round_trip),
		cmocka_unit_test(test_ack_small_buffer),
		cmocka_unit_test(test_ack_tampered),
		cmocka_unit_test(test_ack_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
