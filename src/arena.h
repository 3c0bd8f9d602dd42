/* arena.h -- bump allocator for many small strings that die together. */
#ifndef CD_ARENA_H
#define CD_ARENA_H

#include <stddef.h>

/* Blocks of 1 MiB (or larger for a larger request); freed all at once by arena_free. */
struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies n bytes and a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Hands a memory mapping to the arena, which unmaps it in arena_free (strings borrowed from a
 * mapped input file live exactly as long as the strings copied into the arena). 0, or -1 when
 * out of memory (the caller keeps the mapping then). */
int arena_adopt_map(struct arena *a, void *addr, size_t len);
/* Hands the pages wholly inside [from, to) back to the kernel when the range lies in one of
 * the adopted mappings (read-only file mappings: a page touched again comes back from the
 * file); does nothing otherwise, so it is safe to call on any text the arena serves. */
void arena_release_mapped(const struct arena *a, const char *from, const char *to);
/* Bytes handed out so far (for memory figures). */
size_t arena_used(const struct arena *a);

#endif
