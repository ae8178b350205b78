/* Did-you-mean and character names for messages (suggest.h). Pure. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "suggest.h"

#define WORD_MAX 64

size_t md_edit_distance(const char *a, const char *b)
{
        size_t n = strlen(a), m = strlen(b);
        if (n > WORD_MAX || m > WORD_MAX)
                return SIZE_MAX;
        /* d[i][j]: distance between the first i bytes of a and the first j of b */
        size_t d[WORD_MAX + 1][WORD_MAX + 1];
        for (size_t i = 0; i <= n; i++)
                d[i][0] = i;
        for (size_t j = 0; j <= m; j++)
                d[0][j] = j;
        for (size_t i = 1; i <= n; i++)
                for (size_t j = 1; j <= m; j++) {
                        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        size_t best = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < best)
                                best = d[i][j - 1] + 1;
                        if (d[i - 1][j - 1] + cost < best)
                                best = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1 < best)
                                best = d[i - 2][j - 2] + 1;
                        d[i][j] = best;
                }
        return d[n][m];
}

const char *md_nearest(const char *word, const char *const *candidates)
{
        size_t len = strlen(word);
        size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (const char *const *c = candidates; *c; c++) {
                size_t d = md_edit_distance(word, *c);
                if (d <= limit && d < strlen(*c) && d < best_d) {
                        best = *c;
                        best_d = d;
                }
        }
        return best;
}

static const struct {
        unsigned cp;
        const char *name;
} names[] = {
        {'\t', "tab"},
        {' ', "space"},
        {'"', "quotation mark"},
        {'\'', "apostrophe"},
        {',', "comma"},
        {';', "semicolon"},
        {0x00A0, "no-break space"},
        {0x00AD, "soft hyphen"},
        {0x2002, "en space"},
        {0x2003, "em space"},
        {0x2009, "thin space"},
        {0x200B, "zero width space"},
        {0x2010, "hyphen"},
        {0x2011, "non-breaking hyphen"},
        {0x2013, "en dash"},
        {0x2014, "em dash"},
        {0x2018, "left single quotation mark"},
        {0x2019, "right single quotation mark"},
        {0x201C, "left double quotation mark"},
        {0x201D, "right double quotation mark"},
        {0x202F, "narrow no-break space"},
        {0x2060, "word joiner"},
        {0x2212, "minus sign"},
        {0x3000, "ideographic space"},
        {0xFEFF, "byte order mark"},
};

/* Decodes one UTF-8 character (shortest form, no surrogates); 0 when s does not start one. */
static size_t decode(const unsigned char *s, size_t len, unsigned *cp)
{
        if (len == 0)
                return 0;
        if (s[0] < 0x80) {
                *cp = s[0];
                return 1;
        }
        size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || n > len)
                return 0;
        unsigned c = s[0] & (0x7f >> n);
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                return 0;
        *cp = c;
        return n;
}

static const char *name_of(unsigned cp)
{
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (names[i].cp == cp)
                        return names[i].name;
        return NULL;
}

size_t md_char_name(const char *s, size_t len, char out[static MD_CHAR_NAME_MAX])
{
        unsigned cp;
        size_t n = decode((const unsigned char *)s, len, &cp);
        if (n == 0) {
                snprintf(out, MD_CHAR_NAME_MAX, "byte 0x%02X (not UTF-8)", len ? (unsigned char)s[0] : 0);
                return 1;
        }
        const char *name = name_of(cp);
        int w = cp > 0x20 && cp < 0x7f ? snprintf(out, MD_CHAR_NAME_MAX, "'%c'", (char)cp)
                                       : snprintf(out, MD_CHAR_NAME_MAX, "U+%04X", cp);
        if (name)
                snprintf(out + w, MD_CHAR_NAME_MAX - (size_t)w, " (%s)", name);
        return n;
}

size_t md_char_column(const char *line, size_t off)
{
        size_t col = 1;
        for (size_t i = 0; i < off && line[i]; i++)
                if (((unsigned char)line[i] & 0xc0) != 0x80)
                        col++;
        return col;
}

bool md_char_lookalike(const char *s, size_t len, size_t *bytes)
{
        unsigned cp;
        size_t n = decode((const unsigned char *)s, len, &cp);
        if (n < 2) /* ASCII, or not UTF-8 at all */
                return false;
        *bytes = n;
        return name_of(cp) != NULL || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F);
}
