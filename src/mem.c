/* mem.c -- hints to the kernel about large arrays. */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* Set for the run again, with the caller's own GLIBC_TUNABLES ("" when it had none): the
 * second start restores that, so no process is run again twice and children started later
 * (a credential_process) get the environment the user gave. */
#define AGAIN_VAR "CONNECT_DUPES_TUNABLES_WAS"

static const char *mem_malloc_huge_pages_once(char **argv)
{
	static const char want[] = "glibc.malloc.hugetlb=1";
	const char *was = getenv(AGAIN_VAR);
	if (was) {
		/* the second start: glibc has read the tunables; put the user's back */
		if (*was)
			setenv("GLIBC_TUNABLES", was, 1);
		else
			unsetenv("GLIBC_TUNABLES");
		unsetenv(AGAIN_VAR);
		return "malloc huge pages: on (GLIBC_TUNABLES)";
	}
	const char *cur = getenv("GLIBC_TUNABLES");
	if (getenv("CONNECT_DUPES_NO_HUGEPAGES"))
		return "malloc huge pages: off (CONNECT_DUPES_NO_HUGEPAGES)";
	if (cur && strstr(cur, "glibc.malloc.hugetlb"))
		return strstr(cur, want) ? "malloc huge pages: on (GLIBC_TUNABLES)"
					 : "malloc huge pages: as GLIBC_TUNABLES sets them";
	if (getauxval(AT_SECURE))
		return "malloc huge pages: off (secure execution ignores GLIBC_TUNABLES)";
	/* started through the dynamic loader (ld-linux.so ./connect-dupes): /proc/self/exe is
	 * the loader, which would not know what to run */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return "malloc huge pages: off (no /proc/self/exe)";
	exe[n] = 0;
	const char *base = strrchr(exe, '/');
	if (strncmp(base ? base + 1 : exe, "ld-", 3) == 0)
		return "malloc huge pages: off (started through the dynamic loader)";
	size_t cap = (cur ? strlen(cur) + 1 : 0) + sizeof want;
	char *val = malloc(cap);
	if (!val)
		return "malloc huge pages: off (out of memory)";
	snprintf(val, cap, "%s%s%s", cur && *cur ? cur : "", cur && *cur ? ":" : "", want);
	if (setenv(AGAIN_VAR, cur ? cur : "", 1) == 0 && setenv("GLIBC_TUNABLES", val, 1) == 0)
		execv(exe, argv);
	/* still here: the exec failed; run on without, and leave the environment as it was */
	if (cur)
		setenv("GLIBC_TUNABLES", cur, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	unsetenv(AGAIN_VAR);
	free(val);
	return "malloc huge pages: off (could not run again with GLIBC_TUNABLES)";
}
