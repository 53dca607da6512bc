/*
 * For the targets whose code under test reads a file: the input as an
 * anonymous in-memory file, named by its /proc/self/fd path, so that no
 * scratch directory is left behind however the run ends.
 */
#ifndef DUBAN_FUZZ_FILE_H
#define DUBAN_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The file's descriptor (close it when done) with its path in path. */
static inline int
fuzz_file(const char *name, const uint8_t *data, size_t size, char *path,
    size_t pathlen)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create(name, 0)) == -1)
		abort();
	while (off < size) {
		if ((n = write(fd, data + off, size - off)) <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
