/*
 * hv/list.h - a minimal doubly linked list, the Linux/Xen way (lab 1):
 * the links live inside the structure that is listed.
 */
#ifndef HV_LIST_H
#define HV_LIST_H

#include <stddef.h>

struct list_head {
    struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void INIT_LIST_HEAD(struct list_head *l)
{
    l->next = l->prev = l;
}
static inline int list_empty(const struct list_head *l) { return l->next == l; }
static inline void __list_link(struct list_head *n, struct list_head *prev,
                               struct list_head *next)
{
    next->prev = n;
    n->next = next;
    n->prev = prev;
    prev->next = n;
}
/* Add after head (stack order). */
static inline void list_add(struct list_head *n, struct list_head *head)
{
    __list_link(n, head, head->next);
}
/* Add before head (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
    __list_link(n, head->prev, head);
}
static inline void list_del(struct list_head *e)
{
    e->next->prev = e->prev;
    e->prev->next = e->next;
    e->next = e->prev = e;
}

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr)-offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif /* HV_LIST_H */
