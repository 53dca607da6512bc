/*
 * The HTTP channels: the generic JSON webhook and the WeCom, DingTalk and
 * Feishu group robots.  Payloads, headers and signatures are documented for
 * integrators in doc/channels.md; in short:
 *
 * - webhook: POST of the message's JSON data (compact, sorted keys) with
 *   Idempotency-Key: <reminder id> and, with a secret, X-Duban-Signature:
 *   sha256=<hex HMAC-SHA256(secret, body)>.
 * - wecom: {"msgtype":"markdown","markdown":{"content":...}}.
 * - dingtalk: {"msgtype":"markdown","markdown":{"title":...,"text":...}};
 *   with a secret, timestamp (ms) and sign query parameters appended.
 * - feishu: "post" (one paragraph per line of the text, the subject as
 *   title, zh_cn) or "text"; with a secret, timestamp (s) and sign in the
 *   body.
 *
 * Every request carries Content-Type: application/json, User-Agent:
 * duban/<version> and an empty Expect: (no 100-continue round trip).  Only
 * http and https URLs are followed, and no redirects.
 *
 * Outcome: 2xx is sent; 429 and 5xx are retried; other statuses (3xx
 * included) fail; network errors and timeouts are retried, other curl
 * errors fail.  The robots answer 200 with an error code in the body: a
 * non-zero errcode (WeCom, DingTalk) or code/StatusCode (Feishu) fails the
 * message, except the throttling codes, which are retried: WeCom 45009 and
 * -1 (busy), DingTalk 130101 and -1 (busy), Feishu 9499 and 11232.  A 2xx
 * body that is not JSON or has no code counts as sent.
 */
#include "channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "message.h"

#define USER_AGENT	"duban/" PACKAGE_VERSION

/* How a robot reports an error in its 200 answer. */
struct robot_codes {
	const char	*code_keys[3];	/* the first present is the code */
	const char	*msg_keys[3];
	const long	*retry;		/* codes meaning "slow down" */
	size_t		 nretry;
};

static const long wecom_retry[] = { 45009, -1 };
static const long dingtalk_retry[] = { 130101, -1 };
static const long feishu_retry[] = { 9499, 11232 };

static const struct robot_codes wecom_codes = {
	{ "errcode" }, { "errmsg" },
	wecom_retry, sizeof wecom_retry / sizeof wecom_retry[0],
};
static const struct robot_codes dingtalk_codes = {
	{ "errcode" }, { "errmsg" },
	dingtalk_retry, sizeof dingtalk_retry / sizeof dingtalk_retry[0],
};
/* Older Feishu endpoints answer StatusCode/StatusMessage. */
static const struct robot_codes feishu_codes = {
	{ "code", "StatusCode" }, { "msg", "StatusMessage" },
	feishu_retry, sizeof feishu_retry / sizeof feishu_retry[0],
};

static struct curl_slist *
header_add(struct curl_slist *list, const char *header)
{
	struct curl_slist *l;

	if ((l = curl_slist_append(list, header)) == NULL)
		abort();
	return l;
}

static char *
xstrdup(const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

/* Dumps json into req->body; consumes json.  0, or -1 with err. */
static int
set_body(struct channel_req *req, json_t *json, size_t flags, char *err,
    size_t errlen)
{
	if (json == NULL) {
		snprintf(err, errlen, "cannot build the JSON body (a message "
		    "part is missing or not UTF-8)");
		return -1;
	}
	req->body = json_dumps(json, flags | JSON_COMPACT);
	json_decref(json);
	if (req->body == NULL) {
		snprintf(err, errlen, "cannot encode the message as JSON");
		return -1;
	}
	req->body_len = strlen(req->body);
	return 0;
}

/*
 * The common part of every POST: headers and options.  req->url and
 * req->body are set.  0, or -1 with err.  Certificates are always
 * verified (libcurl's default); ca_file only says against what.
 */
static int
http_post(const struct channel *ch, CURL *easy, struct channel_req *req,
    char *err, size_t errlen)
{
	CURLcode rc;

	req->headers = header_add(req->headers,
	    "Content-Type: application/json");
	req->headers = header_add(req->headers, "User-Agent: " USER_AGENT);
	req->headers = header_add(req->headers, "Expect:");
#if LIBCURL_VERSION_NUM >= 0x075500
	rc = curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	rc = curl_easy_setopt(easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_URL, req->url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->headers);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
	if (rc == CURLE_OK && ch->conf->ca_file != NULL)
		rc = curl_easy_setopt(easy, CURLOPT_CAINFO, ch->conf->ca_file);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static enum send_result
http_classify(CURLcode code, long status, char *reason, size_t reasonlen)
{
	if (code != CURLE_OK) {
		snprintf(reason, reasonlen, "%s", curl_easy_strerror(code));
		return channel_curl_transient(code) ? SEND_RETRY : SEND_FAIL;
	}
	snprintf(reason, reasonlen, "HTTP %ld", status);
	if (status >= 200 && status < 300)
		return SEND_OK;
	if (status == 429 || (status >= 500 && status < 600))
		return SEND_RETRY;
	return SEND_FAIL;
}

/*
 * Whether the robot's answer carries a non-zero error code: then 1 with
 * *errcode, the key it was under and its message.
 */
static int
robot_error(const struct robot_codes *rc, const char *body, size_t len,
    long *errcode, const char **key, char *msg, size_t msglen)
{
	json_t *root, *v = NULL;
	int found = 0;

	if (body == NULL || len == 0 ||
	    (root = json_loadb(body, len, 0, NULL)) == NULL)
		return 0;
	for (size_t i = 0; i < 3 && rc->code_keys[i] != NULL && v == NULL;
	    i++) {
		v = json_object_get(root, rc->code_keys[i]);
		*key = rc->code_keys[i];
	}
	if (json_is_integer(v) && json_integer_value(v) != 0) {
		*errcode = (long)json_integer_value(v);
		found = 1;
		msg[0] = '\0';
		for (size_t i = 0; i < 3 && rc->msg_keys[i] != NULL; i++) {
			v = json_object_get(root, rc->msg_keys[i]);
			if (json_is_string(v)) {
				snprintf(msg, msglen, "%s",
				    json_string_value(v));
				break;
			}
		}
	}
	json_decref(root);
	return found;
}

static enum send_result
robot_classify(const struct robot_codes *rc, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	enum send_result r;
	const char *key = NULL;
	char msg[256];
	long errcode;

	r = http_classify(code, status, reason, reasonlen);
	if (code != CURLE_OK ||
	    !robot_error(rc, body, len, &errcode, &key, msg, sizeof msg))
		return r;
	snprintf(reason, reasonlen, "HTTP %ld, %s %ld: %s", status, key,
	    errcode, msg[0] != '\0' ? msg : "(no message)");
	for (size_t i = 0; i < rc->nretry; i++) {
		if (rc->retry[i] == errcode)
			return SEND_RETRY;
	}
	return r == SEND_OK ? SEND_FAIL : r;
}

/* Generic webhook. */

static int
webhook_prepare(const struct channel *ch, const struct message *msg,
    int64_t now_ms, CURL *easy, struct channel_req *req, char *err,
    size_t errlen)
{
	unsigned char mac[HMAC_SHA256_LEN];
	char header[128], *hex;

	(void)now_ms;
	if (msg->data == NULL) {
		snprintf(err, errlen, "the message has no JSON payload");
		return -1;
	}
	if (set_body(req, json_incref(msg->data), JSON_SORT_KEYS, err,
	    errlen) == -1)
		return -1;
	req->url = xstrdup(ch->conf->url);
	snprintf(header, sizeof header, "Idempotency-Key: %lld",
	    (long long)msg->id);
	req->headers = header_add(req->headers, header);
	if (ch->secret != NULL) {
		hmac_sha256(ch->secret, strlen(ch->secret), req->body,
		    req->body_len, mac);
		hex = hex_encode(mac, sizeof mac);
		snprintf(header, sizeof header, "X-Duban-Signature: sha256=%s",
		    hex);
		free(hex);
		req->headers = header_add(req->headers, header);
	}
	return http_post(ch, easy, req, err, errlen);
}

static enum send_result
webhook_classify(const struct channel *ch, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	(void)ch;
	(void)body;
	(void)len;
	return http_classify(code, status, reason, reasonlen);
}

/* WeCom group robot. */

static int
wecom_prepare(const struct channel *ch, const struct message *msg,
    int64_t now_ms, CURL *easy, struct channel_req *req, char *err,
    size_t errlen)
{
	(void)now_ms;
	if (set_body(req, json_pack("{s:s, s:{s:s}}", "msgtype", "markdown",
	    "markdown", "content", msg->markdown), 0, err, errlen) == -1)
		return -1;
	req->url = xstrdup(ch->conf->url);
	return http_post(ch, easy, req, err, errlen);
}

static enum send_result
wecom_classify(const struct channel *ch, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	(void)ch;
	return robot_classify(&wecom_codes, code, status, body, len, reason,
	    reasonlen);
}

/* DingTalk robot. */

/*
 * url with timestamp and sign appended to its query:
 * sign = urlencode(base64(HMAC-SHA256(secret, timestamp "\n" secret))).
 * Appended as text, not with the URL API, which rewrites %2F as %2f in
 * some libcurl versions.
 */
static char *
dingtalk_signed_url(const char *url, const char *secret, int64_t now_ms,
    CURL *easy)
{
	unsigned char mac[HMAC_SHA256_LEN];
	char *tosign, *b64, *escaped, *out;
	const char *sep = "?";
	size_t len = strlen(url);

	if (asprintf(&tosign, "%lld\n%s", (long long)now_ms, secret) == -1)
		abort();
	hmac_sha256(secret, strlen(secret), tosign, strlen(tosign), mac);
	explicit_bzero(tosign, strlen(tosign));
	free(tosign);
	b64 = base64_encode(mac, sizeof mac);
	if ((escaped = curl_easy_escape(easy, b64, 0)) == NULL)
		abort();
	free(b64);
	if (len > 0 && (url[len - 1] == '?' || url[len - 1] == '&'))
		sep = "";
	else if (strchr(url, '?') != NULL)
		sep = "&";
	if (asprintf(&out, "%s%stimestamp=%lld&sign=%s", url, sep,
	    (long long)now_ms, escaped) == -1)
		abort();
	curl_free(escaped);
	return out;
}

static int
dingtalk_prepare(const struct channel *ch, const struct message *msg,
    int64_t now_ms, CURL *easy, struct channel_req *req, char *err,
    size_t errlen)
{
	if (set_body(req, json_pack("{s:s, s:{s:s, s:s}}", "msgtype",
	    "markdown", "markdown", "title", msg->subject, "text",
	    msg->markdown), 0, err, errlen) == -1)
		return -1;
	if (ch->secret == NULL)
		req->url = xstrdup(ch->conf->url);
	else
		req->url = dingtalk_signed_url(ch->conf->url, ch->secret,
		    now_ms, easy);
	return http_post(ch, easy, req, err, errlen);
}

static enum send_result
dingtalk_classify(const struct channel *ch, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	(void)ch;
	return robot_classify(&dingtalk_codes, code, status, body, len,
	    reason, reasonlen);
}

/* Feishu bot. */

/* sign = base64(HMAC-SHA256(key = timestamp "\n" secret, message = "")). */
static char *
feishu_sign(const char *timestamp, const char *secret)
{
	unsigned char mac[HMAC_SHA256_LEN];
	char *key, *b64;

	if (asprintf(&key, "%s\n%s", timestamp, secret) == -1)
		abort();
	hmac_sha256(key, strlen(key), "", 0, mac);
	explicit_bzero(key, strlen(key));
	free(key);
	b64 = base64_encode(mac, sizeof mac);
	return b64;
}

/* One paragraph of one text element per line of text. */
static json_t *
feishu_paragraphs(const char *text)
{
	json_t *paras = json_array(), *line;
	const char *p = text, *nl;
	size_t len;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		line = json_pack("[{s:s, s:s%}]", "tag", "text", "text", p,
		    len);
		if (line == NULL || json_array_append_new(paras, line) == -1) {
			json_decref(paras);
			return NULL;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return paras;
}

static json_t *
feishu_content(const struct channel *ch, const struct message *msg)
{
	json_t *paras;

	if (!ch->conf->feishu_post)
		return json_pack("{s:s}", "text", msg->text);
	if (msg->text == NULL ||
	    (paras = feishu_paragraphs(msg->text)) == NULL)
		return NULL;
	return json_pack("{s:{s:{s:s, s:o}}}", "post", "zh_cn", "title",
	    msg->subject, "content", paras);
}

static json_t *
feishu_body(const struct channel *ch, const struct message *msg,
    int64_t now_ms)
{
	json_t *body = json_object(), *content;
	char timestamp[24], *sign;

	if (ch->secret != NULL) {
		snprintf(timestamp, sizeof timestamp, "%lld",
		    (long long)(now_ms / 1000));
		sign = feishu_sign(timestamp, ch->secret);
		json_object_set_new(body, "timestamp", json_string(timestamp));
		json_object_set_new(body, "sign", json_string(sign));
		free(sign);
	}
	json_object_set_new(body, "msg_type",
	    json_string(ch->conf->feishu_post ? "post" : "text"));
	if ((content = feishu_content(ch, msg)) == NULL) {
		json_decref(body);
		return NULL;
	}
	json_object_set_new(body, "content", content);
	return body;
}

static int
feishu_prepare(const struct channel *ch, const struct message *msg,
    int64_t now_ms, CURL *easy, struct channel_req *req, char *err,
    size_t errlen)
{
	if (set_body(req, feishu_body(ch, msg, now_ms), 0, err, errlen) == -1)
		return -1;
	req->url = xstrdup(ch->conf->url);
	return http_post(ch, easy, req, err, errlen);
}

static enum send_result
feishu_classify(const struct channel *ch, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	(void)ch;
	return robot_classify(&feishu_codes, code, status, body, len, reason,
	    reasonlen);
}

const struct channel_ops channel_webhook_ops = {
	.type = CHANNEL_WEBHOOK,
	.name = "webhook",
	.prepare = webhook_prepare,
	.classify = webhook_classify,
};

const struct channel_ops channel_wecom_ops = {
	.type = CHANNEL_WECOM,
	.name = "wecom",
	.prepare = wecom_prepare,
	.classify = wecom_classify,
};

const struct channel_ops channel_dingtalk_ops = {
	.type = CHANNEL_DINGTALK,
	.name = "dingtalk",
	.prepare = dingtalk_prepare,
	.classify = dingtalk_classify,
};

const struct channel_ops channel_feishu_ops = {
	.type = CHANNEL_FEISHU,
	.name = "feishu",
	.prepare = feishu_prepare,
	.classify = feishu_classify,
};
