/*
 * Channels: how a message reaches an office.  Each kind (generic webhook,
 * WeCom, DingTalk, Feishu, SMTP, stdout) is a struct channel_ops chosen by
 * type, so the dispatcher never knows which kind it is driving: it asks the
 * ops to prepare a libcurl easy handle, runs the transfer on its curl multi
 * handle, and asks the ops to classify what came back.
 */
#ifndef DUBAN_CHANNEL_H
#define DUBAN_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "config.h"

struct message;

/* A configured channel, ready to send: its conf and the secrets it read. */
struct channel {
	const struct channel_conf	*conf;
	char				*secret;	/* secret_file's content; NULL */
	char				*password;	/* password_file's content; NULL */
};

enum send_result {
	SEND_OK,
	SEND_RETRY,	/* try again later (429, 5xx, timeouts, refused, SMTP 4xx) */
	SEND_FAIL,	/* do not retry (other 4xx, SMTP 5xx, robot errcode) */
};

/* What prepare set up for one transfer; freed by channel_req_free. */
struct channel_req {
	char			*url;		/* the final URL (with signature) */
	struct curl_slist	*headers;
	struct curl_slist	*rcpt;		/* SMTP recipients */
	char			*body;		/* request body or SMTP message */
	size_t			 body_len;
	size_t			 body_off;	/* SMTP upload position */
};

struct channel_ops {
	enum channel_type	 type;
	const char		*name;		/* "webhook", "wecom", ... */
	/*
	 * Local channels (stdout) deliver synchronously here; NULL for
	 * channels sent with libcurl.
	 */
	enum send_result	(*deliver)(const struct channel *,
				    const struct message *, char *reason,
				    size_t reasonlen);
	/*
	 * Sets URL, headers, body (and for SMTP: mail from, recipients,
	 * upload) on easy; the dispatcher sets timeouts, the write callback
	 * and private data.  now_ms is for timestamped signatures.
	 * 0, or -1 with a message in err.  Either way req may hold
	 * allocations: channel_req_free it after the transfer or the error.
	 */
	int			(*prepare)(const struct channel *,
				    const struct message *, int64_t now_ms,
				    CURL *easy, struct channel_req *req,
				    char *err, size_t errlen);
	/*
	 * Classifies a finished transfer: the curl result, the HTTP status
	 * or last SMTP reply code, and the response body (HTTP).  reason gets
	 * a short explanation for the attempt log.
	 */
	enum send_result	(*classify)(const struct channel *, CURLcode,
				    long status, const char *body, size_t len,
				    char *reason, size_t reasonlen);
};

const struct channel_ops *channel_ops_for(enum channel_type);
/* Reads the channel's secret and password files.  0, or -1 with err. */
int channel_open(struct channel *, const struct channel_conf *, char *err,
    size_t errlen);
void channel_close(struct channel *);
void channel_req_free(struct channel_req *);

/* The kinds, for channel_ops_for (channel_webhook.c, _smtp.c, _stdout.c). */
extern const struct channel_ops channel_webhook_ops;
extern const struct channel_ops channel_wecom_ops;
extern const struct channel_ops channel_dingtalk_ops;
extern const struct channel_ops channel_feishu_ops;
extern const struct channel_ops channel_smtp_ops;
extern const struct channel_ops channel_stdout_ops;

/*
 * For the kinds: true when a failed transfer is worth retrying (the network,
 * the peer or a timeout), false for errors that will not go away by
 * themselves (a bad URL, a certificate that does not verify...).
 */
bool channel_curl_transient(CURLcode);

#endif
