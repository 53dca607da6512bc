/*
 * Brings the store in line with a loaded config: offices put, config tasks
 * synced (added, changed, retired; history kept).  One transaction.
 */
#ifndef DUBAN_SYNC_H
#define DUBAN_SYNC_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct sync_stats;

int sync_config(struct store *, const struct config *, int64_t now,
    struct sync_stats *stats, char *err, size_t errlen);

#endif
