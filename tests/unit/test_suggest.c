#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "suggest.h"

START_TEST(distance)
{
        ck_assert_uint_eq(md_edit_distance("", ""), 0);
        ck_assert_uint_eq(md_edit_distance("networks", "networks"), 0);
        ck_assert_uint_eq(md_edit_distance("netwroks", "networks"), 1); /* a transposition is one edit */
        ck_assert_uint_eq(md_edit_distance("contianer", "container"), 1);
        ck_assert_uint_eq(md_edit_distance("network", "networks"), 1);
        ck_assert_uint_eq(md_edit_distance("imgaes", "images"), 1);
        ck_assert_uint_eq(md_edit_distance("kitten", "sitting"), 3);
        ck_assert_uint_eq(md_edit_distance("", "abc"), 3);
        ck_assert_uint_eq(md_edit_distance("ca", "abc"), 3); /* OSA: no edit of a transposed pair */
        char long_word[100];
        memset(long_word, 'a', 99);
        long_word[99] = '\0';
        ck_assert_uint_eq(md_edit_distance(long_word, "a"), SIZE_MAX);
}
END_TEST

START_TEST(nearest)
{
        static const char *const keys[] = {"images", "networks", "privileged", "volumes", "exec", NULL};
        ck_assert_str_eq(md_nearest("netwroks", keys), "networks");
        ck_assert_str_eq(md_nearest("image", keys), "images");
        ck_assert_str_eq(md_nearest("privilged", keys), "privileged");
        ck_assert_str_eq(md_nearest("exce", keys), "exec");
        ck_assert_ptr_null(md_nearest("user", keys)); /* nothing near */
        ck_assert_ptr_null(md_nearest("x", keys));
        ck_assert_ptr_null(md_nearest("", keys));
        static const char *const short_ones[] = {"id", NULL};
        ck_assert_ptr_null(md_nearest("ab", short_ones)); /* two edits of a two-letter word: no */
        static const char *const fields[] = {"container", "command", "network", "name", NULL};
        ck_assert_str_eq(md_nearest("contianer", fields), "container");
        ck_assert_str_eq(md_nearest("netwrok", fields), "network");
}
END_TEST

START_TEST(char_names)
{
        char n[MD_CHAR_NAME_MAX];
        ck_assert_uint_eq(md_char_name("\xc2\xa0x", 3, n), 2);
        ck_assert_str_eq(n, "U+00A0 (no-break space)");
        ck_assert_uint_eq(md_char_name("\xef\xbb\xbf[", 4, n), 3);
        ck_assert_str_eq(n, "U+FEFF (byte order mark)");
        md_char_name("\xe2\x80\x9c", 3, n);
        ck_assert_str_eq(n, "U+201C (left double quotation mark)");
        md_char_name("\xe2\x80\x99", 3, n);
        ck_assert_str_eq(n, "U+2019 (right single quotation mark)");
        ck_assert_uint_eq(md_char_name(",", 1, n), 1);
        ck_assert_str_eq(n, "',' (comma)");
        md_char_name("\"", 1, n);
        ck_assert_str_eq(n, "'\"' (quotation mark)");
        md_char_name("\xc3\xa9", 2, n);
        ck_assert_str_eq(n, "U+00E9");
        md_char_name("\xf0\x9f\x98\x80", 4, n);
        ck_assert_str_eq(n, "U+1F600");
        /* not UTF-8: a lone continuation byte, an overlong form, a cut sequence, a surrogate */
        ck_assert_uint_eq(md_char_name("\x80", 1, n), 1);
        ck_assert_str_eq(n, "byte 0x80 (not UTF-8)");
        md_char_name("\xc0\xaf", 2, n);
        ck_assert_str_eq(n, "byte 0xC0 (not UTF-8)");
        md_char_name("\xe2\x80", 2, n);
        ck_assert_str_eq(n, "byte 0xE2 (not UTF-8)");
        md_char_name("\xed\xa0\x80", 3, n);
        ck_assert_str_eq(n, "byte 0xED (not UTF-8)");
}
END_TEST

START_TEST(lookalikes_and_columns)
{
        size_t b = 0;
        ck_assert(md_char_lookalike("\xc2\xa0", 2, &b));
        ck_assert_uint_eq(b, 2);
        ck_assert(md_char_lookalike("\xef\xbb\xbf", 3, &b));
        ck_assert_uint_eq(b, 3);
        ck_assert(md_char_lookalike("\xe2\x80\x8a", 3, &b)); /* hair space: unnamed, still a space */
        ck_assert(!md_char_lookalike("\xc3\xa9", 2, &b)); /* é is a letter */
        ck_assert(!md_char_lookalike(" ", 1, &b));
        ck_assert(!md_char_lookalike("\xff", 1, &b));
        ck_assert_uint_eq(md_char_column("abc", 0), 1);
        ck_assert_uint_eq(md_char_column("abc", 2), 3);
        ck_assert_uint_eq(md_char_column("\xc3\xa9t\xc3\xa9", 3), 3); /* é counts once */
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("suggest");
        TCase *tc = tcase_create("suggest");
        tcase_add_test(tc, distance);
        tcase_add_test(tc, nearest);
        tcase_add_test(tc, char_names);
        tcase_add_test(tc, lookalikes_and_columns);
        suite_add_tcase(s, tc);
        return s;
}
