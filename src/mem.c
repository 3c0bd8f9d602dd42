/* mem.c -- hints to the kernel about large arrays. */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

void mem_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	if (!p || n < 2 * HUGE_PAGE)
		return;
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a hint: an error changes nothing */
#else
	(void)p;
	(void)n;
#endif
}

static const char *mem_malloc_huge_pages_once(char **argv);
static const char *huge_note = "malloc huge pages: not asked";

const char *mem_malloc_huge_pages_note(void)
{
	return huge_note;
}

const char *mem_malloc_huge_pages(char **argv)
{
	huge_note = mem_malloc_huge_pages_once(argv);
	return huge_note;
}

static const char *mem_malloc_huge_pages_once(char **argv)
{
	static const char want[] = "glibc.malloc.hugetlb=1";
	const char *cur = getenv("GLIBC_TUNABLES");
	if (getenv("CONNECT_DUPES_NO_HUGEPAGES"))
		return "malloc huge pages: off (CONNECT_DUPES_NO_HUGEPAGES)";
	if (cur && strstr(cur, "glibc.malloc.hugetlb"))
		return strstr(cur, want) ? "malloc huge pages: on (GLIBC_TUNABLES)"
					 : "malloc huge pages: as GLIBC_TUNABLES sets them";
	size_t cap = (cur ? strlen(cur) + 1 : 0) + sizeof want;
	char *val = malloc(cap);
	if (!val)
		return "malloc huge pages: off (out of memory)";
	snprintf(val, cap, "%s%s%s", cur && *cur ? cur : "", cur && *cur ? ":" : "", want);
	if (setenv("GLIBC_TUNABLES", val, 1) == 0)
		execv("/proc/self/exe", argv);
	/* still here: no /proc, or the exec failed; run on without, and leave the environment
	 * as it was */
	if (cur)
		setenv("GLIBC_TUNABLES", cur, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	free(val);
	return "malloc huge pages: off (could not run again with GLIBC_TUNABLES)";
}
