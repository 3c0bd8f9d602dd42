/* mem.h -- hints to the kernel about large arrays. */
#ifndef CD_MEM_H
#define CD_MEM_H

#include <stddef.h>

/* Asks for transparent huge pages over the 2 MiB-aligned part of [p, p + n) when n is large
 * (the system's THP mode is usually "madvise": nothing is huge unless asked). Filling a
 * 100 MB array then takes 50 page faults instead of 25,000; on a virtual machine each
 * fault is costly. Only a hint: it never fails, and p stays the caller's to free. Call it
 * right after allocating, before the memory is first written. */
void mem_advise_huge(void *p, size_t n);

/* Asks glibc's malloc for transparent huge pages too (the glibc.malloc.hugetlb=1 tunable),
 * which only the environment can set, before the program starts: when it is not set yet,
 * the process runs itself again (execv of /proc/self/exe, same arguments) with it added to
 * GLIBC_TUNABLES, once (a marker variable says it is the second start, which then restores
 * the user's GLIBC_TUNABLES for any child process); not under secure execution (setuid or
 * file capabilities: glibc ignores the tunable there) nor when started through ld.so. A million users' load and matching fault in ~2 GB: 11.7 s -> 9.2 s on the
 * 2-core machine. Does nothing when GLIBC_TUNABLES already names the tunable (the user's
 * choice), when CONNECT_DUPES_NO_HUGEPAGES is set, or when the exec fails (the run goes on
 * as it is). Returns a line for the debug log saying which. */
const char *mem_malloc_huge_pages(char **argv);
/* The line mem_malloc_huge_pages returned in this process (for the run's log). */
const char *mem_malloc_huge_pages_note(void);

#endif
