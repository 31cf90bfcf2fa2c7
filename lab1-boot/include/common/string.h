/*
 * common/string.h - memory and string helpers shared by the hypervisor and
 * the guest library (lab 1).  Freestanding code has no libc.
 */
#ifndef COMMON_STRING_H
#define COMMON_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always terminate (BSD strlcpy). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parse an unsigned number: decimal, or hex with 0x; *end after it. */
unsigned long strtoul(const char *s, char **end, int base);
/* "4M", "512K", "1G", "4096": bytes, or -1 (not a size, or above 1 TiB). */
long long parse_size(const char *s);
/*
 * In a command line of space-separated words `key` or `key=value`, find
 * key and copy its value ("" for a bare key) into value[size], cut to
 * fit.  Returns value, or NULL when key is absent.
 */
const char *option_value(const char *line, const char *key, char *value, size_t size);

#endif /* COMMON_STRING_H */
