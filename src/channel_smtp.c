/*
 * E-mail over SMTP with libcurl.  See doc/channels.md.
 *
 * smtps:// is TLS from the first byte.  smtp:// requires STARTTLS unless
 * the channel says starttls = false; a server that does not offer it fails
 * the message ("server does not offer STARTTLS") rather than sending in
 * clear.  With username set, libcurl authenticates with the password read
 * from password_file.  The EHLO name is the URL's path when there is one
 * (smtp://mail.example.gov.cn/duban.example.gov.cn), as libcurl does.
 *
 * The message is built here, so we control every header: From, To (one
 * address a line), an RFC 2047 Subject (UTF-8, base64 encoded words of at
 * most 75 characters, split between characters), Date in the local zone,
 * Message-ID <duban.<reminder id>.<tag>@<domain of from>> (the same on every
 *   attempt: tag = HMAC-SHA256(key = from, msg = id), 8 bytes in hex),
 * MIME-Version, Auto-Submitted: auto-generated (RFC 3834: no vacation
 * replies) and a multipart/alternative body of text/plain and text/html,
 * both UTF-8 with CRLF line ends (the canonical form of text), in base64
 * lines of 76.
 *
 * Outcome: the last SMTP reply decides when it is an error (4xx retried,
 * 5xx failed), since libcurl reports a rejected RCPT or DATA as a send or
 * receive error; otherwise the curl result: network errors and timeouts
 * are retried, a refused login or a missing STARTTLS fail.
 */
#include "channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto.h"
#include "message.h"

/* "=?UTF-8?B?" + base64 of 45 bytes (60) + "?=" = 72 <= 75 (RFC 2047). */
#define EW_MAX_BYTES	45
#define B64_LINE	76

/* Bytes in the UTF-8 sequence starting with c (1 for stray bytes). */
static size_t
utf8_seqlen(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Writes s as RFC 2047 encoded words, each at most EW_MAX_BYTES of s cut
 * between characters, folded one word a line.
 */
static void
put_encoded_words(FILE *out, const char *s)
{
	size_t len = strlen(s), start = 0, end, n;
	char *b64;

	while (start < len) {
		end = start;
		while (end < len) {
			n = utf8_seqlen((unsigned char)s[end]);
			if (end + n > len)
				n = len - end;
			if (end + n - start > EW_MAX_BYTES && end > start)
				break;
			end += n;
		}
		b64 = base64_encode((const unsigned char *)s + start,
		    end - start);
		fprintf(out, "%s=?UTF-8?B?%s?=", start > 0 ? "\r\n " : "",
		    b64);
		free(b64);
		start = end;
	}
}

static void
put_subject(FILE *out, const char *subject)
{
	char *line;

	/* One line: a CR or LF would end the header. */
	if ((line = strdup(subject)) == NULL)
		abort();
	for (char *p = line; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	}
	fputs("Subject: ", out);
	put_encoded_words(out, line);
	fputs("\r\n", out);
	free(line);
}

/* RFC 5322 date-time in the local zone; not strftime, which is localized. */
static void
put_date(FILE *out, int64_t now_ms)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec",
	};
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	fprintf(out, "Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* s with each bare LF made CRLF: text's canonical form (RFC 2045 6.8). */
static char *
crlf_lines(const char *s, size_t *len)
{
	char *out, *p;

	if ((out = malloc(2 * strlen(s) + 1)) == NULL)
		abort();
	for (p = out; *s != '\0'; s++) {
		if (*s == '\n' && (p == out || p[-1] != '\r'))
			*p++ = '\r';
		*p++ = *s;
	}
	*p = '\0';
	*len = (size_t)(p - out);
	return out;
}

static void
put_base64_part(FILE *out, const char *boundary, const char *type,
    const char *content)
{
	size_t len;
	char *text, *b64;

	fprintf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary, type);
	text = crlf_lines(content, &len);
	b64 = base64_encode((const unsigned char *)text, len);
	free(text);
	len = strlen(b64);
	for (size_t i = 0; i < len; i += B64_LINE)
		fprintf(out, "%.*s\r\n", (int)(len - i < B64_LINE ? len - i :
		    B64_LINE), b64 + i);
	free(b64);
}

/* The RFC 5322 message into req->body.  0, or -1 with err. */
static int
build_message(const struct channel *ch, const struct message *msg,
    int64_t now_ms, struct channel_req *req, char *err, size_t errlen)
{
	const char *from = ch->conf->from, *at = strrchr(from, '@');
	unsigned char rnd[8], mac[HMAC_SHA256_LEN];
	char *hex, *tag, boundary[64], id[32];
	FILE *out;

	if (random_bytes(rnd, sizeof rnd) == -1) {
		snprintf(err, errlen, "no random bytes for the MIME boundary");
		return -1;
	}
	hex = hex_encode(rnd, sizeof rnd);
	snprintf(boundary, sizeof boundary, "=_duban_%s", hex);
	/*
	 * The Message-ID is the same on every attempt of a reminder, so a
	 * receiver can drop the copy a retry after a lost reply sends: the
	 * reminder id, and a tag that keeps ids of different senders apart.
	 */
	snprintf(id, sizeof id, "%lld", (long long)msg->id);
	hmac_sha256(from, strlen(from), id, strlen(id), mac);
	tag = hex_encode(mac, sizeof rnd);
	if ((out = open_memstream(&req->body, &req->body_len)) == NULL)
		abort();
	fprintf(out, "From: %s\r\nTo: ", from);
	for (size_t i = 0; i < msg->nto; i++)
		fprintf(out, "%s%s", i > 0 ? ",\r\n " : "", msg->to[i]);
	fputs("\r\n", out);
	put_subject(out, msg->subject);
	put_date(out, now_ms);
	fprintf(out, "Message-ID: <duban.%s.%s@%s>\r\n", id, tag,
	    at != NULL ? at + 1 : "localhost");
	free(tag);
	fprintf(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
	    boundary);
	put_base64_part(out, boundary, "text/plain", msg->text);
	if (msg->html != NULL)
		put_base64_part(out, boundary, "text/html", msg->html);
	fprintf(out, "--%s--\r\n", boundary);
	free(hex);
	if (fclose(out) == EOF)
		abort();
	return 0;
}

static size_t
read_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct channel_req *req = arg;
	size_t n = size * nitems;

	if (n > req->body_len - req->body_off)
		n = req->body_len - req->body_off;
	memcpy(buf, req->body + req->body_off, n);
	req->body_off += n;
	return n;
}

/* Sets the SMTP options on easy.  0, or -1 with err. */
static int
smtp_options(const struct channel *ch, CURL *easy, struct channel_req *req,
    const char *mail_from, char *err, size_t errlen)
{
	const struct channel_conf *conf = ch->conf;
	bool implicit_tls = strncasecmp(conf->url, "smtps://", 8) == 0;
	CURLcode rc;

#if LIBCURL_VERSION_NUM >= 0x075500
	rc = curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	rc = curl_easy_setopt(easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_URL, req->url);
	if (rc == CURLE_OK && !implicit_tls)
		rc = curl_easy_setopt(easy, CURLOPT_USE_SSL, conf->starttls ?
		    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (rc == CURLE_OK && conf->username != NULL) {
		rc = curl_easy_setopt(easy, CURLOPT_USERNAME, conf->username);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(easy, CURLOPT_PASSWORD,
			    ch->password);
	}
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_MAIL_FROM, mail_from);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, req->rcpt);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_READDATA, req);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)req->body_len);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	if (rc == CURLE_OK && conf->ca_file != NULL)
		rc = curl_easy_setopt(easy, CURLOPT_CAINFO, conf->ca_file);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static int
smtp_prepare(const struct channel *ch, const struct message *msg,
    int64_t now_ms, CURL *easy, struct channel_req *req, char *err,
    size_t errlen)
{
	const struct channel_conf *conf = ch->conf;
	struct curl_slist *l;
	char *addr;
	int rc;

	if (strncasecmp(conf->url, "smtp://", 7) != 0 &&
	    strncasecmp(conf->url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "an smtp channel needs an smtp:// or "
		    "smtps:// URL");
		return -1;
	}
	if (msg->nto == 0) {
		snprintf(err, errlen, "office \"%s\" has no e-mail address "
		    "(email in its office block)", msg->office);
		return -1;
	}
	if (conf->username != NULL && ch->password == NULL) {
		snprintf(err, errlen, "username is set but no password was "
		    "read (password_file)");
		return -1;
	}
	if (msg->subject == NULL || msg->text == NULL) {
		snprintf(err, errlen, "the message has no subject or text");
		return -1;
	}
	for (size_t i = 0; i < msg->nto; i++) {
		if (asprintf(&addr, "<%s>", msg->to[i]) == -1)
			abort();
		if ((l = curl_slist_append(req->rcpt, addr)) == NULL)
			abort();
		req->rcpt = l;
		free(addr);
	}
	if ((req->url = strdup(conf->url)) == NULL)
		abort();
	if (build_message(ch, msg, now_ms, req, err, errlen) == -1)
		return -1;
	req->body_off = 0;
	if (asprintf(&addr, "<%s>", conf->from) == -1)
		abort();
	/* libcurl copies string options. */
	rc = smtp_options(ch, easy, req, addr, err, errlen);
	free(addr);
	return rc;
}

static enum send_result
smtp_classify(const struct channel *ch, CURLcode code, long status,
    const char *body, size_t len, char *reason, size_t reasonlen)
{
	(void)ch;
	(void)body;
	(void)len;
	/* A rejection's reply code wins over the error libcurl made of it. */
	if (status >= 400 && status < 600) {
		if (code != CURLE_OK)
			snprintf(reason, reasonlen, "SMTP %ld (%s)", status,
			    curl_easy_strerror(code));
		else
			snprintf(reason, reasonlen, "SMTP %ld", status);
		return status < 500 ? SEND_RETRY : SEND_FAIL;
	}
	if (code == CURLE_OK) {
		snprintf(reason, reasonlen, "SMTP %ld", status);
		return SEND_OK;
	}
	if (code == CURLE_USE_SSL_FAILED) {
		snprintf(reason, reasonlen, "server does not offer STARTTLS");
		return SEND_FAIL;
	}
	snprintf(reason, reasonlen, "%s", curl_easy_strerror(code));
	return channel_curl_transient(code) ? SEND_RETRY : SEND_FAIL;
}

const struct channel_ops channel_smtp_ops = {
	.type = CHANNEL_SMTP,
	.name = "smtp",
	.prepare = smtp_prepare,
	.classify = smtp_classify,
};
