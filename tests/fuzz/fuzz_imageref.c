/* libFuzzer: image references and patterns. Beyond memory safety: a normalized reference uses
 * only the reference alphabet, normalizes to itself again, names a registry, and is met by
 * itself read as a pattern (so a policy that lists an image exactly always allows it). */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imageref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        char out[IMAGEREF_MAX], again[IMAGEREF_MAX], pat[IMAGEREF_MAX], reg[IMAGEREF_MAX];
        md_error err = {0};
        if (imageref_normalize(s, out, &err) == 0) {
                if (strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@") !=
                    strlen(out))
                        abort();
                if (out[0] == '-' || imageref_normalize(out, again, &err) != 0 || strcmp(out, again) != 0)
                        abort();
                imageref_registry(out, reg);
                if (!reg[0] || strncmp(out, reg, strlen(reg)) != 0 || out[strlen(reg)] != '/')
                        abort();
                if (imageref_normalize_pattern(s, pat, &err) != 0 || strcmp(pat, out) != 0 ||
                    fnmatch(pat, out, FNM_PATHNAME | FNM_NOESCAPE) != 0)
                        abort();
        } else if (err.exit_code != MD_EXIT_BAD_TASK || strncmp(err.message, "image \"", 7) != 0) {
                abort();
        }
        md_error_clear(&err);
        if (imageref_normalize_pattern(s, pat, &err) == 0) {
                if (strlen(pat) >= IMAGEREF_MAX || strpbrk(pat, " \t\n\\;$`|&"))
                        abort();
                (void)fnmatch(pat, "docker.io/library/busybox:latest", FNM_PATHNAME | FNM_NOESCAPE);
        } else if (err.exit_code != MD_EXIT_BAD_TASK) {
                abort();
        }
        free(s);
        return 0;
}
