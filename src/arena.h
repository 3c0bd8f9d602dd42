/* arena.h -- bump allocator for many small strings that die together. */
#ifndef CD_ARENA_H
#define CD_ARENA_H

#include <stddef.h>

/* Blocks of 8 MiB (or larger for a larger request); freed all at once by arena_free. */
struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies n bytes and a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
#endif
