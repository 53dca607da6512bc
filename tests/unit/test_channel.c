/*
 * The channels.  For every kind, prepare() on a fixed message and a fixed
 * now_ms, asserting the exact URL, headers and body it set (signatures were
 * computed independently with openssl dgst, see each test); classify()
 * tables for every rule; the SMTP message taken apart (the Subject's
 * encoded words decoded, the base64 parts decoded); the stdout channel's
 * block; reading secrets.  Last, a few real transfers to one-shot servers
 * forked on 127.0.0.1 (HTTP and SMTP), to check that what prepare set is
 * what libcurl sends, and how libcurl reports SMTP rejections.
 *
 * Each test has its own mkdtemp() directory, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "channel.h"
#include "config.h"
#include "message.h"

#define NOW_MS		1700000000000LL	/* 2023-11-14T22:13:20Z */
#define SUBJECT		"【督办】依申请公开答复 2024-10-23 到期"
#define TEXT		"事项：依申请公开答复\n" \
			"期限：2024年10月23日（星期三）\n" \
			"剩余：3个工作日\n"
#define TEXT_CRLF	"事项：依申请公开答复\r\n" \
			"期限：2024年10月23日（星期三）\r\n" \
			"剩余：3个工作日\r\n"
#define MARKDOWN	"**依申请公开答复**\n> 期限：2024-10-23"
#define HTML		"<p>依申请公开答复</p>\n<p>期限：2024-10-23</p>\n"
#define COMMON_HEADERS	"Content-Type: application/json\n" \
			"User-Agent: duban/" PACKAGE_VERSION "\nExpect:"

struct fixture {
	char			 dir[64];
	struct message		 msg;
	struct channel_conf	 conf;
	struct channel		 ch;
	struct channel_req	 req;
	CURL			*easy;
	char			 err[256];
};

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static void
message_init(struct message *m)
{
	memset(m, 0, sizeof *m);
	m->id = 42;
	m->kind = xstrdup("before");
	m->office = xstrdup("综合处");
	m->subject = xstrdup(SUBJECT);
	m->text = xstrdup(TEXT);
	m->markdown = xstrdup(MARKDOWN);
	m->html = xstrdup(HTML);
	/* keys out of order: the webhook body sorts them */
	m->data = json_pack("{s:s, s:I, s:s, s:s}", "title", "依申请公开答复",
	    "reminder_id", (json_int_t)42, "office", "综合处", "kind",
	    "before");
	assert_non_null(m->data);
	m->to = calloc(2, sizeof *m->to);
	assert_non_null(m->to);
	m->to[0] = xstrdup("zonghe@example.gov.cn");
	m->to[1] = xstrdup("ban@example.gov.cn");
	m->nto = 2;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_channel.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	message_init(&f->msg);
	f->conf.name = "test";
	f->conf.starttls = true;
	f->conf.feishu_post = true;
	f->conf.connect_timeout = 10;
	f->conf.timeout = 30;
	f->ch.conf = &f->conf;
	if ((f->easy = curl_easy_init()) == NULL)
		return -1;
	*state = f;
	return 0;
}

static void
remove_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	curl_easy_cleanup(f->easy);
	channel_req_free(&f->req);
	/* the secrets are the test's own strings, not channel_open's */
	message_free(&f->msg);
	remove_dir(f->dir);
	free(f);
	return 0;
}

/* "a\nb" from a curl_slist: malloc'd. */
static char *
slist_join(const struct curl_slist *l)
{
	size_t len = 1;
	char *s;

	for (const struct curl_slist *p = l; p != NULL; p = p->next)
		len += strlen(p->data) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (const struct curl_slist *p = l; p != NULL; p = p->next) {
		if (p != l)
			strcat(s, "\n");
		strcat(s, p->data);
	}
	return s;
}

static void
assert_headers(const struct channel_req *req, const char *expected)
{
	char *h = slist_join(req->headers);

	assert_string_equal(h, expected);
	free(h);
}

static void
assert_body(const struct channel_req *req, const char *expected)
{
	assert_non_null(req->body);
	assert_int_equal(req->body_len, strlen(expected));
	assert_memory_equal(req->body, expected, req->body_len);
}

static int
prepare(struct fixture *f, enum channel_type type)
{
	const struct channel_ops *ops = channel_ops_for(type);

	channel_req_free(&f->req);
	f->conf.type = type;
	f->err[0] = '\0';
	return ops->prepare(&f->ch, &f->msg, NOW_MS, f->easy, &f->req,
	    f->err, sizeof f->err);
}

static void
write_file(const char *path, const char *content)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
}

/* The table. */

static void
test_ops_table(void **state)
{
	static const struct {
		enum channel_type	 type;
		const char		*name;
	} kinds[] = {
		{ CHANNEL_WEBHOOK, "webhook" }, { CHANNEL_WECOM, "wecom" },
		{ CHANNEL_DINGTALK, "dingtalk" }, { CHANNEL_FEISHU, "feishu" },
		{ CHANNEL_SMTP, "smtp" }, { CHANNEL_STDOUT, "stdout" },
	};
	const struct channel_ops *ops;

	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		ops = channel_ops_for(kinds[i].type);
		assert_non_null(ops);
		assert_int_equal(ops->type, kinds[i].type);
		assert_string_equal(ops->name, kinds[i].name);
		if (kinds[i].type == CHANNEL_STDOUT) {
			assert_non_null(ops->deliver);
			assert_null(ops->prepare);
			assert_null(ops->classify);
		} else {
			assert_null(ops->deliver);
			assert_non_null(ops->prepare);
			assert_non_null(ops->classify);
		}
	}
	assert_null(channel_ops_for((enum channel_type)99));
}

/* Secrets. */

static void
test_open_secrets(void **state)
{
	struct fixture *f = *state;
	char secret[128], password[128];
	struct channel ch;

	snprintf(secret, sizeof secret, "%s/secret", f->dir);
	snprintf(password, sizeof password, "%s/password", f->dir);
	write_file(secret, "  s3cr3t value \t\r\n\n");
	write_file(password, "pa ss\n");
	f->conf.secret_file = secret;
	f->conf.password_file = password;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    0);
	assert_ptr_equal(ch.conf, &f->conf);
	/* leading space is the secret's, the trailing newline the editor's */
	assert_string_equal(ch.secret, "  s3cr3t value");
	assert_string_equal(ch.password, "pa ss");
	channel_close(&ch);
	assert_null(ch.secret);
	assert_null(ch.password);

	f->conf.password_file = NULL;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    0);
	assert_non_null(ch.secret);
	assert_null(ch.password);
	channel_close(&ch);
	f->conf.secret_file = NULL;
	f->conf.password_file = NULL;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    0);
	assert_null(ch.secret);
	assert_null(ch.password);
	channel_close(&ch);
}

static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	char secret[128], empty[128], missing[128], expected[256];
	struct channel ch;

	snprintf(secret, sizeof secret, "%s/secret", f->dir);
	snprintf(empty, sizeof empty, "%s/empty", f->dir);
	snprintf(missing, sizeof missing, "%s/missing", f->dir);
	write_file(secret, "topsecret\n");

	/* whitespace only is empty */
	write_file(empty, " \n\t\n");
	f->conf.secret_file = empty;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    -1);
	snprintf(expected, sizeof expected, "secret_file %s is empty", empty);
	assert_string_equal(f->err, expected);

	write_file(empty, "");
	f->conf.secret_file = NULL;
	f->conf.password_file = empty;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    -1);
	snprintf(expected, sizeof expected, "password_file %s is empty",
	    empty);
	assert_string_equal(f->err, expected);

	/* the secret was read, the password fails: nothing leaks */
	f->conf.secret_file = secret;
	f->conf.password_file = missing;
	assert_int_equal(channel_open(&ch, &f->conf, f->err, sizeof f->err),
	    -1);
	snprintf(expected, sizeof expected, "password_file %s: %s", missing,
	    strerror(ENOENT));
	assert_string_equal(f->err, expected);
	assert_null(strstr(f->err, "topsecret"));
	assert_null(ch.secret);
	assert_null(ch.password);
}

/* Generic webhook. */

#define WEBHOOK_BODY "{\"kind\":\"before\",\"office\":\"综合处\"," \
	"\"reminder_id\":42,\"title\":\"依申请公开答复\"}"

static void
test_webhook_prepare(void **state)
{
	struct fixture *f = *state;

	f->conf.url = "https://oa.example.gov.cn/duban";
	assert_int_equal(prepare(f, CHANNEL_WEBHOOK), 0);
	assert_string_equal(f->req.url, "https://oa.example.gov.cn/duban");
	assert_body(&f->req, WEBHOOK_BODY);
	assert_headers(&f->req, "Idempotency-Key: 42\n" COMMON_HEADERS);

	/*
	 * printf '%s' "$WEBHOOK_BODY" | openssl dgst -sha256 -hmac hooksecret
	 */
	f->ch.secret = "hooksecret";
	assert_int_equal(prepare(f, CHANNEL_WEBHOOK), 0);
	assert_body(&f->req, WEBHOOK_BODY);
	assert_headers(&f->req, "Idempotency-Key: 42\n"
	    "X-Duban-Signature: sha256=e312bf56658cecb8fde4d8567d96edbd146caa"
	    "43f8e8246fd092e4b50a8a35eb\n" COMMON_HEADERS);
	f->ch.secret = NULL;

	json_decref(f->msg.data);
	f->msg.data = NULL;
	assert_int_equal(prepare(f, CHANNEL_WEBHOOK), -1);
	assert_string_equal(f->err, "the message has no JSON payload");
}

/* WeCom. */

static void
test_wecom_prepare(void **state)
{
	struct fixture *f = *state;

	f->conf.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1";
	assert_int_equal(prepare(f, CHANNEL_WECOM), 0);
	assert_string_equal(f->req.url, f->conf.url);
	assert_body(&f->req, "{\"msgtype\":\"markdown\",\"markdown\":"
	    "{\"content\":\"**依申请公开答复**\\n> 期限：2024-10-23\"}}");
	assert_headers(&f->req, COMMON_HEADERS);

	free(f->msg.markdown);
	f->msg.markdown = NULL;
	assert_int_equal(prepare(f, CHANNEL_WECOM), -1);
	assert_non_null(strstr(f->err, "JSON body"));
}

/* DingTalk. */

#define DINGTALK_BODY "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":" \
	"\"" SUBJECT "\",\"text\":\"**依申请公开答复**\\n> 期限：2024-10-23\"}}"

static void
test_dingtalk_prepare(void **state)
{
	struct fixture *f = *state;

	f->conf.url =
	    "https://oapi.dingtalk.com/robot/send?access_token=abc123";
	assert_int_equal(prepare(f, CHANNEL_DINGTALK), 0);
	assert_string_equal(f->req.url, f->conf.url);
	assert_body(&f->req, DINGTALK_BODY);
	assert_headers(&f->req, COMMON_HEADERS);

	/*
	 * printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256
	 *     -hmac SEC0123456789abcdef -binary | base64, then URL-encoded
	 */
	f->ch.secret = "SEC0123456789abcdef";
	assert_int_equal(prepare(f, CHANNEL_DINGTALK), 0);
	assert_string_equal(f->req.url, "https://oapi.dingtalk.com/robot/send"
	    "?access_token=abc123&timestamp=1700000000000"
	    "&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");
	assert_body(&f->req, DINGTALK_BODY);

	/* a URL without a query gets one */
	f->conf.url = "http://127.0.0.1:8080/ding";
	assert_int_equal(prepare(f, CHANNEL_DINGTALK), 0);
	assert_string_equal(f->req.url, "http://127.0.0.1:8080/ding"
	    "?timestamp=1700000000000"
	    "&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");

	f->conf.url = "http://127.0.0.1:8080/ding?";
	assert_int_equal(prepare(f, CHANNEL_DINGTALK), 0);
	assert_string_equal(f->req.url, "http://127.0.0.1:8080/ding"
	    "?timestamp=1700000000000"
	    "&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");
	f->ch.secret = NULL;
}

/* Feishu. */

static void
test_feishu_prepare(void **state)
{
	struct fixture *f = *state;

	f->conf.url = "https://open.feishu.cn/open-apis/bot/v2/hook/xyz";
	assert_int_equal(prepare(f, CHANNEL_FEISHU), 0);
	assert_string_equal(f->req.url, f->conf.url);
	assert_headers(&f->req, COMMON_HEADERS);
	assert_body(&f->req, "{\"msg_type\":\"post\",\"content\":{\"post\":"
	    "{\"zh_cn\":{\"title\":\"" SUBJECT "\",\"content\":["
	    "[{\"tag\":\"text\",\"text\":\"事项：依申请公开答复\"}],"
	    "[{\"tag\":\"text\",\"text\":\"期限：2024年10月23日（星期三）\"}],"
	    "[{\"tag\":\"text\",\"text\":\"剩余：3个工作日\"}]]}}}}");

	/*
	 * The timestamp is in seconds.  printf '' | openssl dgst -sha256
	 *     -mac HMAC -macopt hexkey:<hex of "1700000000\nfeishusecret">
	 *     -binary | base64
	 */
	f->ch.secret = "feishusecret";
	f->conf.feishu_post = false;
	assert_int_equal(prepare(f, CHANNEL_FEISHU), 0);
	assert_body(&f->req, "{\"timestamp\":\"1700000000\",\"sign\":"
	    "\"5Wc8F8b2vZlNjoVFpK6BAaovMobglP4Rm1FzmEq/rCU=\","
	    "\"msg_type\":\"text\",\"content\":{\"text\":"
	    "\"事项：依申请公开答复\\n"
	    "期限：2024年10月23日（星期三）\\n剩余：3个工作日\\n\"}}");
	f->ch.secret = NULL;

	/* paragraphs: CRLF, an empty line kept, no trailing newline */
	f->conf.feishu_post = true;
	free(f->msg.text);
	f->msg.text = xstrdup("a\r\n\nb");
	free(f->msg.subject);
	f->msg.subject = xstrdup("t");
	assert_int_equal(prepare(f, CHANNEL_FEISHU), 0);
	assert_body(&f->req, "{\"msg_type\":\"post\",\"content\":{\"post\":"
	    "{\"zh_cn\":{\"title\":\"t\",\"content\":["
	    "[{\"tag\":\"text\",\"text\":\"a\"}],"
	    "[{\"tag\":\"text\",\"text\":\"\"}],"
	    "[{\"tag\":\"text\",\"text\":\"b\"}]]}}}}");

	/* not UTF-8: no body rather than a broken one */
	free(f->msg.text);
	f->msg.text = xstrdup("\xff\xfe");
	assert_int_equal(prepare(f, CHANNEL_FEISHU), -1);
	assert_non_null(strstr(f->err, "JSON body"));
}

/* Classification. */

struct verdict {
	CURLcode		 code;
	long			 status;
	const char		*body;
	enum send_result	 expected;
	const char		*reason;	/* exact; %s: curl's message */
};

static void
assert_verdicts(enum channel_type type, const struct verdict *v, size_t n)
{
	const struct channel_ops *ops = channel_ops_for(type);
	struct channel_conf conf = { .type = type };
	struct channel ch = { .conf = &conf };
	enum send_result r;
	char reason[256], expected[256];

	for (size_t i = 0; i < n; i++) {
		snprintf(expected, sizeof expected, v[i].reason,
		    curl_easy_strerror(v[i].code));
		reason[0] = '\0';
		r = ops->classify(&ch, v[i].code, v[i].status, v[i].body,
		    v[i].body != NULL ? strlen(v[i].body) : 0, reason,
		    sizeof reason);
		if (r != v[i].expected || strcmp(reason, expected) != 0)
			fail_msg("%s row %zu (curl %d, status %ld): got %d "
			    "\"%s\", expected %d \"%s\"", ops->name, i,
			    (int)v[i].code, v[i].status, (int)r, reason,
			    (int)v[i].expected, expected);
	}
}

#define NVERDICTS(v) (sizeof(v) / sizeof((v)[0]))

/* What every HTTP kind shares. */
static const struct verdict http_verdicts[] = {
	{ CURLE_OK, 200, "", SEND_OK, "HTTP 200" },
	{ CURLE_OK, 204, NULL, SEND_OK, "HTTP 204" },
	{ CURLE_OK, 299, "", SEND_OK, "HTTP 299" },
	{ CURLE_OK, 301, "", SEND_FAIL, "HTTP 301" },
	{ CURLE_OK, 400, "", SEND_FAIL, "HTTP 400" },
	{ CURLE_OK, 401, "", SEND_FAIL, "HTTP 401" },
	{ CURLE_OK, 404, "", SEND_FAIL, "HTTP 404" },
	{ CURLE_OK, 429, "", SEND_RETRY, "HTTP 429" },
	{ CURLE_OK, 500, "", SEND_RETRY, "HTTP 500" },
	{ CURLE_OK, 502, "", SEND_RETRY, "HTTP 502" },
	{ CURLE_OK, 503, "", SEND_RETRY, "HTTP 503" },
	{ CURLE_OK, 599, "", SEND_RETRY, "HTTP 599" },
	{ CURLE_OPERATION_TIMEDOUT, 0, NULL, SEND_RETRY, "%s" },
	{ CURLE_COULDNT_CONNECT, 0, NULL, SEND_RETRY, "%s" },
	{ CURLE_COULDNT_RESOLVE_HOST, 0, NULL, SEND_RETRY, "%s" },
	{ CURLE_SEND_ERROR, 0, NULL, SEND_RETRY, "%s" },
	{ CURLE_RECV_ERROR, 0, NULL, SEND_RETRY, "%s" },
	{ CURLE_GOT_NOTHING, 0, NULL, SEND_RETRY, "%s" },
	/* a curl error wins over a status seen before it */
	{ CURLE_RECV_ERROR, 200, NULL, SEND_RETRY, "%s" },
	{ CURLE_URL_MALFORMAT, 0, NULL, SEND_FAIL, "%s" },
	{ CURLE_UNSUPPORTED_PROTOCOL, 0, NULL, SEND_FAIL, "%s" },
	{ CURLE_PEER_FAILED_VERIFICATION, 0, NULL, SEND_FAIL, "%s" },
};

static void
test_classify_http(void **state)
{
	(void)state;
	assert_verdicts(CHANNEL_WEBHOOK, http_verdicts,
	    NVERDICTS(http_verdicts));
	assert_verdicts(CHANNEL_WECOM, http_verdicts,
	    NVERDICTS(http_verdicts));
	assert_verdicts(CHANNEL_DINGTALK, http_verdicts,
	    NVERDICTS(http_verdicts));
	assert_verdicts(CHANNEL_FEISHU, http_verdicts,
	    NVERDICTS(http_verdicts));
}

static void
test_classify_webhook(void **state)
{
	/* the generic webhook does not read bodies */
	static const struct verdict v[] = {
		{ CURLE_OK, 200, "{\"errcode\":45009}", SEND_OK, "HTTP 200" },
		{ CURLE_OK, 200, "{\"code\":1}", SEND_OK, "HTTP 200" },
		{ CURLE_OK, 200, "not json", SEND_OK, "HTTP 200" },
	};

	(void)state;
	assert_verdicts(CHANNEL_WEBHOOK, v, NVERDICTS(v));
}

static void
test_classify_wecom(void **state)
{
	static const struct verdict v[] = {
		{ CURLE_OK, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", SEND_OK,
		    "HTTP 200" },
		{ CURLE_OK, 200, "{\"errcode\":45009,\"errmsg\":\"api freq out "
		    "of limit\"}", SEND_RETRY, "HTTP 200, errcode 45009: api "
		    "freq out of limit" },
		{ CURLE_OK, 200, "{\"errcode\":-1,\"errmsg\":\"system busy\"}",
		    SEND_RETRY, "HTTP 200, errcode -1: system busy" },
		{ CURLE_OK, 200, "{\"errcode\":93000,\"errmsg\":\"invalid "
		    "webhook url\"}", SEND_FAIL, "HTTP 200, errcode 93000: "
		    "invalid webhook url" },
		{ CURLE_OK, 200, "{\"errcode\":40008}", SEND_FAIL,
		    "HTTP 200, errcode 40008: (no message)" },
		/* the status decides, the body explains */
		{ CURLE_OK, 500, "{\"errcode\":40008,\"errmsg\":\"x\"}",
		    SEND_RETRY, "HTTP 500, errcode 40008: x" },
		{ CURLE_OK, 429, "{\"errcode\":45009,\"errmsg\":\"x\"}",
		    SEND_RETRY, "HTTP 429, errcode 45009: x" },
		{ CURLE_OK, 400, "{\"errcode\":45009,\"errmsg\":\"x\"}",
		    SEND_RETRY, "HTTP 400, errcode 45009: x" },
		/* no errcode: HTTP's word */
		{ CURLE_OK, 200, "{\"code\":5}", SEND_OK, "HTTP 200" },
		{ CURLE_OK, 200, "{\"errcode\":\"45009\"}", SEND_OK,
		    "HTTP 200" },
		{ CURLE_OK, 200, "<html>", SEND_OK, "HTTP 200" },
		/* DingTalk's throttling code means nothing to WeCom */
		{ CURLE_OK, 200, "{\"errcode\":130101,\"errmsg\":\"x\"}",
		    SEND_FAIL, "HTTP 200, errcode 130101: x" },
	};

	(void)state;
	assert_verdicts(CHANNEL_WECOM, v, NVERDICTS(v));
}

static void
test_classify_dingtalk(void **state)
{
	static const struct verdict v[] = {
		{ CURLE_OK, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", SEND_OK,
		    "HTTP 200" },
		{ CURLE_OK, 200, "{\"errcode\":130101,\"errmsg\":\"send too "
		    "fast\"}", SEND_RETRY, "HTTP 200, errcode 130101: send too "
		    "fast" },
		{ CURLE_OK, 200, "{\"errcode\":-1,\"errmsg\":\"busy\"}",
		    SEND_RETRY, "HTTP 200, errcode -1: busy" },
		{ CURLE_OK, 200, "{\"errcode\":310000,\"errmsg\":\"sign not "
		    "match\"}", SEND_FAIL, "HTTP 200, errcode 310000: sign not "
		    "match" },
		{ CURLE_OK, 200, "{\"errcode\":45009,\"errmsg\":\"x\"}",
		    SEND_FAIL, "HTTP 200, errcode 45009: x" },
	};

	(void)state;
	assert_verdicts(CHANNEL_DINGTALK, v, NVERDICTS(v));
}

static void
test_classify_feishu(void **state)
{
	static const struct verdict v[] = {
		{ CURLE_OK, 200, "{\"code\":0,\"msg\":\"success\"}", SEND_OK,
		    "HTTP 200" },
		{ CURLE_OK, 200, "{\"StatusCode\":0,\"StatusMessage\":"
		    "\"success\"}", SEND_OK, "HTTP 200" },
		{ CURLE_OK, 200, "{\"code\":19021,\"msg\":\"sign match fail\"}",
		    SEND_FAIL, "HTTP 200, code 19021: sign match fail" },
		{ CURLE_OK, 200, "{\"StatusCode\":19024,\"StatusMessage\":"
		    "\"Key Words Not Found\"}", SEND_FAIL,
		    "HTTP 200, StatusCode 19024: Key Words Not Found" },
		{ CURLE_OK, 200, "{\"code\":9499,\"msg\":\"too many request\"}",
		    SEND_RETRY, "HTTP 200, code 9499: too many request" },
		{ CURLE_OK, 200, "{\"code\":11232,\"msg\":\"frequency "
		    "limited\"}", SEND_RETRY, "HTTP 200, code 11232: frequency "
		    "limited" },
		{ CURLE_OK, 400, "{\"code\":9499,\"msg\":\"x\"}", SEND_RETRY,
		    "HTTP 400, code 9499: x" },
		{ CURLE_OK, 400, "{\"code\":19001,\"msg\":\"param invalid\"}",
		    SEND_FAIL, "HTTP 400, code 19001: param invalid" },
		/* WeCom's errcode means nothing to Feishu */
		{ CURLE_OK, 200, "{\"errcode\":45009}", SEND_OK, "HTTP 200" },
	};

	(void)state;
	assert_verdicts(CHANNEL_FEISHU, v, NVERDICTS(v));
}

static void
test_classify_smtp(void **state)
{
	static const struct verdict v[] = {
		{ CURLE_OK, 250, NULL, SEND_OK, "SMTP 250" },
		{ CURLE_OK, 221, NULL, SEND_OK, "SMTP 221" },
		{ CURLE_OK, 451, NULL, SEND_RETRY, "SMTP 451" },
		{ CURLE_OK, 550, NULL, SEND_FAIL, "SMTP 550" },
		/* libcurl's error for a rejected RCPT or DATA: the code wins */
		{ CURLE_SEND_ERROR, 550, NULL, SEND_FAIL,
		    "SMTP 550 (%s)" },
		{ CURLE_RECV_ERROR, 452, NULL, SEND_RETRY,
		    "SMTP 452 (%s)" },
		{ CURLE_WEIRD_SERVER_REPLY, 554, NULL, SEND_FAIL,
		    "SMTP 554 (%s)" },
		{ CURLE_WEIRD_SERVER_REPLY, 421, NULL, SEND_RETRY,
		    "SMTP 421 (%s)" },
		/* authentication */
		{ CURLE_LOGIN_DENIED, 535, NULL, SEND_FAIL,
		    "SMTP 535 (%s)" },
		{ CURLE_LOGIN_DENIED, 0, NULL, SEND_FAIL, "%s" },
		{ CURLE_LOGIN_DENIED, 454, NULL, SEND_RETRY,
		    "SMTP 454 (%s)" },
		/* no STARTTLS in the EHLO answer: its 250 is no rejection */
		{ CURLE_USE_SSL_FAILED, 250, NULL, SEND_FAIL,
		    "server does not offer STARTTLS" },
		{ CURLE_USE_SSL_FAILED, 0, NULL, SEND_FAIL,
		    "server does not offer STARTTLS" },
		/* the network */
		{ CURLE_COULDNT_CONNECT, 0, NULL, SEND_RETRY,
		    "%s" },
		{ CURLE_OPERATION_TIMEDOUT, 0, NULL, SEND_RETRY,
		    "%s" },
		{ CURLE_SEND_ERROR, 0, NULL, SEND_RETRY,
		    "%s" },
		{ CURLE_RECV_ERROR, 354, NULL, SEND_RETRY,
		    "%s" },
		{ CURLE_PEER_FAILED_VERIFICATION, 0, NULL, SEND_FAIL,
		    "%s" },
	};

	(void)state;
	assert_verdicts(CHANNEL_SMTP, v, NVERDICTS(v));
}

/* SMTP message. */

/* Decoded base64 (RFC 2045 lines of at most 76 joined first): malloc'd. */
static unsigned char *
b64_decode(const char *in, size_t inlen, size_t *outlen)
{
	unsigned char *out = malloc(inlen / 4 * 3 + 1);
	int n;

	assert_non_null(out);
	assert_int_equal(inlen % 4, 0);
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)inlen);
	assert_true(n >= 0);
	/* EVP_DecodeBlock counts the padding as zero bytes */
	if (inlen > 0 && in[inlen - 1] == '=')
		n--;
	if (inlen > 1 && in[inlen - 2] == '=')
		n--;
	out[n] = '\0';
	*outlen = (size_t)n;
	return out;
}

/* True when s[0..len) is whole UTF-8 characters. */
static bool
utf8_whole(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (s[i] < 0x80)
			n = 1;
		else if ((s[i] & 0xe0) == 0xc0)
			n = 2;
		else if ((s[i] & 0xf0) == 0xe0)
			n = 3;
		else if ((s[i] & 0xf8) == 0xf0)
			n = 4;
		else
			return false;
		if (i + n > len)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		}
		i += n;
	}
	return true;
}

/* The unfolded value of header name in the message's header block. */
static char *
header_value(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg, *eol;
	size_t nlen = strlen(name);
	char *v, *q;

	assert_non_null(end);
	while (p < end) {
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':') {
			p += nlen + 1;
			while (*p == ' ')
				p++;
			eol = p;
			/* a header ends at a CRLF not followed by space */
			while (!(eol[0] == '\r' && eol[1] == '\n' &&
			    eol[2] != ' ' && eol[2] != '\t'))
				eol++;
			v = strndup(p, (size_t)(eol - p));
			assert_non_null(v);
			/* unfold: drop each CRLF before white space */
			for (q = v; (q = strstr(q, "\r\n")) != NULL;)
				memmove(q, q + 2, strlen(q + 2) + 1);
			return v;
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

/*
 * Decodes an RFC 2047 Subject made of =?UTF-8?B?...?= words separated by
 * folding white space, checking each word's length and that each holds
 * whole characters.  malloc'd.
 */
static char *
decode_subject(const char *value, size_t *nwords)
{
	char *copy = xstrdup(value), *word, *save = NULL, *out;
	unsigned char *bytes;
	size_t len, outlen = 0, blen;

	out = calloc(1, strlen(value) + 1);
	assert_non_null(out);
	*nwords = 0;
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		len = strlen(word);
		assert_true(len <= 75);
		assert_true(len > 12);
		assert_memory_equal(word, "=?UTF-8?B?", 10);
		assert_memory_equal(word + len - 2, "?=", 2);
		bytes = b64_decode(word + 10, len - 12, &blen);
		if (!utf8_whole(bytes, blen))
			fail_msg("encoded word %zu splits a character",
			    *nwords);
		memcpy(out + outlen, bytes, blen);
		outlen += blen;
		free(bytes);
		(*nwords)++;
	}
	out[outlen] = '\0';
	free(copy);
	return out;
}

/* The decoded base64 body of the part of the given type. */
static char *
part_content(const char *msg, const char *boundary, const char *type)
{
	char head[256], delim[128], *b64, *q, *out;
	const char *p, *end, *line, *eol;
	size_t outlen;

	snprintf(head, sizeof head, "--%s\r\nContent-Type: %s; charset=UTF-8"
	    "\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, type);
	if ((p = strstr(msg, head)) == NULL)
		return NULL;
	p += strlen(head);
	snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	end = strstr(p, delim);
	assert_non_null(end);
	b64 = calloc(1, (size_t)(end - p) + 1);
	assert_non_null(b64);
	q = b64;
	for (line = p; line < end; line = eol + 2) {
		eol = strstr(line, "\r\n");
		assert_true(eol - line <= 76);
		memcpy(q, line, (size_t)(eol - line));
		q += eol - line;
	}
	out = (char *)b64_decode(b64, (size_t)(q - b64), &outlen);
	assert_int_equal(strlen(out), outlen);
	free(b64);
	return out;
}

static void
assert_matches(const char *s, const char *pattern)
{
	regex_t re;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, s, 0, NULL, 0) != 0)
		fail_msg("\"%s\" does not match /%s/", s, pattern);
	regfree(&re);
}

static void
smtp_conf(struct fixture *f, const char *url)
{
	f->conf.url = (char *)url;
	f->conf.from = "duban@example.gov.cn";
}

static void
test_smtp_prepare(void **state)
{
	struct fixture *f = *state;
	char *body, *v, *subject, *boundary, *part, *rcpt;
	size_t nwords;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	smtp_conf(f, "smtp://mail.example.gov.cn:587");
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	assert_string_equal(f->req.url, "smtp://mail.example.gov.cn:587");
	assert_null(f->req.headers);
	rcpt = slist_join(f->req.rcpt);
	assert_string_equal(rcpt, "<zonghe@example.gov.cn>\n"
	    "<ban@example.gov.cn>");
	free(rcpt);
	assert_int_equal(f->req.body_off, 0);
	body = strndup(f->req.body, f->req.body_len);
	assert_non_null(body);
	assert_int_equal(strlen(body), f->req.body_len);

	/* the header block, in order */
	assert_matches(body, "^From: duban@example\\.gov\\.cn\r\n"
	    "To: zonghe@example\\.gov\\.cn,\r\n ban@example\\.gov\\.cn\r\n"
	    "Subject: [^\r]*(\r\n [^\r]*)*\r\n"
	    "Date: Wed, 15 Nov 2023 06:13:20 \\+0800\r\n"
	    "Message-ID: <duban\\.42\\.[0-9a-f]{16}@example\\.gov\\.cn>\r\n"
	    "MIME-Version: 1\\.0\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "Content-Type: multipart/alternative; "
	    "boundary=\"=_duban_[0-9a-f]{16}\"\r\n\r\n");

	v = header_value(body, "Subject");
	assert_non_null(v);
	subject = decode_subject(v, &nwords);
	assert_string_equal(subject, SUBJECT);
	/* 51 bytes: two words */
	assert_int_equal(nwords, 2);
	free(subject);
	free(v);

	v = header_value(body, "Content-Type");
	boundary = strndup(strchr(v, '"') + 1, strlen(strchr(v, '"') + 1) - 1);
	part = part_content(body, boundary, "text/plain");
	assert_non_null(part);
	/* text in its canonical form: CRLF line ends */
	assert_string_equal(part, TEXT_CRLF);
	free(part);
	part = part_content(body, boundary, "text/html");
	assert_non_null(part);
	assert_string_equal(part, "<p>依申请公开答复</p>\r\n"
	    "<p>期限：2024-10-23</p>\r\n");
	free(part);
	/* the end */
	{
		char last[128];

		snprintf(last, sizeof last, "\r\n--%s--\r\n", boundary);
		assert_true(f->req.body_len > strlen(last));
		assert_string_equal(body + f->req.body_len - strlen(last),
		    last);
	}
	free(boundary);
	free(v);
	free(body);
	unsetenv("TZ");
	tzset();
}

/*
 * Every attempt of one reminder carries the same Message-ID (a receiver can
 * drop a retried copy); another reminder gets another one.
 */
static void
test_smtp_message_id_stable(void **state)
{
	struct fixture *f = *state;
	char *a, *b, *c;

	smtp_conf(f, "smtps://mail.example.gov.cn");
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	a = header_value(f->req.body, "Message-ID");
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	b = header_value(f->req.body, "Message-ID");
	f->msg.id++;
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	c = header_value(f->req.body, "Message-ID");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void
test_smtp_subject_split(void **state)
{
	struct fixture *f = *state;
	static const char *subjects[] = {
		/* 40 characters of 3 bytes: 15 + 15 + 10 */
		"一二三四五六七八九十一二三四五六七八九十"
		"一二三四五六七八九十一二三四五六七八九十",
		/* one ASCII byte shifts every boundary */
		"a一二三四五六七八九十一二三四五六七八九十"
		"一二三四五六七八九十一二三四五六七八九十",
		"ab一二三四五六七八九十一二三四五六七八九十😀😀😀😀😀😀😀😀",
		"plain ASCII subject",
		"",
	};
	static const size_t words[] = { 3, 3, 3, 1, 0 };
	char *v, *subject;
	size_t n;

	smtp_conf(f, "smtp://127.0.0.1:2525");
	for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		free(f->msg.subject);
		f->msg.subject = xstrdup(subjects[i]);
		assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
		v = header_value(f->req.body, "Subject");
		assert_non_null(v);
		subject = decode_subject(v, &n);
		assert_string_equal(subject, subjects[i]);
		assert_int_equal(n, words[i]);
		free(subject);
		free(v);
	}
	/* a line break cannot end the header early */
	free(f->msg.subject);
	f->msg.subject = xstrdup("督办\r\nBcc: x@example.com");
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	v = header_value(f->req.body, "Subject");
	subject = decode_subject(v, &n);
	assert_string_equal(subject, "督办  Bcc: x@example.com");
	assert_null(header_value(f->req.body, "Bcc"));
	free(subject);
	free(v);
}

static void
test_smtp_prepare_errors(void **state)
{
	struct fixture *f = *state;

	smtp_conf(f, "smtp://127.0.0.1:2525");
	free(f->msg.to[0]);
	free(f->msg.to[1]);
	f->msg.nto = 0;
	assert_int_equal(prepare(f, CHANNEL_SMTP), -1);
	assert_string_equal(f->err, "office \"综合处\" has no e-mail address "
	    "(email in its office block)");

	f->msg.to[0] = xstrdup("a@example.gov.cn");
	f->msg.nto = 1;
	f->conf.username = "duban";
	assert_int_equal(prepare(f, CHANNEL_SMTP), -1);
	assert_non_null(strstr(f->err, "password_file"));
	f->conf.username = NULL;

	smtp_conf(f, "https://mail.example.gov.cn");
	assert_int_equal(prepare(f, CHANNEL_SMTP), -1);
	assert_string_equal(f->err, "an smtp channel needs an smtp:// or "
	    "smtps:// URL");

	/* without an HTML part: text only */
	smtp_conf(f, "smtp://127.0.0.1:2525");
	free(f->msg.html);
	f->msg.html = NULL;
	assert_int_equal(prepare(f, CHANNEL_SMTP), 0);
	assert_null(strstr(f->req.body, "text/html"));
	assert_non_null(strstr(f->req.body, "text/plain"));
}

/* stdout. */

static char *
read_file(const char *path)
{
	char *buf;
	FILE *fp;
	long n;

	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

static void
test_stdout_deliver(void **state)
{
	struct fixture *f = *state;
	const struct channel_ops *ops = channel_ops_for(CHANNEL_STDOUT);
	char path[128], reason[256], *content;
	struct stat st;

	snprintf(path, sizeof path, "%s/out.log", f->dir);
	f->conf.type = CHANNEL_STDOUT;
	f->conf.file = path;
	umask(022);
	assert_int_equal(ops->deliver(&f->ch, &f->msg, reason, sizeof reason),
	    SEND_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* a text without its final newline gets one */
	free(f->msg.text);
	f->msg.text = xstrdup("第二条");
	f->msg.id = 43;
	free(f->msg.kind);
	f->msg.kind = xstrdup("digest");
	assert_int_equal(ops->deliver(&f->ch, &f->msg, reason, sizeof reason),
	    SEND_OK);
	content = read_file(path);
	assert_string_equal(content,
	    "=== duban before to 综合处 [42] " SUBJECT "\n" TEXT "\n"
	    "=== duban digest to 综合处 [43] " SUBJECT "\n第二条\n\n");
	free(content);

	snprintf(path, sizeof path, "%s/no/such/dir", f->dir);
	assert_int_equal(ops->deliver(&f->ch, &f->msg, reason, sizeof reason),
	    SEND_RETRY);
	{
		char expected[256];

		snprintf(expected, sizeof expected, "%s: %s", path,
		    strerror(ENOENT));
		assert_string_equal(reason, expected);
	}
}

/*
 * Real transfers.  A child process listens on 127.0.0.1, serves one
 * connection from a script and writes what it received to a file.
 */

struct server {
	int	 fd;
	int	 port;
	pid_t	 pid;
	char	 capture[128];
};

/* SMTP replies; NULL: the usual 250. */
struct smtp_script {
	bool		 starttls;	/* offer STARTTLS in EHLO */
	const char	*rcpt;
	const char	*data_end;	/* after the message */
};

static int
readline_fd(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	while (n + 1 < size && read(fd, &c, 1) == 1) {
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

static void
say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) == -1)
		_exit(2);
}

static void
serve_smtp(int c, FILE *cap, const struct smtp_script *s)
{
	char line[1024];

	say(c, "220 test ESMTP\r\n");
	while (readline_fd(c, line, sizeof line) > 0) {
		if (strncmp(line, "EHLO", 4) == 0)
			say(c, s->starttls ? "250-test\r\n250 STARTTLS\r\n" :
			    "250-test\r\n250 8BITMIME\r\n");
		else if (strncmp(line, "MAIL", 4) == 0)
			say(c, "250 ok\r\n");
		else if (strncmp(line, "RCPT", 4) == 0) {
			fputs(line, cap);
			say(c, s->rcpt != NULL ? s->rcpt : "250 ok\r\n");
		} else if (strncmp(line, "DATA", 4) == 0) {
			say(c, "354 go on\r\n");
			fputs("DATA\n", cap);
			while (readline_fd(c, line, sizeof line) > 0 &&
			    strcmp(line, ".\r\n") != 0)
				fputs(line, cap);
			say(c, s->data_end != NULL ? s->data_end :
			    "250 queued\r\n");
		} else if (strncmp(line, "QUIT", 4) == 0) {
			say(c, "221 bye\r\n");
			break;
		} else
			say(c, "502 no\r\n");
	}
}

/* Reads one HTTP request (headers, then Content-Length bytes). */
static void
serve_http(int c, FILE *cap, const char *response)
{
	char line[2048], *body;
	long clen = 0;
	ssize_t n;

	while (readline_fd(c, line, sizeof line) > 0 &&
	    strcmp(line, "\r\n") != 0) {
		fputs(line, cap);
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = strtol(line + 15, NULL, 10);
	}
	fputs("\r\n", cap);
	if ((body = malloc((size_t)clen + 1)) == NULL)
		_exit(2);
	for (long got = 0; got < clen; got += n) {
		if ((n = read(c, body + got, (size_t)(clen - got))) <= 0)
			_exit(2);
	}
	fwrite(body, 1, (size_t)clen, cap);
	free(body);
	say(c, response);
}

static void
server_start(struct server *sv, const char *dir)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sv->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(sv->fd >= 0);
	assert_int_equal(bind(sv->fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(sv->fd, 1), 0);
	assert_int_equal(getsockname(sv->fd, (struct sockaddr *)&sin, &len), 0);
	sv->port = ntohs(sin.sin_port);
	snprintf(sv->capture, sizeof sv->capture, "%s/capture", dir);
}

/* In the child: serves one connection, then _exit. */
static void
server_child(struct server *sv, const struct smtp_script *smtp,
    const char *http_response)
{
	FILE *cap;
	int c;

	alarm(20);
	if ((c = accept(sv->fd, NULL, NULL)) == -1 ||
	    (cap = fopen(sv->capture, "w")) == NULL)
		_exit(2);
	/* unbuffered: the capture is complete whenever the child ends */
	setvbuf(cap, NULL, _IONBF, 0);
	if (smtp != NULL)
		serve_smtp(c, cap, smtp);
	else
		serve_http(c, cap, http_response);
	fclose(cap);
	close(c);
	_exit(0);
}

static void
server_fork(struct server *sv, const struct smtp_script *smtp,
    const char *http_response)
{
	fflush(NULL);
	sv->pid = fork();
	assert_true(sv->pid >= 0);
	if (sv->pid == 0)
		server_child(sv, smtp, http_response);
	close(sv->fd);
}

static void
server_wait(struct server *sv)
{
	int status;

	assert_int_equal(waitpid(sv->pid, &status, 0), sv->pid);
}

/* prepare, perform, classify. */
static enum send_result
transfer(struct fixture *f, enum channel_type type, long *status,
    char *reason, size_t reasonlen)
{
	const struct channel_ops *ops = channel_ops_for(type);
	char *resp = NULL;
	size_t resplen = 0;
	FILE *rf = open_memstream(&resp, &resplen);
	enum send_result r;
	CURLcode code;

	assert_non_null(rf);
	curl_easy_reset(f->easy);
	assert_int_equal(prepare(f, type), 0);
	curl_easy_setopt(f->easy, CURLOPT_TIMEOUT, 15L);
	/* close (SMTP: QUIT) at the end, so the server's script ends */
	curl_easy_setopt(f->easy, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, rf);
	code = curl_easy_perform(f->easy);
	fclose(rf);
	*status = 0;
	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, status);
	r = ops->classify(&f->ch, code, *status, resp, resplen, reason,
	    reasonlen);
	free(resp);
	return r;
}

static void
test_http_transfer(void **state)
{
	struct fixture *f = *state;
	const char *wecom_busy = "{\"errcode\":45009,\"errmsg\":\"api freq "
	    "out of limit\"}";
	char url[128], reason[256], response[512], *cap;
	struct server sv;
	long status;

	/* WeCom's throttling: a 200 that must be retried */
	server_start(&sv, f->dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/hook?key=k", sv.port);
	f->conf.url = url;
	snprintf(response, sizeof response, "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close"
	    "\r\n\r\n%s", strlen(wecom_busy), wecom_busy);
	server_fork(&sv, NULL, response);
	assert_int_equal(transfer(f, CHANNEL_WECOM, &status, reason,
	    sizeof reason), SEND_RETRY);
	server_wait(&sv);
	assert_int_equal(status, 200);
	assert_string_equal(reason, "HTTP 200, errcode 45009: api freq out of "
	    "limit");

	/* what went on the wire: the generic webhook, signed */
	server_start(&sv, f->dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/duban", sv.port);
	f->ch.secret = "hooksecret";
	server_fork(&sv, NULL, "HTTP/1.1 204 No Content\r\n"
	    "Connection: close\r\n\r\n");
	assert_int_equal(transfer(f, CHANNEL_WEBHOOK, &status, reason,
	    sizeof reason), SEND_OK);
	server_wait(&sv);
	f->ch.secret = NULL;
	cap = read_file(sv.capture);
	assert_memory_equal(cap, "POST /duban HTTP/1.1\r\n", 22);
	assert_non_null(strstr(cap, "\r\nIdempotency-Key: 42\r\n"));
	assert_non_null(strstr(cap, "\r\nX-Duban-Signature: sha256="
	    "e312bf56658cecb8fde4d8567d96edbd146caa43f8e8246fd092e4b50a8a35eb"
	    "\r\n"));
	assert_non_null(strstr(cap, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(strstr(cap, "\r\nUser-Agent: duban/" PACKAGE_VERSION
	    "\r\n"));
	assert_null(strstr(cap, "Expect:"));
	assert_string_equal(strstr(cap, "\r\n\r\n") + 4, WEBHOOK_BODY);
	free(cap);
}

static void
test_http_transfer_errors(void **state)
{
	struct fixture *f = *state;
	char url[128], reason[256];
	struct server sv;
	long status;

	/* a port nobody listens on (bound, never listened) */
	server_start(&sv, f->dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", sv.port);
	close(sv.fd);
	f->conf.url = url;
	assert_int_equal(transfer(f, CHANNEL_WEBHOOK, &status, reason,
	    sizeof reason), SEND_RETRY);
	assert_string_equal(reason, curl_easy_strerror(CURLE_COULDNT_CONNECT));

	/* only http and https */
	f->conf.url = "file:///etc/passwd";
	assert_int_equal(transfer(f, CHANNEL_WEBHOOK, &status, reason,
	    sizeof reason), SEND_FAIL);
	assert_string_equal(reason,
	    curl_easy_strerror(CURLE_UNSUPPORTED_PROTOCOL));
}

static enum send_result
smtp_transfer(struct fixture *f, const struct smtp_script *script,
    long *status, char *reason, size_t reasonlen, char **capture)
{
	char url[128];
	struct server sv;
	enum send_result r;

	server_start(&sv, f->dir);
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", sv.port);
	smtp_conf(f, url);
	server_fork(&sv, script, NULL);
	r = transfer(f, CHANNEL_SMTP, status, reason, reasonlen);
	server_wait(&sv);
	*capture = read_file(sv.capture);
	return r;
}

static void
test_smtp_transfer(void **state)
{
	struct fixture *f = *state;
	const char *rcpts = "RCPT TO:<zonghe@example.gov.cn>\r\n"
	    "RCPT TO:<ban@example.gov.cn>\r\nDATA\n";
	struct smtp_script script = { 0 };
	char reason[256], *cap, *data;
	long status;

	f->conf.starttls = false;
	assert_int_equal(smtp_transfer(f, &script, &status, reason,
	    sizeof reason, &cap), SEND_OK);
	assert_int_equal(status, 250);
	/* every recipient, then the message exactly as built */
	assert_memory_equal(cap, rcpts, strlen(rcpts));
	data = strstr(cap, "DATA\n") + 5;
	assert_int_equal(strlen(data), f->req.body_len);
	assert_memory_equal(data, f->req.body, f->req.body_len);
	free(cap);

	/* a permanent rejection of a recipient */
	script.rcpt = "550 5.1.1 no such user\r\n";
	assert_int_equal(smtp_transfer(f, &script, &status, reason,
	    sizeof reason, &cap), SEND_FAIL);
	assert_int_equal(status, 550);
	assert_memory_equal(reason, "SMTP 550", 8);
	free(cap);

	/* greylisting after DATA */
	script.rcpt = NULL;
	script.data_end = "451 4.7.1 try again later\r\n";
	assert_int_equal(smtp_transfer(f, &script, &status, reason,
	    sizeof reason, &cap), SEND_RETRY);
	assert_int_equal(status, 451);
	assert_memory_equal(reason, "SMTP 451", 8);
	free(cap);

	script.data_end = "554 5.7.1 rejected\r\n";
	assert_int_equal(smtp_transfer(f, &script, &status, reason,
	    sizeof reason, &cap), SEND_FAIL);
	assert_int_equal(status, 554);
	free(cap);

	/* STARTTLS required, not offered: nothing is sent in clear */
	f->conf.starttls = true;
	script.data_end = NULL;
	assert_int_equal(smtp_transfer(f, &script, &status, reason,
	    sizeof reason, &cap), SEND_FAIL);
	assert_string_equal(reason, "server does not offer STARTTLS");
	assert_null(strstr(cap, "RCPT"));
	assert_null(strstr(cap, "DATA"));
	free(cap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_table),
		cmocka_unit_test_setup_teardown(test_open_secrets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_webhook_prepare, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wecom_prepare, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dingtalk_prepare, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_feishu_prepare, setup,
		    teardown),
		cmocka_unit_test(test_classify_http),
		cmocka_unit_test(test_classify_webhook),
		cmocka_unit_test(test_classify_wecom),
		cmocka_unit_test(test_classify_dingtalk),
		cmocka_unit_test(test_classify_feishu),
		cmocka_unit_test(test_classify_smtp),
		cmocka_unit_test_setup_teardown(test_smtp_prepare, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_smtp_message_id_stable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_smtp_subject_split, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_smtp_prepare_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stdout_deliver, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_http_transfer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_http_transfer_errors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_smtp_transfer, setup,
		    teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
