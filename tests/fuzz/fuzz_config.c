/*
 * libFuzzer target: the whole configuration check (config_load) on the
 * input as a config file: libconfuse's reading, the comment stripping,
 * every option's validation and the cross-references.
 */
#include <stdint.h>
#include <unistd.h>

#include "config.h"
#include "errors.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errors errs;
	struct config *conf;
	char path[64];
	int fd;

	fd = fuzz_file("duban.conf", data, size, path, sizeof path);
	errors_init(&errs);
	conf = config_load(path, &errs);
	/* A config comes back exactly when nothing was wrong. */
	if ((conf != NULL) != (errs.n == 0))
		abort();
	config_free(conf);
	errors_free(&errs);
	close(fd);
	return 0;
}
