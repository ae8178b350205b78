#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"

#define FOLLOW_MAX_READ (1024 * 1024)

struct sbfs_follow {
        struct sbfs_follow *next, *prev; /* every open follow file (follow_lock), for poll */
        struct sbfs_container *ct;
        int fd;
        off_t pos; /* where the last answered read ended, for poll */
        struct fuse_pollhandle *ph; /* follow_lock */
};

struct parked {
        struct parked *next, *prev;
        fuse_req_t req;
        struct sbfs_follow *f;
        off_t off;
        size_t size;
};

/* Lock order: follow_lock, then sbfs_lock. fuse_req_interrupt_func is never called with
 * follow_lock held, because it may call on_interrupt at once. */
static pthread_mutex_t follow_lock = PTHREAD_MUTEX_INITIALIZER;
static struct parked *parked_head;
static size_t n_parked;
static struct sbfs_follow *open_head;

static void unlink_parked(struct parked *p)
{
        if (p->prev)
                p->prev->next = p->next;
        else
                parked_head = p->next;
        if (p->next)
                p->next->prev = p->prev;
        n_parked--;
}

static bool ended(const struct sbfs_container *ct)
{
        pthread_mutex_lock(&sbfs_lock);
        bool e = !ct->live || ct->rec.state == MD_STATE_EXITED;
        pthread_mutex_unlock(&sbfs_lock);
        return e;
}

struct sbfs_follow *sbfs_follow_new(struct sbfs_container *ct, int fd)
{
        struct sbfs_follow *f = calloc(1, sizeof *f);
        if (!f)
                return NULL;
        f->ct = ct;
        f->fd = fd;
        pthread_mutex_lock(&follow_lock);
        f->next = open_head;
        if (open_head)
                open_head->prev = f;
        open_head = f;
        pthread_mutex_unlock(&follow_lock);
        pthread_mutex_lock(&sbfs_lock);
        sbfs_ct_ref(ct);
        pthread_mutex_unlock(&sbfs_lock);
        return f;
}

/* Answers req when there is something to answer. Returns true when it did. The exit state is
 * read before the data, so bytes written just before the exit record are never cut off. */
static bool try_answer(fuse_req_t req, struct sbfs_follow *f, off_t off, size_t size)
{
        bool done = ended(f->ct);
        struct stat st;
        /* nothing new (the usual case for a wake-up): no buffer, no read */
        if (!done && fstat(f->fd, &st) == 0 && st.st_size <= off)
                return false;
        if (size > FOLLOW_MAX_READ)
                size = FOLLOW_MAX_READ;
        char *buf = malloc(size ? size : 1);
        if (!buf) {
                fuse_reply_err(req, ENOMEM);
                return true;
        }
        ssize_t n;
        do
                n = pread(f->fd, buf, size, off);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
                fuse_reply_err(req, errno);
        } else if (n > 0 || done) {
                f->pos = off + n;
                fuse_reply_buf(req, buf, (size_t)n);
        } else {
                free(buf);
                return false;
        }
        free(buf);
        return true;
}

static void on_interrupt(fuse_req_t req, void *data)
{
        struct parked *p = data;
        pthread_mutex_lock(&follow_lock);
        for (struct parked *q = parked_head; q; q = q->next)
                if (q == p && q->req == req) {
                        unlink_parked(q);
                        fuse_reply_err(req, EINTR);
                        free(q);
                        break;
                }
        pthread_mutex_unlock(&follow_lock);
}

void sbfs_follow_read(fuse_req_t req, struct sbfs_follow *f, size_t size, off_t off)
{
        if (try_answer(req, f, off, size))
                return;
        struct parked *p = calloc(1, sizeof *p);
        if (!p) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        p->req = req;
        p->f = f;
        p->off = off;
        p->size = size;
        /* registered before the read is parked: an interrupt that comes now finds nothing to
         * answer, and the check below answers it instead */
        fuse_req_interrupt_func(req, on_interrupt, p);
        pthread_mutex_lock(&follow_lock);
        p->next = parked_head;
        if (parked_head)
                parked_head->prev = p;
        parked_head = p;
        n_parked++;
        /* the data may have come between try_answer and now: look again, parked */
        if (try_answer(req, f, off, size)) {
                unlink_parked(p);
                free(p);
        } else if (fuse_req_interrupted(req)) {
                unlink_parked(p);
                fuse_reply_err(req, EINTR);
                free(p);
        }
        pthread_mutex_unlock(&follow_lock);
}

static bool readable(struct sbfs_follow *f)
{
        bool done = ended(f->ct);
        struct stat st;
        return done || (fstat(f->fd, &st) == 0 && st.st_size > f->pos);
}

void sbfs_follow_poll(fuse_req_t req, struct sbfs_follow *f, struct fuse_pollhandle *ph)
{
        pthread_mutex_lock(&follow_lock);
        if (ph) {
                if (f->ph)
                        fuse_pollhandle_destroy(f->ph);
                f->ph = ph;
        }
        bool r = readable(f);
        if (r && f->ph) {
                fuse_pollhandle_destroy(f->ph);
                f->ph = NULL;
        }
        pthread_mutex_unlock(&follow_lock);
        fuse_reply_poll(req, r ? POLLIN | POLLRDNORM : 0);
}

void sbfs_follow_release(struct sbfs_follow *f)
{
        pthread_mutex_lock(&follow_lock);
        struct parked *p = parked_head;
        while (p) {
                struct parked *next = p->next;
                if (p->f == f) { /* the kernel holds the file while a read runs: not expected */
                        unlink_parked(p);
                        fuse_reply_err(p->req, EIO);
                        free(p);
                }
                p = next;
        }
        if (f->ph)
                fuse_pollhandle_destroy(f->ph);
        if (f->prev)
                f->prev->next = f->next;
        else
                open_head = f->next;
        if (f->next)
                f->next->prev = f->prev;
        pthread_mutex_unlock(&follow_lock);
        close(f->fd);
        pthread_mutex_lock(&sbfs_lock);
        sbfs_ct_unref(f->ct);
        pthread_mutex_unlock(&sbfs_lock);
        free(f);
}

void sbfs_follow_wake(void)
{
        pthread_mutex_lock(&follow_lock);
        struct parked *p = parked_head;
        while (p) {
                struct parked *next = p->next;
                if (try_answer(p->req, p->f, p->off, p->size)) {
                        unlink_parked(p);
                        free(p);
                }
                p = next;
        }
        for (struct sbfs_follow *f = open_head; f; f = f->next)
                if (f->ph && readable(f)) {
                        fuse_lowlevel_notify_poll(f->ph);
                        fuse_pollhandle_destroy(f->ph);
                        f->ph = NULL;
                }
        pthread_mutex_unlock(&follow_lock);
}

void sbfs_follow_shutdown(void)
{
        pthread_mutex_lock(&follow_lock);
        while (parked_head) {
                struct parked *p = parked_head;
                unlink_parked(p);
                fuse_reply_err(p->req, EINTR);
                free(p);
        }
        pthread_mutex_unlock(&follow_lock);
}

size_t sbfs_follow_parked(void)
{
        pthread_mutex_lock(&follow_lock);
        size_t n = n_parked;
        pthread_mutex_unlock(&follow_lock);
        return n;
}
