/* Where a resumed json-file log takes up again: the log walked against the sandbox file. */
#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "monitor_align.h"

#define FFFD "\xEF\xBF\xBD"

static int file_with(const char *data, size_t len)
{
        char path[] = "/tmp/md-align-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        unlink(path);
        ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
        return fd;
}

/* Feeds the log in chunks of chunk bytes; how many of its bytes the walk passed over (the rest
 * would be written). */
static size_t walk(struct monitor_align *a, int fd, uint64_t from, uint64_t end, const char *log, size_t len,
                   size_t chunk)
{
        ck_assert_int_eq(monitor_align_start(a, fd, from, end), 0);
        size_t passed = 0, off = 0;
        while (off < len) {
                size_t n = len - off < chunk ? len - off : chunk;
                size_t k = monitor_align_feed(a, (const unsigned char *)log + off, n);
                ck_assert_uint_le(k, n);
                /* once a byte is to be written, so is every later one */
                ck_assert(k == n || a->state == MONITOR_ALIGN_DONE);
                ck_assert_uint_eq(passed, off);
                passed += k;
                off += n;
                if (k < n)
                        break;
        }
        return passed;
}

/* The file holds file; the log is log; the walk must pass over want bytes of it, whatever the
 * chunks, and never lose its way. */
static void expect(const char *file, size_t flen, const char *log, size_t llen, size_t want)
{
        int fd = file_with(file, flen);
        for (size_t chunk = 1; chunk <= llen + 1; chunk++) {
                struct monitor_align a = {0};
                size_t got = walk(&a, fd, 0, flen, log, llen, chunk);
                ck_assert_msg(got == want, "chunk %zu: passed over %zu, want %zu", chunk, got, want);
                ck_assert(!a.lost);
                monitor_align_free(&a);
        }
        close(fd);
}

#define EXPECT(file, log, want) expect(file, sizeof file - 1, log, sizeof log - 1, want)

START_TEST(test_ascii)
{
        EXPECT("hello\nwor", "hello\nworld\n", 9);
        EXPECT("", "abc", 0);
        EXPECT("abc", "abc", 3);
}
END_TEST

START_TEST(test_valid_multibyte)
{
        /* é, €, 😀, and the first two bytes of a € the file got half of */
        EXPECT("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x82",
               "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x82\xACz", 11);
        /* U+FF01 starts with EF like U+FFFD: taken as it is */
        EXPECT("\xEF\xBC\x81!", "\xEF\xBC\x81!\xEF\xBC\x81", 4);
        EXPECT("\xEF", "\xEF\xBC\x81", 1);
}
END_TEST

START_TEST(test_invalid_bytes)
{
        /* the monitor's probe: 'a\377\n' lines; the daemon kept \377 as U+FFFD */
        EXPECT("a\xff\nb\xff\n", "a" FFFD "\nb" FFFD "\nc" FFFD "\n", 10);
        EXPECT("\xff\xfe", FFFD FFFD FFFD, 6);
        /* an EF that does not start a character, then a BF */
        EXPECT("\xEF\x41", FFFD "AB", 4); /* EF A */
        EXPECT("\xEF\xBF\x41", FFFD FFFD "AB", 7);
        /* a valid character right after an invalid byte */
        EXPECT("\x80\xC3\xA9", FFFD "\xC3\xA9!", 5);
}
END_TEST

START_TEST(test_literal_fffd)
{
        /* the container wrote U+FFFD itself: the file has the same three bytes */
        EXPECT("x" FFFD, "x" FFFD "y", 4);
        EXPECT("x" FFFD "\xff", "x" FFFD FFFD "y", 7);
        EXPECT("\xff" FFFD, FFFD FFFD "y", 6);
        /* the file ends inside a literal U+FFFD: the log brings its rest */
        EXPECT("x\xEF\xBF", "x" FFFD "y", 3);
        EXPECT("x\xEF", "x" FFFD "y", 2);
}
END_TEST

START_TEST(test_split_character)
{
        /* a € across the daemon's 16 KiB cut: one U+FFFD per byte, in two log lines */
        EXPECT("ab\xE2\x82\xAC\x63\x64", "ab" FFFD FFFD FFFD "cdef", 13); /* ab€cd */
        /* the file ends inside the cut character */
        EXPECT("ab\xE2\x82", "ab" FFFD FFFD FFFD "cd", 8);
}
END_TEST

/* What the walk passed over, then what the rewind gives back, then the rest of the log: what
 * would be written after the file. */
static void written_after(struct monitor_align *a, const char *log, size_t llen, size_t passed, char *out,
                          size_t size)
{
        size_t rlen = 0;
        const unsigned char *r = monitor_align_replay(a, &rlen);
        ck_assert_uint_lt(rlen + (llen - passed), size);
        memcpy(out, r, rlen);
        memcpy(out + rlen, log + passed, llen - passed);
        out[rlen + llen - passed] = '\0';
}

/* The daemon went away (a restart) after the attach had a piece and before its log did: the
 * file holds "o 000003", which the log lacks, and the log goes on with "o 000004". The walk
 * parts in the middle of that line ("o 00000" is common to both), and takes up again at the
 * line's start: the start is given back from the file, so nothing is written twice and nothing
 * of what follows is left out. */
START_TEST(test_daemon_lost_tail)
{
        static const char file[] = "fetched\no 000001\no 000002\no 000003\n";
        static const char log[] = "o 000001\no 000002\no 000004\no 000005\n";
        int fd = file_with(file, sizeof file - 1);
        for (size_t chunk = 1; chunk <= sizeof log; chunk++) {
                struct monitor_align a = {0};
                size_t got = walk(&a, fd, 8, sizeof file - 1, log, sizeof log - 1, chunk);
                char out[64];
                written_after(&a, log, sizeof log - 1, got, out, sizeof out);
                ck_assert_msg(strcmp(out, "o 000004\no 000005\n") == 0, "chunk %zu: %s", chunk, out);
                ck_assert(a.rewound);
                ck_assert(!a.lost);
                ck_assert_uint_eq(a.lost_at, 8 + 18 + 7);
                monitor_align_free(&a);
        }
        /* parted in the first line: back to where the container's output starts */
        struct monitor_align a = {0};
        size_t got = walk(&a, fd, 8, 8 + 9, "o 0009\n", 7, 3);
        char out[16];
        written_after(&a, "o 0009\n", 7, got, out, sizeof out);
        ck_assert_str_eq(out, "o 0009\n");
        monitor_align_free(&a);
        close(fd);
}
END_TEST

START_TEST(test_mismatch_falls_back)
{
        /* parted after a line longer than the walk looks back for its start (no newline in the
         * 4 KiB before byte 5002): the four file bytes left stand for at most twelve log bytes */
        enum { LONG = 5000 };
        char *file = malloc(LONG + 7), *log = malloc(LONG + 27);
        memset(file, 'x', LONG);
        memcpy(file + LONG, "abcdef", 6);
        memset(log, 'x', LONG);
        memcpy(log + LONG, "abXdefghijklmnopqrstuvwxyz", 26);
        int fd = file_with(file, LONG + 6);
        struct monitor_align a = {0};
        size_t got = walk(&a, fd, 0, LONG + 6, log, LONG + 26, 5);
        ck_assert(a.lost);
        ck_assert(!a.rewound);
        ck_assert_uint_eq(a.lost_at, LONG + 2);
        ck_assert_int_eq(a.lost_errno, 0);
        ck_assert_uint_eq(got, LONG + 2 + 12);
        monitor_align_free(&a);
        close(fd);
        free(file);
        free(log);
        /* more of the file left than the daemon can have lost (MONITOR_ALIGN_LOST_MAX) */
        size_t big = MONITOR_ALIGN_LOST_MAX + 10;
        file = malloc(big);
        log = malloc(big);
        for (size_t i = 0; i < big; i++)
                file[i] = log[i] = (i % 10 == 9) ? '\n' : 'y';
        log[3] = 'z';
        fd = file_with(file, big);
        got = walk(&a, fd, 0, big, log, big, 4096);
        ck_assert(a.lost);
        ck_assert(!a.rewound);
        ck_assert_uint_eq(a.lost_at, 3);
        ck_assert_uint_eq(got, big); /* 3 * (big - 3) is more than the log has */
        monitor_align_free(&a);
        close(fd);
        free(file);
        free(log);
        /* lost inside a U+FFFD check: the log byte EF taken counts towards the three per byte */
        fd = file_with("\xEF\x41\x42", 3);
        got = walk(&a, fd, 0, 3, "\xEF\x42xxxxxxxxxxxx", 14, 1);
        ck_assert(a.lost);
        ck_assert_uint_eq(a.lost_at, 0);
        ck_assert_uint_eq(got, 9);
        monitor_align_free(&a);
        close(fd);
}
END_TEST

START_TEST(test_from_offset_and_write_only)
{
        /* what the file held before the container (the fetcher's lines) is not walked */
        int fd = file_with("fetch\nab\xff", 9);
        struct monitor_align a = {0};
        ck_assert_uint_eq(walk(&a, fd, 6, 9, "ab" FFFD "c", 6, 2), 5);
        monitor_align_free(&a);
        close(fd);
        /* a file the monitor cannot read: the byte count */
        char path[] = "/tmp/md-align-XXXXXX";
        int rw = mkstemp(path);
        ck_assert_int_eq(write(rw, "ab\xff", 3), 3);
        int wo = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        unlink(path);
        ck_assert_uint_eq(walk(&a, wo, 0, 3, "ab" FFFD "c", 6, 6), 3);
        ck_assert(!a.lost);
        monitor_align_free(&a);
        close(wo);
        close(rw);
}
END_TEST

/* Length of the valid UTF-8 character at p (as Go's utf8.DecodeRune has it), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
        if (p[0] < 0x80)
                return 1;
        size_t len = 0;
        if (p[0] >= 0xC2 && p[0] <= 0xDF)
                len = 2;
        else if (p[0] >= 0xE0 && p[0] <= 0xEF)
                len = 3;
        else if (p[0] >= 0xF0 && p[0] <= 0xF4)
                len = 4;
        if (!len || len > n)
                return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (p[0] == 0xE0)
                lo = 0xA0;
        else if (p[0] == 0xED)
                hi = 0x9F;
        else if (p[0] == 0xF0)
                lo = 0x90;
        else if (p[0] == 0xF4)
                hi = 0x8F;
        if (p[1] < lo || p[1] > hi)
                return 0;
        for (size_t i = 2; i < len; i++)
                if (p[i] < 0x80 || p[i] > 0xBF)
                        return 0;
        return len;
}

/* Output of many kinds past the buffer's size, as json-file keeps it, walked against every cut
 * of the file (all but the ambiguous ones: a file ending in an invalid EF or EF BF). */
START_TEST(test_long_random)
{
        static const char *const pieces[] = {"a",    "\n",   "\xff",     "\xC3\xA9",         "\xE2\x82\xAC",
                                             FFFD,   "\xEF", "\xEF\xBF", "\xF0\x9F\x98\x80", "\xED\xA0\x80",
                                             "xyz\n"};
        enum { N = 3 * MONITOR_ALIGN_BUFFER };
        unsigned char *out = malloc(N + 8), *log = malloc(3 * (N + 8) + 4);
        size_t *at = malloc((N + 9) * sizeof *at); /* the log offset of each file byte */
        bool *invalid = malloc(N + 8);
        size_t n = 0;
        srand(7);
        while (n < N) {
                const char *p = pieces[rand() % (sizeof pieces / sizeof *pieces)];
                memcpy(out + n, p, strlen(p));
                n += strlen(p);
        }
        size_t l = 0;
        for (size_t i = 0; i < n;) {
                size_t c = utf8_len(out + i, n - i);
                if (!c) {
                        at[i] = l;
                        invalid[i++] = true;
                        memcpy(log + l, FFFD, 3);
                        l += 3;
                        continue;
                }
                for (size_t k = 0; k < c; k++) {
                        at[i + k] = l + k;
                        invalid[i + k] = false;
                }
                memcpy(log + l, out + i, c);
                l += c;
                i += c;
        }
        at[n] = l;
        memcpy(log + l, "NEW", 3);
        int fd = file_with((const char *)out, n);
        for (size_t cut = 0; cut <= n; cut += 1 + (size_t)(rand() % 97)) {
                if ((cut >= 1 && out[cut - 1] == 0xEF && invalid[cut - 1]) ||
                    (cut >= 2 && out[cut - 2] == 0xEF && out[cut - 1] == 0xBF && invalid[cut - 2]))
                        continue;
                struct monitor_align a = {0};
                size_t got = walk(&a, fd, 0, cut, (const char *)log, l + 3, 1 + (size_t)(rand() % 5000));
                ck_assert_msg(got == at[cut], "cut %zu: passed over %zu, want %zu", cut, got, at[cut]);
                ck_assert(!a.lost);
                monitor_align_free(&a);
        }
        close(fd);
        free(out);
        free(log);
        free(at);
        free(invalid);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("monitor_align");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, test_ascii);
        tcase_add_test(tc, test_valid_multibyte);
        tcase_add_test(tc, test_invalid_bytes);
        tcase_add_test(tc, test_literal_fffd);
        tcase_add_test(tc, test_split_character);
        tcase_add_test(tc, test_daemon_lost_tail);
        tcase_add_test(tc, test_mismatch_falls_back);
        tcase_add_test(tc, test_from_offset_and_write_only);
        tcase_add_test(tc, test_long_random);
        suite_add_tcase(s, tc);
        return s;
}
