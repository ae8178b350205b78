/* The scheme of a fetch URI, read once: the policy judges the scheme this returns and the
 * fetcher acts on the same one (helper/task/policy_request.c, helper/fetch/fetch_item.c). */
#pragma once

/* The URI without leading white space (Mesos' fetcher trims it too). */
const char *md_uri_trim(const char *uri);

/* The scheme of uri after md_uri_trim, lower case, into out: RFC 3986's
 * ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) before ':' (at most 15 characters), or "file" for
 * a bare absolute path. -EINVAL when it has neither. */
int md_uri_scheme(const char *uri, char out[static 16]);
