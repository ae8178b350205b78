/* libFuzzer: the attach/logs stream demultiplexer, fed in random-sized pieces. The payload it
 * hands on, concatenated, must equal the payloads of the well-formed frames of the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demux.h"

struct sink_state {
        size_t total;
};

static int sink(void *userdata, enum demux_stream stream, const char *data, size_t len, int frame_start)
{
        struct sink_state *s = userdata;
        if (stream != DEMUX_STDIN && stream != DEMUX_STDOUT && stream != DEMUX_STDERR)
                abort();
        (void)data;
        (void)frame_start;
        s->total += len;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size < 1)
                return 0;
        struct demux d;
        struct sink_state s = {0};
        demux_init(&d);
        size_t step = (size_t)data[0] % 17 + 1, off = 1;
        while (off < size) {
                size_t n = size - off < step ? size - off : step;
                if (demux_feed(&d, (const char *)data + off, n, sink, &s) < 0)
                        break;
                off += n;
        }
        if (s.total > size)
                abort(); /* never more payload than input */
        return 0;
}
