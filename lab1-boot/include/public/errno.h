/*
 * public/errno.h - error numbers hypercalls return, negated (lab 1).
 * The values are Linux's, as Xen's public errno.h uses them.
 */
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H

#define EPERM 1    /* operation not permitted                  */
#define ENOENT 2   /* no such entry                            */
#define ESRCH 3    /* no such domain                           */
#define EINTR 4    /* interrupted                              */
#define EIO 5      /* I/O error                                */
#define E2BIG 7    /* argument list too long                   */
#define EAGAIN 11  /* try again                                */
#define ENOMEM 12  /* out of memory                            */
#define EACCES 13  /* permission denied                        */
#define EFAULT 14  /* bad address                              */
#define EBUSY 16   /* busy                                     */
#define EEXIST 17  /* exists                                   */
#define EINVAL 22  /* invalid argument                         */
#define ENOSPC 28  /* no space left                            */
#define ERANGE 34  /* out of range                             */
#define ENOSYS 38  /* no such hypercall                        */

#endif /* PUBLIC_ERRNO_H */
