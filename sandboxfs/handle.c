#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "follow.h"
#include "handle.h"
#include "util.h"

#define GRACE_MS 5000

static pthread_mutex_t graveyard_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sbfs_handle *graveyard;
static struct sbfs_handle *all_head; /* graveyard_lock */

struct sbfs_handle *sbfs_handle_new(enum sbfs_kind kind)
{
        struct sbfs_handle *h = calloc(1, sizeof *h);
        if (!h)
                return NULL;
        h->kind = kind;
        h->fd = -1;
        pthread_mutex_lock(&graveyard_lock);
        h->all_next = all_head;
        if (all_head)
                all_head->all_prev = h;
        all_head = h;
        pthread_mutex_unlock(&graveyard_lock);
        return h;
}

void sbfs_handle_destroy(struct sbfs_handle *h)
{
        if (!h)
                return;
        pthread_mutex_lock(&graveyard_lock);
        if (h->all_prev)
                h->all_prev->all_next = h->all_next;
        else
                all_head = h->all_next;
        if (h->all_next)
                h->all_next->all_prev = h->all_prev;
        pthread_mutex_unlock(&graveyard_lock);
        if (h->follow)
                sbfs_follow_release(h->follow); /* answers a read parked after the release */
        if (h->dp)
                closedir(h->dp);
        if (h->fd >= 0)
                close(h->fd);
        free(h->text);
        free(h);
}

struct sbfs_handle *sbfs_handle_get(uint64_t fh)
{
        struct sbfs_handle *h = (struct sbfs_handle *)(uintptr_t)fh;
        __atomic_add_fetch(&h->busy, 1, __ATOMIC_ACQ_REL);
        return h;
}

void sbfs_handle_put(struct sbfs_handle *h)
{
        __atomic_sub_fetch(&h->busy, 1, __ATOMIC_ACQ_REL);
}

void sbfs_handle_release(struct sbfs_handle *h)
{
        pthread_mutex_lock(&graveyard_lock);
        h->released_at = md_monotonic_ms();
        h->next = graveyard;
        graveyard = h;
        pthread_mutex_unlock(&graveyard_lock);
}

void sbfs_handle_reap(bool all)
{
        int64_t now = md_monotonic_ms();
        struct sbfs_handle *dead = NULL;
        pthread_mutex_lock(&graveyard_lock);
        for (struct sbfs_handle **pp = &graveyard; *pp;) {
                struct sbfs_handle *h = *pp;
                if (all ||
                    (now - h->released_at >= GRACE_MS && __atomic_load_n(&h->busy, __ATOMIC_ACQUIRE) == 0)) {
                        *pp = h->next;
                        h->next = dead;
                        dead = h;
                } else {
                        pp = &h->next;
                }
        }
        pthread_mutex_unlock(&graveyard_lock);
        while (dead) {
                struct sbfs_handle *next = dead->next;
                sbfs_handle_destroy(dead);
                dead = next;
        }
        if (all) {
                for (;;) { /* still open when the daemon stops: the kernel will never release them */
                        pthread_mutex_lock(&graveyard_lock);
                        struct sbfs_handle *h = all_head;
                        pthread_mutex_unlock(&graveyard_lock);
                        if (!h)
                                break;
                        sbfs_handle_destroy(h);
                }
        }
}
