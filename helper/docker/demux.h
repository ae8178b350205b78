/* The Engine API's multiplexed stream (attach and logs without a TTY): frames of an 8-byte
 * header {type, 0, 0, 0, size32be} followed by size bytes; type 0 stdin, 1 stdout, 2 stderr.
 * Frames span reads: the demuxer keeps a partial header or payload between calls. Pure. */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum demux_stream { DEMUX_STDIN = 0, DEMUX_STDOUT = 1, DEMUX_STDERR = 2 };

/* Called for each piece of payload, in order. A frame's payload may arrive in several calls.
 * frame_start is true on the first piece of a frame (so timestamps can be stripped per frame).
 * Return 0 to go on, negative to stop (the value is returned by demux_feed). */
typedef int (*demux_sink)(void *userdata, enum demux_stream stream, const char *data, size_t len,
                          int frame_start);

struct demux {
        unsigned char header[8];
        size_t header_len; /* bytes of the current header seen so far */
        uint64_t payload_left; /* bytes of the current frame still to come */
        enum demux_stream current;
        int at_frame_start;
};

void demux_init(struct demux *d);
/* Returns 0, the sink's negative value, or -EPROTO for an unknown stream type. */
int demux_feed(struct demux *d, const char *data, size_t len, demux_sink sink, void *userdata);
/* True when no partial frame is pending (a clean end of stream). */
int demux_idle(const struct demux *d);
