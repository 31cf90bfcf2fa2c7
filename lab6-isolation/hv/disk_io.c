/*
 * hv/disk_io.c - domain 0's stand-in disk controller: hypercall 51,
 * disk_io (lab 6, given; the ABI is public/disk_io.h).
 *
 * The disk is a Multiboot module whose line says role=disk (the grader
 * builds it: tests/disk.mk).  It stays where the boot loader put it, in
 * frames the frame allocator never hands out, and the hypervisor reads
 * and writes it through the direct map.  Only domain 0 may touch it: the
 * point of lab 6 is that every other domain reaches the disk through
 * domain 0's backend, which decides what slice each one sees.
 *
 * The copies go straight between the disk and the guest's buffer with
 * copy_to_guest/copy_from_guest, which survive a bad buffer address
 * (lab 1's exception fixups), so a wrong pointer is -EFAULT, not a panic.
 *
 * Each transfer is counted for the domain that owns the buffer's frame:
 * domain 0's backend reads into, and writes from, a page the frontend
 * granted it, so the count is the I/O done *for* that domU - what the
 * summary's block per domain shows (hv/domain_ctl.c).
 */
#include <hv/domctl.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/multiboot.h>
#include <hv/sched.h>
#include <public/disk_io.h>
#include <public/errno.h>

/* The disk module's bytes in the direct map, and its size in sectors. */
static uint8_t *disk_bytes(unsigned long *nr_sectors)
{
    unsigned int i;

    for (i = 0; i < nr_domains && i < boot_info.nr_modules; i++) {
        const struct boot_module *m = &boot_info.modules[i];

        if (domains[i].role != MODULE_DISK)
            continue;
        if (m->end > DIRECTMAP_SIZE || m->end < m->start)
            return NULL; /* refused at boot: see the module's line */
        *nr_sectors = (m->end - m->start) / DISKIO_SECTOR_SIZE;
        return (uint8_t *)__va(m->start);
    }
    return NULL;
}

/* The domain owning the frame mapped at buf in the current address space,
 * or NULL (no 4 KiB page there, or a frame no domain owns). */
static struct domain *buffer_owner(unsigned long buf)
{
    const l2_pgentry_t *l2 = mfn_to_virt(current->domain->pt_base_mfn);
    l2_pgentry_t l2e = l2[l2_table_offset(buf)];
    l1_pgentry_t l1e;
    struct domain *owner;

    if (!(l2e & _PAGE_PRESENT) || (l2e & _PAGE_PSE) || PTE_MFN(l2e) >= max_page)
        return NULL;
    l1e = ((const l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)))[l1_table_offset(buf)];
    if (!(l1e & _PAGE_PRESENT) || PTE_MFN(l1e) >= max_page)
        return NULL;
    owner = page_get_owner(mfn_to_page(PTE_MFN(l1e)));
    return owner >= domains && owner < domains + nr_domains ? owner : NULL;
}

/* Count count sectors moved for the owner of buf's frame (see the top). */
static void account(unsigned long cmd, unsigned long buf, unsigned long count)
{
    struct domain *owner = buffer_owner(buf);

    if (!owner)
        return;
    if (cmd == DISKIO_read)
        domctl_info[owner->domain_id].io_read += count;
    else
        domctl_info[owner->domain_id].io_written += count;
}

static long do_disk_io(unsigned long cmd, unsigned long sector,
                       unsigned long count, unsigned long buf)
{
    unsigned long nr_sectors = 0;
    uint8_t *disk;
    size_t len;

    unsigned int id = current->domain->domain_id;

    if (!current->domain->is_privileged) {
        printk("d%u: disk_io refused: only domain 0 may use the disk; "
               "others ask its block backend\n",
               id);
        return -EPERM; /* only domain 0 drives the device */
    }
    disk = disk_bytes(&nr_sectors);
    if (!disk) {
        printk("d%u: disk_io: there is no disk (no module says role=disk)\n", id);
        return -ENOENT;
    }
    if (cmd == DISKIO_size)
        return (long)nr_sectors;
    if (cmd != DISKIO_read && cmd != DISKIO_write) {
        printk("d%u: disk_io command %lu refused: expected read (%u), write (%u) "
               "or size (%u)\n",
               id, cmd, DISKIO_read, DISKIO_write, DISKIO_size);
        return -EINVAL;
    }
    if (count == 0 || count > DISKIO_MAX_SECTORS) {
        printk("d%u: disk_io count %lu refused: expected 1..%u sectors\n", id,
               count, DISKIO_MAX_SECTORS);
        return -EINVAL;
    }
    /* Written so that it cannot overflow: sector + count might. */
    if (sector >= nr_sectors || count > nr_sectors - sector) {
        printk("d%u: disk_io sectors %lu..%lu refused: the disk has %lu\n", id,
               sector, sector + count - 1, nr_sectors);
        return -ERANGE;
    }
    disk += sector * DISKIO_SECTOR_SIZE;
    len = count * DISKIO_SECTOR_SIZE;
    if (cmd == DISKIO_read ? copy_to_guest(buf, disk, len) : copy_from_guest(disk, buf, len))
        return -EFAULT;
    account(cmd, buf, count);
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_disk_io, do_disk_io);
