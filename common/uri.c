#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "uri.h"

const char *md_uri_trim(const char *uri)
{
        while (*uri == ' ' || *uri == '\t' || *uri == '\n' || *uri == '\r')
                uri++;
        return uri;
}

int md_uri_scheme(const char *uri, char out[static 16])
{
        uri = md_uri_trim(uri);
        if (uri[0] == '/') {
                strcpy(out, "file");
                return 0;
        }
        if (!isalpha((unsigned char)uri[0]))
                return -EINVAL;
        size_t n = 0;
        while (isalnum((unsigned char)uri[n]) || uri[n] == '+' || uri[n] == '-' || uri[n] == '.')
                n++;
        if (uri[n] != ':' || n >= 16)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                out[i] = (char)tolower((unsigned char)uri[i]);
        out[n] = '\0';
        return 0;
}
