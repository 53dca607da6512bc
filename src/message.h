/*
 * A rendered message: what one send carries to one office on one channel,
 * in every form a channel may need.  render.c makes it; channels read it.
 */
#ifndef DUBAN_MESSAGE_H
#define DUBAN_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct message {
	int64_t		 id;		/* the reminder id (first row of a digest):
					   the Idempotency-Key and Message-ID */
	char		*kind;		/* "before" ... "failure", or "digest" */
	char		*office;	/* the recipient office */
	char		*subject;	/* one line */
	char		*text;		/* plain text */
	char		*markdown;	/* WeCom / DingTalk / Feishu post */
	char		*html;		/* the e-mail HTML part */
	json_t		*data;		/* the generic webhook payload (owned) */
	char		**to;		/* e-mail addresses of the office */
	size_t		  nto;
};

void message_free(struct message *);	/* frees the members, not m itself */

#endif
