/* Where a resumed log takes up again (monitor_stream_resume): the json-file log is read from
 * the container's start, and the bytes of one of its streams are walked against what the
 * sandbox file holds of that stream, so that nothing the file holds is written twice.
 *
 * The log is not the file byte for byte: json-file keeps each byte that is not UTF-8 (and each
 * byte of a character the daemon's 16 KiB line split cut in two) as U+FFFD, EF BF BD. The walk:
 * equal bytes advance both; where the log has EF BF BD and the file does not have those same
 * three bytes, the file has one byte (>= 0x80) the daemon replaced, and the file advances one
 * byte, the log three. Once the file is walked, the rest of the log is to be written.
 *
 * A daemon that went away (a restart) can also have sent the attach a piece its log never got:
 * the file then holds bytes the log lacks, and the log goes on with what the container wrote
 * after them. The walk parts there, somewhere in the line the lost piece began (the daemon reads
 * the container's writes whole, and an output written line by line comes in whole lines), so it
 * takes up again at that line's start: the part of the line it passed over is given back
 * (monitor_align_replay) and the rest of the log is written. Only a short tail can be the
 * daemon's loss (MONITOR_ALIGN_LOST_MAX: one of its 32 KiB reads, and a line its log copier
 * held); a longer one, or a line start further back than the buffer, falls back (lose()).
 *
 * Memory is bounded: the file is read sequentially (pread) into one fixed buffer, as the log
 * bytes arrive, and no log byte is held. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONITOR_ALIGN_BUFFER 4096
#define MONITOR_ALIGN_LOST_MAX (64 * 1024)

/* DONE is 0: a zeroed struct writes everything (a stream that is not resumed). */
enum monitor_align_state {
        MONITOR_ALIGN_DONE, /* the rest of the log is to be written */
        MONITOR_ALIGN_WALK, /* the file's bytes are being matched */
        MONITOR_ALIGN_SKIP, /* a fallback: passing over a count of log bytes, then DONE */
};

struct monitor_align {
        enum monitor_align_state state;
        int fd;
        uint64_t from; /* where the walk started in the file */
        uint64_t next, end; /* the file offset buf[len] is read from, and where the walk ends */
        unsigned char *buf;
        size_t at, len; /* the file bytes read, not matched yet: buf[at..len) */
        uint64_t matched; /* file bytes matched so far */
        /* a log EF being checked for EF BF BD: how many of its bytes came (1, 2), and which of
         * the two readings still holds: the file's byte replaced, or the bytes as they are */
        unsigned fffd;
        bool replaced, plain;
        uint64_t skip; /* SKIP: log bytes left to pass over */
        /* why the walk gave up (once SKIP from WALK): the file offset, and a read's errno (0: the
         * log and the file differ there) */
        bool lost;
        uint64_t lost_at;
        int lost_errno;
        /* the walk parted where the daemon lost a tail (lost_at) and took up again at the start
         * of that line: buf[replay_at..+replay_len) is to be written before the rest */
        bool rewound;
        size_t replay_at, replay_len;
};

/* Starts a walk of the file fd over [from, end) (any walk a holds is freed first). A file with
 * nothing to walk is DONE at once. An fd the monitor cannot read (opened write-only) falls
 * back to passing over end - from log bytes, the byte count (exact for UTF-8 only); so does a
 * buffer that cannot be allocated (-ENOMEM; a is usable either way). 0 or -ENOMEM. */
int monitor_align_start(struct monitor_align *a, int fd, uint64_t from, uint64_t end);
/* How many of the len log bytes at data the file holds already (to pass over; the rest of them
 * is to be written). A mismatch the walk cannot explain, or a read error, sets lost and falls
 * back to SKIP: three log bytes for each file byte left, the most they can stand for, so that
 * none is written twice (at the price of up to twice that of what follows). */
size_t monitor_align_feed(struct monitor_align *a, const unsigned char *data, size_t len);
/* After a rewind: the bytes of the parted line that the walk passed over, to be written before
 * the rest of the log (*len 0 otherwise). Valid until monitor_align_free. */
const unsigned char *monitor_align_replay(const struct monitor_align *a, size_t *len);
/* Frees the buffer; the walk is DONE. */
void monitor_align_free(struct monitor_align *a);
