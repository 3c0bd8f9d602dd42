/* banned.h -- turns unsafe libc string functions into compile errors (force-included by the Makefile). */
#ifndef CD_BANNED_H
#define CD_BANNED_H

/* Every call to one of these has been a buffer overflow somewhere. Use snprintf, buf_*, memcpy
 * with an explicit length, or strtok_r. System headers are parsed before the macros apply. */
#include <string.h>
#include <stdio.h>

#define CD_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) CD_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CD_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) CD_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) CD_BANNED(strncat)
#undef sprintf
#define sprintf(...) CD_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CD_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CD_BANNED(strtok)
#undef gets
#define gets(x) CD_BANNED(gets)

#endif
