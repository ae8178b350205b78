/* The build facts of --version (build_info.h), from config.h: an operator who built by hand with
 * another prefix sees there which policy file the binary reads. */
#include "build_info.h"
#include "config.h"

void md_print_build_info(FILE *f, const char *state_dir, const char *why)
{
        fprintf(f, "policy: %s, then %s/*.conf\n", MD_POLICY_FILE, MD_POLICY_DIR);
        if (state_dir)
                fprintf(f, "state dir: %s\n", state_dir);
        else
                fprintf(f, "state dir: unknown, the policy does not load: %s\n", why && *why ? why : "?");
        fprintf(f, "build: -Dsetuid=%s, -Db_sanitize=%s\n", MD_BUILD_SETUID ? "true" : "false",
                MD_BUILD_SANITIZE);
}
