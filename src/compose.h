/*
 * Composing a message from claimed reminder rows: looks up each row's item
 * (task or case, its rule and extensions), works out the working days left
 * on the item's calendar, signs the acknowledgement link, and renders.
 */
#ifndef DUBAN_COMPOSE_H
#define DUBAN_COMPOSE_H

#include <stddef.h>

struct duban;
struct message;
struct reminder;

/*
 * rows: one office and channel; n > 1 makes a digest (when the caller
 * decided so).  0, or -1 with err.
 */
int compose_message(struct duban *, const struct reminder *rows, size_t n,
    struct message *out, char *err, size_t errlen);

#endif
