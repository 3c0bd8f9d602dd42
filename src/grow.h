/* grow.h -- the one way to grow an array: capped, overflow-checked, amortised doubling. */
#ifndef CD_GROW_H
#define CD_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

/* Makes room for at least `need` elements of `size` bytes in the array *vp (its capacity *cap,
 * in elements), doubling from 16 so that n appends cost O(n). Never more than `max` elements
 * (STYLE habit 6: every growable buffer has a hard cap): CD_TOOBIG past it, CD_NOMEM when
 * realloc fails or the byte count would overflow; the array and *cap are unchanged then (the
 * caller still owns and frees the old array). Like git's ALLOC_GROW, but the failure is a
 * result, not an exit. `cap` is a size_t. */
static inline enum cd_result grow_array(void *vp, size_t *cap, size_t need, size_t size,
					size_t max)
{
	/* vp points at the caller's T* (any T): read and written with memcpy so that no T* is
	 * accessed through a void* lvalue (strict aliasing). */
	void *old;
	if (need <= *cap)
		return CD_OK;
	if (need > max)
		return CD_TOOBIG;
	size_t nc = *cap < 16 ? 16 : *cap;
	while (nc < need)
		nc = nc > SIZE_MAX / 2 ? need : nc * 2;
	if (nc > max)
		nc = max;
	if (size && nc > SIZE_MAX / size)
		return CD_NOMEM;
	memcpy(&old, vp, sizeof old);
	void *p = realloc(old, nc * size);
	if (!p)
		return CD_NOMEM;
	memcpy(vp, &p, sizeof p);
	*cap = nc;
	return CD_OK;
}

/* ARRAY_GROW(p, n, cap, max): room for n elements in the array p (any element type).
 * An expression of type enum cd_result. */
#define ARRAY_GROW(p, n, cap, max) \
	grow_array(&(p), &(cap), (n), sizeof(*(p)), (max))

/* A cap for arrays that are only bounded by memory (users, pairs): 2^32 elements keeps every
 * index in a uint32_t and is far above the largest Connect instance. */
#define GROW_MAX_ELEMS ((size_t)UINT32_MAX)

#endif
