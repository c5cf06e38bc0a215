/* work.c: the blocking-work pool. Jobs are small heap nodes in a FIFO;
 * stopping drains the queue first, so no suspended request is left
 * waiting for a job that never runs. */
#include <pthread.h>
#include <stdlib.h>
#include "work.h"

typedef struct work_job {
	struct work_job *next;
	work_fn fn;
	void *arg;
} work_job;

struct work {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	work_job *head, *tail;
	pthread_t *th;
	unsigned n;
	int stopping;
};

static void *work_main(void *arg)
{
	work *w = arg;
	work_job *j;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		j = w->head;
		if (j != NULL) {
			w->head = j->next;
			if (w->head == NULL)
				w->tail = NULL;
		}
		pthread_mutex_unlock(&w->mu);
		if (j == NULL)
			return NULL; /* stopping and drained */
		j->fn(j->arg);
		free(j);
	}
}

st_t work_new(unsigned n, work **out)
{
	work *w;
	unsigned i;

	*out = NULL;
	if (n == 0 || n > 64)
		return ST_INTERNAL;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return ST_NOMEM;
	w->th = calloc(n, sizeof *w->th);
	if (w->th == NULL || pthread_mutex_init(&w->mu, NULL) != 0) {
		free(w->th);
		free(w);
		return ST_NOMEM;
	}
	pthread_cond_init(&w->cv, NULL);
	for (i = 0; i < n; i++) {
		if (pthread_create(&w->th[i], NULL, work_main, w) != 0)
			break;
		w->n++;
	}
	if (w->n != n) {
		work_free(w);
		return ST_NOMEM;
	}
	*out = w;
	return ST_OK;
}

void work_submit(work *w, work_fn fn, void *arg)
{
	work_job *j = w != NULL ? malloc(sizeof *j) : NULL;

	if (j != NULL) {
		j->next = NULL;
		j->fn = fn;
		j->arg = arg;
		pthread_mutex_lock(&w->mu);
		if (!w->stopping) {
			if (w->tail != NULL)
				w->tail->next = j;
			else
				w->head = j;
			w->tail = j;
			pthread_cond_signal(&w->cv);
			j = NULL;
		}
		pthread_mutex_unlock(&w->mu);
		if (j == NULL)
			return;
		free(j);
	}
	/* No pool, no memory, or stopping: do it here. */
	fn(arg);
}

void work_stop(work *w)
{
	unsigned i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->n; i++)
		pthread_join(w->th[i], NULL);
	w->n = 0;
}

void work_free(work *w)
{
	if (w == NULL)
		return;
	work_stop(w);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->th);
	free(w);
}
