/* pull IMAGE [--config FILE]: an image the caller's policy allows, with the registry
 * credentials of FILE (the caller's .dockercfg or .docker/config.json, read with the caller's
 * rights) or else of the policy's registry-config. Audited. */
#include <getopt.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "helper.h"
#include "imageref.h"
#include "json_cleanup.h"
#include "regauth.h"

int cmd_pull(struct helper *h, int argc, char **argv, md_error *err)
{
        static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {0}};
        optind = 1;
        opterr = 0;
        const char *config = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (c != 'c')
                        return md_fail(err, MD_EXIT_USAGE, "unknown or incomplete option \"%s\"",
                                       argv[optind - 1]);
                config = optarg;
        }
        if (optind != argc - 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: pull IMAGE [--config FILE]");
        char ref[IMAGEREF_MAX];
        if (imageref_normalize(argv[optind], ref, err) < 0)
                return -1;
        struct policy_finding f;
        bool allowed = policy_image_allowed(h->section, ref, &f);
        if (helper_audit(h, NULL, ref, allowed, f.rule, f.reason, err) < 0)
                return -1;
        if (!allowed)
                return md_fail(err, MD_EXIT_DENIED, "denied: image %s: %s (%s)", ref, f.reason, f.rule);
        char registry[IMAGEREF_MAX];
        imageref_registry(ref, registry);
        _cleanup_free_ char *auth = NULL;
        if (config && !regauth_config_path_valid(config))
                return md_fail(err, MD_EXIT_USAGE, "--config %.200s: not an absolute path", config);
        if (regauth_lookup_file(h->caller.uid, h->caller.gid, config, registry, h->conf->registry_config,
                                &auth, err) < 0)
                return -1;
        struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        int rc = docker_image_pull(d, ref, auth, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s}", "image", ref);
        return helper_print_json(o, err);
}
