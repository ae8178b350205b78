/* The Engine API's multiplexed stream, split into frames across arbitrary read boundaries.
 * Pure: no I/O, no allocation; the payload is handed to the sink straight from the input. */
#include <errno.h>
#include <string.h>

#include "demux.h"

void demux_init(struct demux *d)
{
        memset(d, 0, sizeof *d);
}

int demux_idle(const struct demux *d)
{
        return d->header_len == 0 && d->payload_left == 0;
}

int demux_feed(struct demux *d, const char *data, size_t len, demux_sink sink, void *userdata)
{
        while (len > 0) {
                if (d->payload_left == 0) {
                        size_t take = sizeof d->header - d->header_len;
                        if (take > len)
                                take = len;
                        memcpy(d->header + d->header_len, data, take);
                        d->header_len += take;
                        data += take;
                        len -= take;
                        if (d->header_len < sizeof d->header)
                                return 0;
                        unsigned type = d->header[0];
                        /* The three padding bytes are zero in every daemon version; anything
                         * else means we are not reading frames (a TTY stream, garbage). */
                        if (type > DEMUX_STDERR || d->header[1] || d->header[2] || d->header[3])
                                return -EPROTO;
                        d->current = (enum demux_stream)type;
                        d->payload_left = (uint64_t)d->header[4] << 24 | (uint64_t)d->header[5] << 16 |
                                          (uint64_t)d->header[6] << 8 | (uint64_t)d->header[7];
                        d->header_len = 0;
                        d->at_frame_start = 1;
                        continue; /* a zero-length frame carries nothing: go to the next header */
                }
                size_t take = d->payload_left < len ? (size_t)d->payload_left : len;
                int frame_start = d->at_frame_start;
                /* Consume before calling: a sink that stops leaves the demuxer after this piece. */
                d->payload_left -= take;
                d->at_frame_start = 0;
                int r = sink(userdata, d->current, data, take, frame_start);
                if (r < 0)
                        return r;
                data += take;
                len -= take;
        }
        return 0;
}
