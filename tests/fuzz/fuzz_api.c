/*
 * libFuzzer target: the API's request bodies, through the functions the
 * daemon's handlers call (api_internal.h): api_body_parse (size, JSON,
 * an object), then the route's validation into what would be stored.
 * The first byte picks the route, the rest is the body.  No daemon, no
 * store: the config is loaded once from the text below, and the store's
 * offices are a fixed list.  Acknowledgement links carry their token in
 * the path, not in a body: that route checks ack_verify on the text.
 *
 * Besides no crash, leak or UB: a refusal is a 4xx with a message (a 500
 * would be the out of memory the sanitizers abort on first), 413 only
 * over the size limit, and what is accepted is complete and consistent.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ack.h"
#include "api_internal.h"
#include "clock.h"
#include "config.h"
#include "errors.h"
#include "fuzz_file.h"
#include "store.h"
#include "timelimit.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW		1729648800	/* 2024-10-23T10:00:00+08:00 */
#define FUTURE_SLACK	300		/* as api.c */

static const char conf_text[] =
	"timezone = \"Asia/Shanghai\"\n"
	"calendar \"cn\" {\n"
	"	holidays = {\"2024-10-01..2024-10-07\"}\n"
	"	workdays = {\"2024-09-29\", \"2024-10-12\"}\n"
	"}\n"
	"channel \"console\" {\n"
	"	type = \"stdout\"\n"
	"}\n"
	"office \"局办公室\" {\n"
	"	channels = {\"console\"}\n"
	"}\n"
	"office \"综合处\" {\n"
	"	channels = {\"console\"}\n"
	"	supervisor = \"局办公室\"\n"
	"	aliases = {\"局综合处\"}\n"
	"}\n"
	"group \"机关各处室\" {\n"
	"	members = {\"综合处\", \"局办公室\"}\n"
	"}\n"
	"policy \"standard\" {\n"
	"	before = {\"3 workdays\", \"1 workday\"}\n"
	"	at_deadline = true\n"
	"}\n"
	"rule \"disclosure\" {\n"
	"	limit = \"20 workdays\"\n"
	"	extension = \"20 workdays\"\n"
	"	policy = \"standard\"\n"
	"}\n"
	"rule \"bad-review\" {\n"
	"	milestone \"contact\" {\n"
	"		limit = \"1 workday\"\n"
	"	}\n"
	"	milestone \"rectify\" {\n"
	"		limit = \"5 workdays\"\n"
	"	}\n"
	"	policy = \"standard\"\n"
	"}\n";

enum route {
	R_TASK_ADD,
	R_TASK_DONE,
	R_TASK_REOPEN,
	R_IMPORT,
	R_CASE_OPEN,
	R_CASE_EXTEND,
	R_CASE_PAUSE,
	R_CASE_RESUME,
	R_CASE_CLOSE,
	R_ACK,
	NROUTES
};

/* Set once by LLVMFuzzerInitialize, read only after. */
static struct config *conf;
static char office_name[] = "器审中心";	/* created by an import */
static struct office_row store_offices[] = {
	{ 1, office_name, NULL, NOW, NOW },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct errors errs;
	char err[256], path[64];
	int fd;

	(void)argc;
	(void)argv;
	if (tz_set("Asia/Shanghai", err, sizeof err) == -1)
		abort();
	fd = fuzz_file("duban.conf", (const uint8_t *)conf_text,
	    sizeof conf_text - 1, path, sizeof path);
	errors_init(&errs);
	if ((conf = config_load(path, &errs)) == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "fuzz_api: %s\n", errs.msg[i]);
		abort();
	}
	errors_free(&errs);
	close(fd);
	return 0;
}

static bool
office_known(const char *name, bool group)
{
	return config_office(conf, name) != NULL ||
	    (group && config_group(conf, name) != NULL) ||
	    strcmp(name, office_name) == 0;
}

static void
task_add(const struct api_input *in, json_t *body, struct api_failure *f)
{
	struct task_rec rec;

	if (api_task_input(in, body, &rec, f) == -1)
		return;
	if (rec.title == NULL || rec.lead == NULL || rec.due < 0 ||
	    !office_known(rec.lead, true) ||
	    (rec.policy != NULL && config_policy(conf, rec.policy) == NULL))
		abort();
	for (size_t i = 0; i < rec.nassist; i++)
		if (!office_known(rec.assist[i], true))
			abort();
	free((void *)rec.assist);
	free((void *)rec.responsible);
}

static void
task_mark(const struct api_input *in, json_t *body, bool done,
    struct api_failure *f)
{
	int64_t at;
	bool given;

	if (api_task_mark_input(in, body, done, &at, &given, f) == -1)
		return;
	if (at > NOW + FUTURE_SLACK || (!done && (given || at != 0)) ||
	    (done && !given && at != NOW))
		abort();
}

static void
import(const struct api_input *in, json_t *body, struct api_failure *f)
{
	struct api_import im;
	size_t plen;

	memset(&im, 0, sizeof im);
	if (api_import_input(in, body, &im, f) == 0) {
		plen = strlen(im.plan);
		for (size_t i = 0; i < im.n; i++) {
			/* "plan:number", each once. */
			if (strncmp(im.recs[i].key, im.plan, plen) != 0 ||
			    im.recs[i].key[plen] != ':' ||
			    im.recs[i].title == NULL || im.recs[i].lead == NULL)
				abort();
			for (size_t j = 0; j < i; j++)
				if (strcmp(im.recs[i].key, im.recs[j].key) == 0)
					abort();
		}
	}
	api_import_free(&im);
}

static void
case_open(const struct api_input *in, json_t *body, struct api_failure *f)
{
	struct case_rec rec;
	int64_t opened_at;

	if (api_case_input(in, body, &rec, &opened_at, f) == -1)
		return;
	if (rec.ref == NULL || rec.title == NULL ||
	    config_rule(conf, rec.rule) == NULL ||
	    config_office(conf, rec.office) == NULL ||
	    opened_at > NOW + FUTURE_SLACK)
		abort();
}

static void
case_event(const struct api_input *in, json_t *body, enum tl_event_kind kind,
    struct api_failure *f)
{
	struct tl_event ev;
	const char *note;

	if (api_case_event_input(in, body, kind, &ev, &note, f) == -1)
		return;
	if (ev.kind != kind || ev.at > NOW + FUTURE_SLACK)
		abort();
}

/* The token as the path hands it over: a string without NUL. */
static void
ack(const uint8_t *data, size_t size)
{
	static const unsigned char key[ACK_KEY_LEN] = { 1, 2, 3, 4 };
	char *token, again[256];
	int64_t id;

	if ((token = strndup((const char *)data, size)) == NULL)
		abort();
	if (ack_verify(key, token, &id) == 0 &&
	    (ack_token(key, id, again, sizeof again) == NULL ||
	    ack_verify(key, again, &id) == -1))
		abort();
	free(token);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_input in = { conf, store_offices, 1, NOW };
	struct api_failure f;
	enum route route;
	size_t max;
	json_t *body;

	if (size == 0)
		return 0;
	route = (enum route)(data[0] % NROUTES);
	data++;
	size--;
	if (route == R_ACK) {
		ack(data, size);
		return 0;
	}
	memset(&f, 0, sizeof f);
	max = route == R_IMPORT ? API_IMPORT_BODY_MAX : API_BODY_MAX;
	/* The routes whose body is optional take an empty one as {}. */
	body = api_body_parse(data, size, max, route != R_TASK_ADD &&
	    route != R_IMPORT && route != R_CASE_OPEN, &f);
	if (body != NULL) {
		switch (route) {
		case R_TASK_ADD:
			task_add(&in, body, &f);
			break;
		case R_TASK_DONE:
		case R_TASK_REOPEN:
			task_mark(&in, body, route == R_TASK_DONE, &f);
			break;
		case R_IMPORT:
			import(&in, body, &f);
			break;
		case R_CASE_OPEN:
			case_open(&in, body, &f);
			break;
		case R_CASE_EXTEND:
			case_event(&in, body, TL_EXTENDED, &f);
			break;
		case R_CASE_PAUSE:
			case_event(&in, body, TL_PAUSED, &f);
			break;
		case R_CASE_RESUME:
			case_event(&in, body, TL_RESUMED, &f);
			break;
		case R_CASE_CLOSE:
			case_event(&in, body, TL_CLOSED, &f);
			break;
		case R_ACK:
		case NROUTES:
			abort();
		}
		json_decref(body);
	}
	/* A refusal: 400, 413 (over the limit only) or 422, with words. */
	if (f.code != 0 && ((f.code != 400 && f.code != 413 &&
	    f.code != 422) || f.msg[0] == '\0' ||
	    (f.code == 413) != (size > max)))
		abort();
	return 0;
}
