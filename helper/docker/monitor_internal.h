/* Shared by monitor.c (the launching side), monitor_run.c (the monitor process) and
 * monitor_stream.c (its attach and wait transfers). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "demux.h"
#include "docker_internal.h"
#include "monitor.h"

/* What the monitor tells the launching helper, in one write (smaller than PIPE_BUF, so it
 * arrives whole or not at all). */
struct monitor_report {
        int32_t exit_code; /* 0: the container runs */
        int32_t container_pid;
        int32_t monitor_pid;
        int32_t removed; /* on failure: the monitor already removed the container */
        char started_at[40];
        char message[1024];
};

/* The monitor process: never returns. report_fd is the pipe to the launching helper. */
__attribute__((noreturn)) void monitor_main(const struct monitor_config *cfg, int report_fd);

/* monitor_process.c: uids 0 and not dumpable; only the three fds (moved above 2) and
 * /dev/null as stdio; the caller's limits, signal mask and cwd undone. */
int monitor_become_root_alone(md_error *err);
int monitor_keep_only_fds(int *report_fd, int *out_fd, int *err_fd, md_error *err);
void monitor_quiet_process(void);

/* One HTTP transfer of the monitor's multi handle. */
struct monitor_xfer {
        CURL *h;
        long status; /* from the status line */
        bool headers_done; /* the final response's headers have all arrived */
        bool done;
        CURLcode rc;
        char errbuf[CURL_ERROR_SIZE];
        struct docker_buf body; /* wait: the answer; attach: an error answer only */
};

/* The attach stream and the wait, driven together by one multi handle. */
struct monitor_stream {
        CURLM *multi;
        struct monitor_xfer attach, wait;
        struct demux demux;
        int out_fd, err_fd;
        uint64_t out_bytes, err_bytes; /* written to the files */
        uint64_t dropped_bytes; /* read but not written (a failing output file) */
        int out_errno, err_errno; /* the first write error on each file */
        bool proto_error; /* the stream was not frames */
        int64_t last_progress_ms; /* when attach bytes last arrived */
};

int monitor_stream_open(struct monitor_stream *s, const struct docker *d, const char *id, int out_fd,
                        int err_fd, md_error *err);
/* Moves the transfers on, waiting at most timeout_ms for something to happen. */
int monitor_stream_pump(struct monitor_stream *s, int timeout_ms, md_error *err);
/* Stops the attach transfer early (the container is gone but the stream stays open). */
void monitor_stream_abort_attach(struct monitor_stream *s);
/* The wait's StatusCode, when it answered 200 with one. */
bool monitor_stream_exit_code(const struct monitor_stream *s, int *exit_code);
void monitor_stream_close(struct monitor_stream *s);
