/*
 * Reminders: the rows of the outbox.  A reminder is one message due to one
 * office on one channel at one instant, about one item (a task, or one
 * milestone of a case).  Rows are planned ahead as absolute times (plan.c),
 * claimed when due (schedule.c), sent (dispatch.c) and never rewritten once
 * sent.
 *
 *   pending --claim--> sending --> sent
 *                              \-> retry --claim--> sending ...
 *                              \-> failed
 *   pending/retry --replan or close--> cancelled
 */
#ifndef DUBAN_REMINDER_H
#define DUBAN_REMINDER_H

#include <stdint.h>

enum item_type {
	ITEM_TASK,
	ITEM_CASE,
};

enum reminder_kind {
	RK_BEFORE,	/* upcoming: N working days before the deadline */
	RK_DUE,		/* due today */
	RK_OVERDUE,	/* repeated while overdue */
	RK_ESCALATION,	/* overdue past escalate_after: to the supervisor */
	/*
	 * To admin_office: a year the item's calendar does not cover (the
	 * item is the first affected one).  Planned with that item, so it is
	 * before RK_FAILURE, which stays the last kind.
	 */
	RK_NOTICE,
	RK_FAILURE,	/* a reminder could not be delivered: to the supervisor */
};

enum reminder_state {
	RS_PENDING,
	RS_SENDING,
	RS_SENT,
	RS_RETRY,
	RS_FAILED,
	RS_CANCELLED,
};

struct reminder {
	int64_t			 id;
	enum item_type		 item_type;
	int64_t			 item_id;	/* tasks.id or cases.id */
	char			*milestone;	/* case milestone; NULL for tasks */
	char			*office;	/* the recipient */
	char			*channel;
	enum reminder_kind	 kind;
	int64_t			 due_at;	/* when it is meant to go (UTC s) */
	int64_t			 deadline_at;	/* the item's deadline when planned */
	enum reminder_state	 state;
	int64_t			 next_at;	/* pending: due_at; retry: next try */
	int			 attempts;
	int64_t			 about;		/* RK_FAILURE: the reminder that failed; 0 */
	int64_t			 created_at;
	int64_t			 updated_at;
};

/* One delivery attempt, as logged in the attempts table. */
struct attempt {
	int64_t		 reminder_id;
	int64_t		 started_at;	/* UTC ms */
	int64_t		 duration_ms;
	const char	*result;	/* "sent", "retry", "failed" */
	long		 status;	/* HTTP status or SMTP code; 0: none */
	const char	*excerpt;	/* response excerpt or error, <= 500 bytes */
};

const char *item_type_str(enum item_type);
int item_type_parse(const char *, enum item_type *);
const char *reminder_kind_str(enum reminder_kind);
int reminder_kind_parse(const char *, enum reminder_kind *);
const char *reminder_state_str(enum reminder_state);
int reminder_state_parse(const char *, enum reminder_state *);
void reminder_clear(struct reminder *);		/* frees the strings */
void reminders_free(struct reminder *, size_t n);

#endif
