/*
 * Acknowledgement links: the token is the reminder id and a truncated
 * HMAC-SHA256 of it under the installation's ack key, "<id>.<mac>" with the
 * mac in URL-safe base64 (128 bits).  Opening the link records the ack.
 */
#ifndef DUBAN_ACK_H
#define DUBAN_ACK_H

#include <stddef.h>
#include <stdint.h>

#define ACK_KEY_LEN 32
/* A token's length with its NUL: 20 characters of id, '.', 22 of mac. */
#define ACK_TOKEN_MAX 44

/*
 * Writes the token into buf; returns buf.  A buf shorter than
 * ACK_TOKEN_MAX may get the empty string.
 */
char *ack_token(const unsigned char key[ACK_KEY_LEN], int64_t reminder_id,
    char *buf, size_t len);
/* 0 with *reminder_id when token is genuine, else -1. */
int ack_verify(const unsigned char key[ACK_KEY_LEN], const char *token,
    int64_t *reminder_id);

#endif
