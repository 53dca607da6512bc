/*
 * The stdout channel, for the demo and for debugging: each message is a
 * block written to standard output, or appended to the channel's file
 * (created mode 0640, opened for each message so it may be rotated):
 *
 *	=== duban <kind> to <office> [<reminder id>] <subject>
 *	<text>
 *	<empty line>
 *
 * The block is written with one write(2) on an O_APPEND descriptor, so
 * blocks from several processes do not interleave.  A failed write is
 * retried later.
 */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "message.h"

/* The block for msg, malloc'd, its length in *len. */
static char *
format_block(const struct message *msg, size_t *len)
{
	const char *text = msg->text != NULL ? msg->text : "";
	size_t tlen = strlen(text);
	char *block;
	int n;

	n = asprintf(&block, "=== duban %s to %s [%lld] %s\n%s%s\n",
	    msg->kind, msg->office, (long long)msg->id, msg->subject, text,
	    tlen > 0 && text[tlen - 1] == '\n' ? "" : "\n");
	if (n == -1)
		abort();
	*len = (size_t)n;
	return block;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static enum send_result
stdout_deliver(const struct channel *ch, const struct message *msg,
    char *reason, size_t reasonlen)
{
	const char *file = ch->conf->file;
	const char *where = file != NULL ? file : "stdout";
	char *block;
	size_t len;
	int fd = STDOUT_FILENO, rc;

	if (file != NULL && (fd = open(file,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		snprintf(reason, reasonlen, "%s: %s", file, strerror(errno));
		return SEND_RETRY;
	}
	block = format_block(msg, &len);
	/* stdio may hold earlier output for stdout: keep the order. */
	if (file == NULL)
		fflush(stdout);
	rc = write_all(fd, block, len);
	if (rc == -1)
		snprintf(reason, reasonlen, "%s: %s", where, strerror(errno));
	free(block);
	if (file != NULL && close(fd) == -1 && rc == 0) {
		snprintf(reason, reasonlen, "%s: %s", where, strerror(errno));
		rc = -1;
	}
	if (rc == -1)
		return SEND_RETRY;
	snprintf(reason, reasonlen, "written to %s", where);
	return SEND_OK;
}

const struct channel_ops channel_stdout_ops = {
	.type = CHANNEL_STDOUT,
	.name = "stdout",
	.deliver = stdout_deliver,
};
