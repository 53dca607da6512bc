/*
 * The dispatcher: sends rendered messages with libcurl's multi interface
 * driven by the libevent loop (curl_multi_socket_action with socket and
 * timer callbacks, as curl's hiperfifo example does).  Bounded concurrency
 * (max_inflight), a token bucket per channel (rate_per_minute), connect and
 * total timeouts, and retries with exponential backoff and jitter until
 * retry_max_age after the reminder was due; then failed, and a delivery-
 * failure notice to the office's supervisor.  Every attempt is recorded.
 */
#ifndef DUBAN_DISPATCH_H
#define DUBAN_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct duban;
struct dispatch;
struct message;
struct reminder;

struct dispatch *dispatch_new(struct duban *, char *err, size_t errlen);
void dispatch_free(struct dispatch *);
/*
 * Re-reads the channels (secrets) of a new config; channels in flight
 * finish on the old one.  0, or -1 with err (the old channels stay).
 */
int dispatch_reload(struct dispatch *, const struct config *, char *err,
    size_t errlen);
/*
 * Sends msg to office rows[0].office on channel rows[0].channel; rows (all
 * in state sending, same office and channel) are the reminders it carries:
 * one, or several for a digest.  Takes ownership of rows and msg.  When the
 * attempt ends every row is finished in the store (sent, retry or failed)
 * and schedule_kick() is called.  rows is freed with reminders_free(), msg
 * with message_free() and free(): both must be malloc'd.  A local channel
 * (stdout) delivers at once, so its rows are finished (and schedule_kick()
 * called) before dispatch_submit returns.
 */
void dispatch_submit(struct dispatch *, struct reminder *rows, size_t n,
    struct message *msg);
/* Whether more may be submitted now (in flight + queued < max_inflight). */
bool dispatch_has_room(const struct dispatch *);
/* How many more may be submitted before the dispatcher is full. */
size_t dispatch_room(const struct dispatch *);
size_t dispatch_inflight(const struct dispatch *);
/* Messages waiting for room or for their channel's rate limit. */
size_t dispatch_queued(const struct dispatch *);

#endif
