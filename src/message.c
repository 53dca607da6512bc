#include <stdlib.h>

#include "message.h"

void
message_free(struct message *m)
{
	free(m->kind);
	free(m->office);
	free(m->subject);
	free(m->text);
	free(m->markdown);
	free(m->html);
	json_decref(m->data);
	for (size_t i = 0; i < m->nto; i++)
		free(m->to[i]);
	free(m->to);
	m->kind = m->office = m->subject = m->text = m->markdown = NULL;
	m->html = NULL;
	m->data = NULL;
	m->to = NULL;
	m->nto = 0;
}
