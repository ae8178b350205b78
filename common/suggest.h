/* Helpful errors: the nearest known name to a misspelled one ("did you mean networks?"), and
 * the name of a character that does not belong where it stands ("U+00A0 (no-break space)"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Optimal string alignment distance (Damerau-Levenshtein where an adjacent transposition is
 * one edit): "netwroks" is 1 from "networks". Case-sensitive; words longer than 64 bytes are
 * compared as SIZE_MAX (far from everything). */
size_t md_edit_distance(const char *a, const char *b);

/* The candidate nearest to word, or NULL when none is near enough to be the one meant: at
 * most 1 edit for words of up to 4 bytes, 2 up to 8, 3 beyond, and fewer edits than the
 * candidate's own length. A tie goes to the first candidate. candidates ends with NULL. */
const char *md_nearest(const char *word, const char *const *candidates);

/* Names the character that starts at s (len bytes available) into out: "U+00A0 (no-break
 * space)", "',' (comma)", "U+00E9", or "byte 0xFF (not UTF-8)". Returns the bytes it takes
 * (at least 1). */
#define MD_CHAR_NAME_MAX 80
size_t md_char_name(const char *s, size_t len, char out[static MD_CHAR_NAME_MAX]);

/* The character column (1-based, counting UTF-8 characters) of byte offset off in line. */
size_t md_char_column(const char *line, size_t off);

/* True for the characters a copy from a web page or a word processor brings in that look like
 * blanks or ASCII punctuation but are not: Unicode spaces, the byte order mark, curly quotes,
 * dashes. *bytes is set to the length of the character at s. */
bool md_char_lookalike(const char *s, size_t len, size_t *bytes);
