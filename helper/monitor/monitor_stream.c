/* A container's two long transfers on the monitor's one curl multi handle (shared by all its
 * containers): the attach stream, whose frames go straight into the output files, and the
 * wait for the next exit. Both are registered before the container starts; their headers
 * arriving is the daemon's word that it has them (it flushes the headers at once for both). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>

#include "json_cleanup.h"
#include "monitor_internal.h"
#include "util.h"

#define ERROR_BODY_MAX 4096
#define WAIT_BODY_MAX 65536
/* curl's read size for the stream: fewer, larger writes to the files (CPU) against memory
 * (each container's buffer is allocated once its stream starts, and stays). */
#define ATTACH_BUFFER 32768L
/* The wait's answer is one short JSON line: curl's smallest buffer. */
#define WAIT_BUFFER 1024L

static size_t header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct monitor_xfer *x = userdata;
        size_t n = size * nmemb;
        if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
                /* A new status line (after a 1xx, or the only one): "HTTP/1.1 200 OK". */
                long st = 0;
                const char *sp = memchr(ptr, ' ', n);
                for (const char *c = sp ? sp + 1 : ptr + n;
                     c < ptr + n && *c >= '0' && *c <= '9' && st < 1000; c++)
                        st = st * 10 + (*c - '0');
                x->status = st;
                x->headers_done = false;
        } else if ((n == 2 && ptr[0] == '\r' && ptr[1] == '\n') || (n == 1 && ptr[0] == '\n')) {
                if (x->status >= 200)
                        x->headers_done = true;
        }
        return n;
}

/* The payload of one read, gathered per output file: a stream of small frames (a task that
 * writes line by line) costs one writev per read and file, not one write per frame. The
 * pieces point into curl's buffer, valid for the callback. */
#define BATCH_PIECES 64
struct batch {
        struct monitor_stream *s;
        bool is_err;
        int n;
        size_t len;
        struct iovec iov[BATCH_PIECES];
};

/* Writes iov[0..n) to fd to its end; how many bytes went in, and the error that stopped it. */
static size_t writev_all(int fd, struct iovec *iov, int n, int *error)
{
        size_t done = 0;
        *error = 0;
        while (n > 0) {
                ssize_t w = writev(fd, iov, n > IOV_MAX ? IOV_MAX : n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0) {
                        *error = w < 0 ? errno : EIO;
                        return done;
                }
                done += (size_t)w;
                while (n > 0 && (size_t)w >= iov->iov_len) {
                        w -= (ssize_t)iov->iov_len;
                        iov++;
                        n--;
                }
                if (n > 0) {
                        iov->iov_base = (char *)iov->iov_base + w;
                        iov->iov_len -= (size_t)w;
                }
        }
        return done;
}

static void flush(struct batch *b)
{
        struct monitor_stream *s = b->s;
        if (!b->n)
                return;
        int *failed = b->is_err ? &s->err_errno : &s->out_errno;
        size_t written = 0;
        if (*failed == 0)
                written = writev_all(b->is_err ? s->err_fd : s->out_fd, b->iov, b->n, failed);
        *(b->is_err ? &s->err_bytes : &s->out_bytes) += written;
        /* That output file is broken (disk full, quota): keep reading so the container is not
         * blocked on a full pipe, and count what could not be kept. The file holds a prefix:
         * after the first failure nothing more is written to it. */
        s->dropped_bytes += b->len - written;
        b->n = 0;
        b->len = 0;
}

/* Said once per resume: the log and the file parted where the walk cannot explain it. */
static void align_lost(struct monitor_stream *s, struct monitor_align *a, bool is_err)
{
        md_error err = {0};
        const char *what = is_err ? "stderr" : "stdout";
        /* what lose() in monitor_align.c does next */
        const char *then =
                "up to 3 log bytes for each file byte left are passed over: none is written twice, "
                "some of what follows may be left out";
        if (a->lost_errno)
                md_fail_errno(&err, MD_EXIT_FAILED, a->lost_errno,
                              "resume: %s: reading the sandbox file at byte %llu (%s)", what,
                              (unsigned long long)a->lost_at, then);
        else
                md_fail(&err, MD_EXIT_FAILED,
                        "resume: %s: the json-file log differs from the sandbox file at byte %llu (%s)", what,
                        (unsigned long long)a->lost_at, then);
        monitor_log(NULL, LOG_WARNING, s->name ? s->name : "?", &err);
        a->lost = false;
}

/* The walk parted where the daemon lost a tail of the output (a restart: monitor_align.h):
 * the start of the parted line goes out again from the file, ahead of the rest of the log. */
static void replay(struct batch *b, struct monitor_align *a, bool is_err)
{
        struct monitor_stream *s = b->s;
        size_t len;
        const unsigned char *bytes = monitor_align_replay(a, &len);
        md_error err = {0};
        md_fail(&err, MD_EXIT_FAILED,
                "resume: %s: the json-file log lacks what the file holds from byte %llu (the daemon went "
                "away before it logged it): taken up again at that line's start",
                is_err ? "stderr" : "stdout", (unsigned long long)a->lost_at);
        monitor_log(NULL, LOG_NOTICE, s->name ? s->name : "?", &err);
        if (b->n)
                flush(b);
        if (len) {
                b->is_err = is_err;
                b->iov[b->n++] = (struct iovec){(void *)bytes, len};
                b->len += len;
                flush(b); /* before the buffer goes */
        }
        a->rewound = false;
        monitor_align_free(a);
}

static int sink(void *userdata, enum demux_stream stream, const char *data, size_t len, int frame_start)
{
        struct batch *b = userdata;
        struct monitor_stream *s = b->s;
        /* Docker's own demuxer sends stdin frames to stdout; so do we. */
        bool is_err = stream == DEMUX_STDERR;
        /* A resumed log: what the file already holds is passed over. */
        struct monitor_align *a = is_err ? &s->align_err : &s->align_out;
        if (a->state != MONITOR_ALIGN_DONE) {
                size_t k = monitor_align_feed(a, (const unsigned char *)data, len);
                if (a->lost)
                        align_lost(s, a, is_err);
                if (a->rewound)
                        replay(b, a, is_err);
                data += k;
                len -= k;
                if (!len)
                        return 0;
        }
        if (b->n && (b->is_err != is_err || b->n == BATCH_PIECES))
                flush(b);
        b->is_err = is_err;
        b->iov[b->n++] = (struct iovec){(void *)data, len};
        b->len += len;
        return 0;
}

static size_t attach_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct monitor_stream *s = userdata;
        size_t n = size * nmemb;
        if (s->attach.status != 200) {
                docker_buf_write(ptr, size, nmemb, &s->attach.body);
                return n; /* an error answer: keep what fits, the status decides */
        }
        s->last_progress_ms = md_monotonic_ms();
        struct batch b = {.s = s};
        int r = demux_feed(&s->demux, ptr, n, sink, &b);
        flush(&b); /* what came before a bad frame is the container's */
        if (r < 0) {
                s->proto_error = true;
                return 0; /* not a frame stream: end the transfer */
        }
        return n;
}

static size_t wait_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        return docker_buf_write(ptr, size, nmemb, userdata);
}

int monitor_xfer_open(CURLM *multi, struct monitor_xfer *x, const struct docker *d, const char *method,
                      const char *path, long timeout_ms, long buffer, curl_write_callback write_cb,
                      void *write_data, md_error *err)
{
        x->h = curl_easy_init();
        if (!x->h)
                return md_fail(err, MD_EXIT_FAILED, "monitor: out of memory");
        CURLcode rc = docker_setup_easy(d, x->h, method, path, false, timeout_ms);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_HEADERFUNCTION, header_cb);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_HEADERDATA, x);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, write_cb);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_WRITEDATA, write_data);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->errbuf);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
        if (rc == CURLE_OK)
                rc = curl_easy_setopt(x->h, CURLOPT_BUFFERSIZE, buffer);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, NULL, path);
        if (curl_multi_add_handle(multi, x->h) != CURLM_OK)
                return md_fail(err, MD_EXIT_FAILED, "monitor: cannot add a transfer");
        return 0;
}

static int setup(CURLM *multi, struct monitor_stream *s, struct monitor_xfer *x, const struct docker *d,
                 const char *method, const char *path, curl_write_callback write_cb, void *write_data,
                 md_error *err)
{
        /* No time limit: the container may run for months. The connect is still bounded. */
        return monitor_xfer_open(multi, x, d, method, path, -1, x == &s->attach ? ATTACH_BUFFER : WAIT_BUFFER,
                                 write_cb, write_data, err);
}

int monitor_stream_open(struct monitor_stream *s, CURLM *multi, const struct docker *d, const char *id,
                        int out_fd, int err_fd, md_error *err)
{
        memset(s, 0, sizeof *s);
        demux_init(&s->demux);
        s->out_fd = out_fd;
        s->err_fd = err_fd;
        s->attach.body.max = ERROR_BODY_MAX;
        s->wait.body.max = WAIT_BODY_MAX;
        s->last_progress_ms = md_monotonic_ms();
        char path[400];
        /* No logs=1: only what the container writes from now on, which is all of it since it
         * has not started yet. */
        snprintf(path, sizeof path, "/containers/%s/attach?stream=1&stdout=1&stderr=1", id);
        if (setup(multi, s, &s->attach, d, "POST", path, attach_write, s, err) < 0)
                return -1;
        snprintf(path, sizeof path, "/containers/%s/wait?condition=next-exit", id);
        return setup(multi, s, &s->wait, d, "POST", path, wait_write, &s->wait.body, err);
}

void monitor_xfer_close(CURLM *multi, struct monitor_xfer *x)
{
        if (x->h) {
                curl_multi_remove_handle(multi, x->h);
                curl_easy_cleanup(x->h);
                x->h = NULL;
        }
        free(x->body.data);
        size_t max = x->body.max;
        memset(x, 0, sizeof *x);
        x->body.max = max;
}

int monitor_stream_resume(struct monitor_stream *s, CURLM *multi, const struct docker *d, const char *id,
                          bool logs, md_error *err)
{
        monitor_xfer_close(multi, &s->attach);
        monitor_xfer_close(multi, &s->wait);
        s->attach.body.max = ERROR_BODY_MAX;
        s->wait.body.max = WAIT_BODY_MAX;
        demux_init(&s->demux);
        s->last_progress_ms = md_monotonic_ms();
        /* the skips come from the files' sizes: a file that failed may take writes again */
        s->out_errno = s->err_errno = 0;
        char path[400];
        if (logs) {
                /* Everything the container wrote since its start, from the json-file log, then
                 * what it writes until it stops; the walks pass over what the files hold. */
                snprintf(path, sizeof path, "/containers/%s/logs?follow=1&stdout=1&stderr=1", id);
                if (setup(multi, s, &s->attach, d, "GET", path, attach_write, s, err) < 0)
                        return -1;
        } else {
                s->attach.done = true;
        }
        /* not-running answers at once for a container that exited meanwhile */
        snprintf(path, sizeof path, "/containers/%s/wait?condition=not-running", id);
        return setup(multi, s, &s->wait, d, "POST", path, wait_write, &s->wait.body, err);
}

void monitor_stream_collect(CURLM *multi)
{
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
                if (msg->msg != CURLMSG_DONE)
                        continue;
                struct monitor_xfer *x = NULL;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
                if (!x)
                        continue;
                x->done = true;
                x->rc = msg->data.result;
        }
}

void monitor_stream_abort_attach(struct monitor_stream *s, CURLM *multi)
{
        if (s->attach.h && !s->attach.done) {
                curl_multi_remove_handle(multi, s->attach.h);
                s->attach.done = true;
                s->attach.rc = CURLE_ABORTED_BY_CALLBACK;
        }
}

bool monitor_stream_exit_code(const struct monitor_stream *s, int *exit_code)
{
        if (!s->wait.done || s->wait.rc != CURLE_OK || s->wait.status != 200)
                return false;
        _cleanup_json_ json_t *j =
                json_loadb(s->wait.body.data ? s->wait.body.data : "", s->wait.body.len, 0, NULL);
        json_t *code = json_object_get(j, "StatusCode");
        if (!json_is_integer(code) || json_integer_value(code) < 0 || json_integer_value(code) > 0xffff)
                return false;
        *exit_code = (int)json_integer_value(code);
        return true;
}

void monitor_stream_close(struct monitor_stream *s, CURLM *multi)
{
        monitor_xfer_close(multi, &s->attach);
        monitor_xfer_close(multi, &s->wait);
        monitor_align_free(&s->align_out);
        monitor_align_free(&s->align_err);
}
