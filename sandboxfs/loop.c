/* The session loop: libfuse's multi-threaded loop, with one change in which thread reads.
 *
 * libfuse lets every idle thread wait in read(2) on /dev/fuse, and the kernel gives each request
 * to the thread that has waited longest. A reader that sends one request at a time (ls -l: a
 * LOOKUP per container, each waiting for the answer to the one before) is then served by each
 * thread in turn, and every request wakes a different, cold thread. With 1000 containers that
 * cost ls -l 2.4-3.4x listing the sandboxes themselves, against 1.5-2.1x with a single thread
 * (bench/fs, alternating runs on one machine).
 *
 * Here one thread at a time reads ("holds the reading"), and it answers what it read itself, so
 * that a sequence of requests stays on one thread. It passes the reading on (to an idle thread,
 * or to one it starts, up to max_threads) before it answers when the answer may wait for the
 * disk (the filesystem's may_wait: file data, folder listings, names in a sandbox), or when more
 * requests are queued already (the kernel's asynchronous RELEASEs and FORGETs, many readers at
 * once): those are answered in parallel, as before. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

/* The start of every request's head (struct fuse_in_header in linux/fuse.h) */
struct request_head {
        uint32_t len;
        uint32_t opcode;
        uint64_t unique;
        uint64_t nodeid;
};

struct loop {
        struct fuse_session *se;
        int fd;
        unsigned max_threads, max_idle;
        sbfs_may_wait_fn *may_wait;
        pthread_mutex_t lock;
        pthread_cond_t turn; /* the reading is free, or the loop stops */
        pthread_cond_t gone; /* a thread ended */
        unsigned threads, idle;
        bool reading; /* a thread holds the reading */
        bool in_read; /* ... and may be blocked in read(2): the one to cancel at the end */
        pthread_t reader;
        bool stop;
        int error;
        sem_t ended; /* the session ended: the calling thread stops the others */
};

struct worker {
        struct loop *l;
        struct fuse_buf buf;
};

static const int taken_signals[] = {SIGTERM, SIGINT, SIGHUP};

static void taken_set(sigset_t *set)
{
        sigemptyset(set);
        for (size_t i = 0; i < sizeof taken_signals / sizeof *taken_signals; i++)
                sigaddset(set, taken_signals[i]);
}

void sbfs_loop_signals(int how)
{
        sigset_t set;
        taken_set(&set);
        pthread_sigmask(how, &set, NULL);
}

/* lock held */
static void end_session(struct loop *l, int error)
{
        if (!l->stop) {
                l->stop = true;
                l->error = error;
                sem_post(&l->ended);
        }
        pthread_cond_broadcast(&l->turn);
}

/* lock held */
static void thread_gone(struct loop *l, struct worker *w)
{
        free(w->buf.mem);
        free(w);
        l->threads--;
        pthread_cond_signal(&l->gone);
}

static void *serve(void *arg);

/* lock held; false when no thread could be started */
static bool start_thread(struct loop *l)
{
        struct worker *w = calloc(1, sizeof *w);
        if (!w)
                return false;
        w->l = l;
        pthread_attr_t attr;
        pthread_t t;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int r = pthread_create(&t, &attr, serve, w);
        pthread_attr_destroy(&attr);
        if (r != 0) {
                free(w);
                return false;
        }
        l->threads++;
        return true;
}

/* lock held: someone else is to read next */
static void pass_reading(struct loop *l)
{
        l->reading = false;
        if (l->idle)
                pthread_cond_signal(&l->turn);
        else if (l->threads < l->max_threads)
                start_thread(l); /* else the first thread that is done takes it */
}

/* The loop stopped while this thread waited in read(2) (cancelled: the only point where a
 * thread may be). */
static void cancelled_in_read(void *arg)
{
        struct worker *w = arg;
        struct loop *l = w->l;
        pthread_mutex_lock(&l->lock);
        l->in_read = false;
        l->reading = false;
        thread_gone(l, w);
        pthread_mutex_unlock(&l->lock);
}

static int receive(struct worker *w)
{
        int res, ignored;
        pthread_cleanup_push(cancelled_in_read, w);
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &ignored);
        res = fuse_session_receive_buf(w->l->se, &w->buf);
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &ignored);
        pthread_cleanup_pop(0);
        return res;
}

/* Whether answering may wait for the disk (a request spliced into a pipe cannot be looked at:
 * it may). */
static bool answer_may_wait(const struct loop *l, const struct fuse_buf *buf, size_t len)
{
        if ((buf->flags & FUSE_BUF_IS_FD) || len < sizeof(struct request_head))
                return true;
        const struct request_head *head = buf->mem;
        return l->may_wait(head->opcode, head->nodeid);
}

static bool more_queued(int fd)
{
        struct pollfd p = {.fd = fd, .events = POLLIN};
        return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void *serve(void *arg)
{
        struct worker *w = arg;
        struct loop *l = w->l;
        bool mine = false; /* this thread holds the reading */
        int ignored;
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &ignored);
        pthread_mutex_lock(&l->lock);
        for (;;) {
                while (!mine && !l->stop && l->reading) {
                        if (l->idle >= l->max_idle)
                                goto out; /* enough threads wait already */
                        l->idle++;
                        pthread_cond_wait(&l->turn, &l->lock);
                        l->idle--;
                }
                if (l->stop)
                        break;
                mine = true;
                l->reading = true;
                l->reader = pthread_self();
                l->in_read = true;
                pthread_mutex_unlock(&l->lock);
                int res;
                do
                        res = receive(w);
                while (res == -EINTR && !fuse_session_exited(l->se));
                bool pass = res > 0 && (answer_may_wait(l, &w->buf, (size_t)res) || more_queued(l->fd));
                pthread_mutex_lock(&l->lock);
                l->in_read = false;
                if (res <= 0 || fuse_session_exited(l->se)) {
                        l->reading = false;
                        end_session(l, res < 0 && res != -EINTR ? res : 0);
                        break;
                }
                if (pass) {
                        mine = false;
                        pass_reading(l);
                }
                pthread_mutex_unlock(&l->lock);
                fuse_session_process_buf(l->se, &w->buf);
                pthread_mutex_lock(&l->lock);
        }
out:
        if (mine)
                l->reading = false;
        thread_gone(l, w);
        pthread_mutex_unlock(&l->lock);
        return NULL;
}

int sbfs_loop_run(struct fuse_session *se, unsigned max_threads, unsigned max_idle,
                  sbfs_may_wait_fn *may_wait)
{
        struct loop l = {
                .se = se,
                .fd = fuse_session_fd(se),
                .max_threads = max_threads ? max_threads : 1,
                .max_idle = max_idle ? max_idle : 1,
                .may_wait = may_wait,
        };
        pthread_mutex_init(&l.lock, NULL);
        pthread_cond_init(&l.turn, NULL);
        pthread_cond_init(&l.gone, NULL);
        sem_init(&l.ended, 0, 0);

        pthread_mutex_lock(&l.lock);
        bool started = start_thread(&l);
        pthread_mutex_unlock(&l.lock);
        if (started) {
                /* the signals come here, and only here, while the threads serve */
                sbfs_loop_signals(SIG_UNBLOCK);
                while (sem_wait(&l.ended) != 0 && !fuse_session_exited(se)) {
                }
                sbfs_loop_signals(SIG_BLOCK);
        }

        pthread_mutex_lock(&l.lock);
        end_session(&l, started ? 0 : -ENOMEM);
        if (l.in_read)
                pthread_cancel(l.reader);
        while (l.threads)
                pthread_cond_wait(&l.gone, &l.lock);
        int error = l.error;
        pthread_mutex_unlock(&l.lock);

        sem_destroy(&l.ended);
        pthread_cond_destroy(&l.gone);
        pthread_cond_destroy(&l.turn);
        pthread_mutex_destroy(&l.lock);
        fuse_session_reset(se);
        return error ? -1 : 0;
}
