/*
 * The channel table and what every kind shares: reading the secrets,
 * freeing a request, telling transient curl errors from lasting ones.
 * See channel.h; the payloads are documented in doc/channels.md.
 *
 * Secret and password files are read whole when the channel opens; trailing
 * whitespace (the newline an editor adds) is dropped, and an empty file is
 * an error.  Secrets never appear in messages or logs, and are wiped when
 * the channel closes.
 */
#include "channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct channel_ops *const channel_table[] = {
	[CHANNEL_WEBHOOK] = &channel_webhook_ops,
	[CHANNEL_WECOM] = &channel_wecom_ops,
	[CHANNEL_DINGTALK] = &channel_dingtalk_ops,
	[CHANNEL_FEISHU] = &channel_feishu_ops,
	[CHANNEL_SMTP] = &channel_smtp_ops,
	[CHANNEL_STDOUT] = &channel_stdout_ops,
};

const struct channel_ops *
channel_ops_for(enum channel_type type)
{
	if ((size_t)type >= sizeof channel_table / sizeof channel_table[0])
		return NULL;
	return channel_table[type];
}

/* Reads f to its end into a malloc'd, NUL-terminated string; NULL on error. */
static char *
read_stream(FILE *f)
{
	char *buf = NULL, *grown;
	size_t len = 0, size = 0, n;

	do {
		if (size - len < 512) {
			size = size == 0 ? 1024 : size * 2;
			if ((grown = realloc(buf, size)) == NULL)
				abort();
			buf = grown;
		}
		n = fread(buf + len, 1, size - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		explicit_bzero(buf, size);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static void
trim_trailing_space(char *s)
{
	size_t len = strlen(s);

	while (len > 0 && strchr(" \t\r\n\v\f", s[len - 1]) != NULL)
		s[--len] = '\0';
}

/*
 * The content of the file named by option (for messages: "secret_file"),
 * trimmed; NULL with err.  err names the file, never its content.
 */
static char *
read_secret(const char *option, const char *path, char *err, size_t errlen)
{
	FILE *f;
	char *s;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s %s: %s", option, path,
		    strerror(errno));
		return NULL;
	}
	s = read_stream(f);
	if (s == NULL)
		snprintf(err, errlen, "%s %s: %s", option, path,
		    strerror(errno));
	fclose(f);
	if (s == NULL)
		return NULL;
	trim_trailing_space(s);
	if (*s == '\0') {
		snprintf(err, errlen, "%s %s is empty", option, path);
		free(s);
		return NULL;
	}
	return s;
}

int
channel_open(struct channel *ch, const struct channel_conf *conf, char *err,
    size_t errlen)
{
	ch->conf = conf;
	ch->secret = NULL;
	ch->password = NULL;
	if (conf->secret_file != NULL &&
	    (ch->secret = read_secret("secret_file", conf->secret_file, err,
	    errlen)) == NULL)
		return -1;
	if (conf->password_file != NULL &&
	    (ch->password = read_secret("password_file", conf->password_file,
	    err, errlen)) == NULL) {
		channel_close(ch);
		return -1;
	}
	return 0;
}

static void
free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
channel_close(struct channel *ch)
{
	free_secret(ch->secret);
	free_secret(ch->password);
	ch->secret = NULL;
	ch->password = NULL;
}

void
channel_req_free(struct channel_req *req)
{
	free(req->url);
	curl_slist_free_all(req->headers);
	curl_slist_free_all(req->rcpt);
	free(req->body);
	memset(req, 0, sizeof *req);
}

bool
channel_curl_transient(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:	/* DNS may come back */
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:		/* reset during the handshake */
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
		return true;
	default:
		return false;
	}
}
