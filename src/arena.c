/* arena.c -- bump allocator for many small strings that die together. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define ARENA_BLOCK (1u << 20)

struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

struct map {
	struct map *next;
	void *addr;
	size_t len;
};

struct arena {
	struct block *head;
	size_t total;
	struct map *maps; /* adopted mappings, unmapped by arena_free */
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct map *m = a->maps, *next; m; m = next) {
		next = m->next;
		munmap(m->addr, m->len);
		free(m);
	}
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
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		/* A big one-off block goes behind the head so the head keeps serving small ones. */
		if (a->head && size > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
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

int arena_adopt_map(struct arena *a, void *addr, size_t len)
{
	struct map *m = malloc(sizeof *m);
	if (!m)
		return -1;
	m->addr = addr;
	m->len = len;
	m->next = a->maps;
	a->maps = m;
	return 0;
}

void arena_release_mapped(const struct arena *a, const char *from, const char *to)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	for (const struct map *m = a->maps; m; m = m->next) {
		const char *lo = m->addr, *hi = lo + m->len;
		if (from < lo || to > hi || to <= from)
			continue;
		uintptr_t f = ((uintptr_t)from + page - 1) & ~(page - 1), t = (uintptr_t)to & ~(page - 1);
		if (t > f)
			(void)madvise((void *)f, t - f, MADV_DONTNEED); /* a hint: an error changes nothing */
		return;
	}
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
