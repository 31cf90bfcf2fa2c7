/*
 * common/format.h - printf-style formatting shared by the hypervisor and
 * the guest library (lab 1).  Supports %d %i %u %x %X %p %s %c %%, the
 * flags '-', '0' and '#', a field width, and the length modifiers l and ll.
 */
#ifndef COMMON_FORMAT_H
#define COMMON_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* COMMON_FORMAT_H */
