/* The Engine API stream demuxer: frames across arbitrary chunk boundaries. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "demux.h"

/* What the sink saw: the bytes of each stream, and the frame starts. */
struct seen {
        char out[4096], err[4096], in[256];
        size_t out_len, err_len, in_len;
        int frame_starts;
        int calls;
        int stop_after; /* stop (return -ECANCELED) at this call, 0 = never */
};

static int sink(void *userdata, enum demux_stream stream, const char *data, size_t len, int frame_start)
{
        struct seen *s = userdata;
        s->calls++;
        ck_assert_uint_gt(len, 0); /* never an empty piece */
        if (frame_start)
                s->frame_starts++;
        char *buf = stream == DEMUX_STDOUT ? s->out : stream == DEMUX_STDERR ? s->err : s->in;
        size_t *n = stream == DEMUX_STDOUT ? &s->out_len : stream == DEMUX_STDERR ? &s->err_len : &s->in_len;
        size_t cap = stream == DEMUX_STDIN ? sizeof s->in : sizeof s->out;
        ck_assert_uint_le(*n + len, cap);
        memcpy(buf + *n, data, len);
        *n += len;
        if (s->stop_after && s->calls == s->stop_after)
                return -ECANCELED;
        return 0;
}

static size_t frame(char *dst, int type, const char *payload, size_t len)
{
        dst[0] = (char)type;
        dst[1] = dst[2] = dst[3] = 0;
        dst[4] = (char)(len >> 24);
        dst[5] = (char)(len >> 16);
        dst[6] = (char)(len >> 8);
        dst[7] = (char)len;
        memcpy(dst + 8, payload, len);
        return 8 + len;
}

/* stdout "hello\n", stderr "oops\n", an empty stdout frame, stdout "world\n" */
static size_t sample(char *buf)
{
        size_t n = 0;
        n += frame(buf + n, 1, "hello\n", 6);
        n += frame(buf + n, 2, "oops\n", 5);
        n += frame(buf + n, 1, "", 0);
        n += frame(buf + n, 1, "world\n", 6);
        return n;
}

static void check_sample(const struct seen *s)
{
        ck_assert_uint_eq(s->out_len, 12);
        ck_assert(memcmp(s->out, "hello\nworld\n", 12) == 0);
        ck_assert_uint_eq(s->err_len, 5);
        ck_assert(memcmp(s->err, "oops\n", 5) == 0);
}

START_TEST(test_one_chunk)
{
        char buf[256];
        size_t n = sample(buf);
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert(demux_idle(&d));
        ck_assert_int_eq(demux_feed(&d, buf, n, sink, &s), 0);
        check_sample(&s);
        ck_assert_int_eq(s.calls, 3); /* the empty frame calls nothing */
        ck_assert_int_eq(s.frame_starts, 3);
        ck_assert(demux_idle(&d));
}
END_TEST

/* Every way of cutting the stream in two gives the same bytes. */
START_TEST(test_split_everywhere)
{
        char buf[256];
        size_t n = sample(buf);
        for (size_t cut = 0; cut <= n; cut++) {
                struct demux d;
                struct seen s = {0};
                demux_init(&d);
                ck_assert_int_eq(demux_feed(&d, buf, cut, sink, &s), 0);
                ck_assert_int_eq(demux_feed(&d, buf + cut, n - cut, sink, &s), 0);
                check_sample(&s);
                ck_assert_int_eq(s.frame_starts, 3);
                ck_assert(demux_idle(&d));
        }
}
END_TEST

START_TEST(test_byte_by_byte)
{
        char buf[256];
        size_t n = sample(buf);
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        for (size_t i = 0; i < n; i++) {
                ck_assert_int_eq(demux_feed(&d, buf + i, 1, sink, &s), 0);
                /* idle exactly at frame boundaries */
                bool boundary = i + 1 == 14 || i + 1 == 27 || i + 1 == 35 || i + 1 == n;
                ck_assert_int_eq(demux_idle(&d) != 0, boundary);
        }
        check_sample(&s);
        ck_assert_int_eq(s.frame_starts, 3);
}
END_TEST

START_TEST(test_partial_at_eof)
{
        char buf[256];
        size_t n = frame(buf, 1, "abcdef", 6);
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, buf, 5, sink, &s), 0); /* half a header */
        ck_assert(!demux_idle(&d));
        ck_assert_int_eq(demux_feed(&d, buf + 5, 6, sink, &s), 0); /* header + "abc" */
        ck_assert(!demux_idle(&d));
        ck_assert_uint_eq(s.out_len, 3);
        ck_assert_int_eq(demux_feed(&d, buf + 11, n - 11, sink, &s), 0);
        ck_assert(demux_idle(&d));
        ck_assert(memcmp(s.out, "abcdef", 6) == 0);
        ck_assert_int_eq(s.frame_starts, 1);
}
END_TEST

/* A frame of 4 GiB - 1: the length is read as unsigned 32 bits, and pieces go through as
 * they come without buffering the frame. */
START_TEST(test_huge_frame)
{
        unsigned char hdr[8] = {2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, (const char *)hdr, 8, sink, &s), 0);
        ck_assert_uint_eq(d.payload_left, 0xffffffffu);
        ck_assert_int_eq(demux_feed(&d, "xyz", 3, sink, &s), 0);
        ck_assert_uint_eq(s.err_len, 3);
        ck_assert_uint_eq(d.payload_left, 0xffffffffu - 3);
        ck_assert(!demux_idle(&d));
        /* bytes that look like a header are payload while the frame lasts */
        ck_assert_int_eq(demux_feed(&d, "\x01\0\0\0\0\0\0\x01", 8, sink, &s), 0);
        ck_assert_uint_eq(s.err_len, 11);
        ck_assert_uint_eq(s.out_len, 0);
        ck_assert_int_eq(s.frame_starts, 1);
}
END_TEST

START_TEST(test_bad_type)
{
        char buf[64];
        size_t n = frame(buf, 1, "ok", 2);
        n += frame(buf + n, 3, "no", 2);
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, buf, n, sink, &s), -EPROTO);
        ck_assert_uint_eq(s.out_len, 2); /* what came before was delivered */
        /* the error sticks */
        ck_assert_int_eq(demux_feed(&d, "\0", 1, sink, &s), -EPROTO);
}
END_TEST

/* A TTY stream (raw text) is not frames: the padding bytes must be zero. */
START_TEST(test_text_is_not_frames)
{
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, "\x01hello world\n", 13, sink, &s), -EPROTO);
        ck_assert_int_eq(s.calls, 0);
}
END_TEST

START_TEST(test_stdin_frames)
{
        char buf[64];
        size_t n = frame(buf, 0, "in", 2);
        struct demux d;
        struct seen s = {0};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, buf, n, sink, &s), 0);
        ck_assert_uint_eq(s.in_len, 2);
}
END_TEST

START_TEST(test_sink_stops)
{
        char buf[256];
        size_t n = sample(buf);
        struct demux d;
        struct seen s = {.stop_after = 2};
        demux_init(&d);
        ck_assert_int_eq(demux_feed(&d, buf, n, sink, &s), -ECANCELED);
        ck_assert_int_eq(s.calls, 2);
        ck_assert_uint_eq(s.err_len, 5);
        /* the stopped piece counts as consumed: feeding the rest resumes after it */
        s.stop_after = 0;
        ck_assert_int_eq(demux_feed(&d, buf + 27, n - 27, sink, &s), 0);
        check_sample(&s);
}
END_TEST

START_TEST(test_many_frames_random_chunks)
{
        /* 200 frames of varying sizes on both streams, fed in pseudo-random chunks */
        static char stream[200 * (8 + 40)];
        char want_out[200 * 40], want_err[200 * 40];
        size_t n = 0, no = 0, ne = 0;
        unsigned seed = 12345;
        for (int i = 0; i < 200; i++) {
                char payload[40];
                size_t len = (size_t)(i % 37);
                for (size_t k = 0; k < len; k++)
                        payload[k] = (char)('a' + (i + k) % 26);
                int type = (i % 3 == 0) ? 2 : 1;
                n += frame(stream + n, type, payload, len);
                if (type == 1) {
                        memcpy(want_out + no, payload, len);
                        no += len;
                } else {
                        memcpy(want_err + ne, payload, len);
                        ne += len;
                }
        }
        struct demux d;
        struct seen *s = calloc(1, sizeof *s);
        demux_init(&d);
        for (size_t off = 0; off < n;) {
                seed = seed * 1103515245u + 12345u;
                size_t chunk = 1 + (seed >> 16) % 60;
                if (chunk > n - off)
                        chunk = n - off;
                ck_assert_int_eq(demux_feed(&d, stream + off, chunk, sink, s), 0);
                off += chunk;
        }
        ck_assert(demux_idle(&d));
        ck_assert_uint_eq(s->out_len, no);
        ck_assert_uint_eq(s->err_len, ne);
        ck_assert(memcmp(s->out, want_out, no) == 0);
        ck_assert(memcmp(s->err, want_err, ne) == 0);
        free(s);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("demux");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, test_one_chunk);
        tcase_add_test(tc, test_split_everywhere);
        tcase_add_test(tc, test_byte_by_byte);
        tcase_add_test(tc, test_partial_at_eof);
        tcase_add_test(tc, test_huge_frame);
        tcase_add_test(tc, test_bad_type);
        tcase_add_test(tc, test_text_is_not_frames);
        tcase_add_test(tc, test_stdin_frames);
        tcase_add_test(tc, test_sink_stops);
        tcase_add_test(tc, test_many_frames_random_chunks);
        suite_add_tcase(s, tc);
        return s;
}
