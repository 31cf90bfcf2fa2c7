/*
 * public/disk_io.h - domain 0's disk, hypercall 51 (lab 6, given).
 *
 * In Xen, domain 0 drives the real disk controller with its own Linux
 * driver, and its block backend serves every other domain from it.
 * Parakeet's machine has no disk controller a teaching kernel could
 * drive in an afternoon, so the hypervisor offers domain 0 a stand-in:
 * the disk image is a Multiboot module (role=disk on its line), and this
 * hypercall reads and writes its 512-byte sectors.  Only domain 0 may
 * use it; every other domain gets -EPERM and must ask domain 0's backend
 * (the split driver, public/io/blkif.h) - exactly as in Xen, where only
 * the driver domain can reach the device.
 *
 * The hypercall: disk_io(cmd, sector, count, buf) (51, Parakeet's: the
 * architecture range 48-55 - test_report 48, debug_virq 49, page_info
 * 50):
 *   DISKIO_size   result: the disk's size in sectors (0: no disk)
 *   DISKIO_read   copy sectors sector..sector+count-1 to guest address buf
 *   DISKIO_write  copy them from buf to the disk
 * count is 1 .. DISKIO_MAX_SECTORS (one page).  The result is 0 (for
 * DISKIO_size, the size), or -EPERM (not domain 0), -ENOENT (no module
 * has role=disk), -EINVAL (bad cmd or count), -ERANGE (a sector beyond
 * the disk), -EFAULT (buf not readable or writable by the guest).
 */
#ifndef PUBLIC_DISK_IO_H
#define PUBLIC_DISK_IO_H

#define __HYPERVISOR_disk_io 51

#define DISKIO_read 0
#define DISKIO_write 1
#define DISKIO_size 2

#define DISKIO_SECTOR_SIZE 512
#define DISKIO_MAX_SECTORS 8 /* one 4 KiB page per call */

#endif /* PUBLIC_DISK_IO_H */
