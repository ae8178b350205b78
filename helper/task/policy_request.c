/* What a task asks of the policy: image, network, privilege, host volumes, user, docker
 * parameters, resources and fetch schemes, each as the policy matches it. */
#include <string.h>

#include "task_internal.h"
#include "uri.h"

static const char *network_name(const struct task_spec *t)
{
        /* a `network` parameter is what docker will use: the policy must judge that one */
        for (size_t i = t->n_parameters; i-- > 0;) {
                const struct task_param_info *p = task_param_lookup(t->parameters[i].key);
                if (p && strcmp(p->name, "network") == 0)
                        return t->parameters[i].value;
        }
        switch (t->network) {
        case TASK_NETWORK_BRIDGE:
                return "bridge";
        case TASK_NETWORK_NONE:
                return "none";
        default:
                return "host";
        }
}

static bool contains(const char *const *list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}

int task_policy_request(const struct task_spec *t, const char **volume_host_paths,
                        struct task_policy_storage *storage, struct policy_request *req, md_error *err)
{
        struct policy_request r = {
                .image = t->image_normalized,
                .network = network_name(t),
                .privileged = t->privileged,
                .user = t->container_user,
                .cpus = t->cpus,
                .mem_mb = t->mem_mb,
        };

        /* only host paths outside the sandbox are the policy's: a relative host_path is in the
         * sandbox, an absolute one is judged as the helper resolved it (symlinks followed) */
        size_t nv = 0;
        for (size_t i = 0; i < t->n_volumes && i < POLICY_MAX_VOLUMES; i++) {
                if (t->volumes[i].host_path[0] != '/')
                        continue;
                if (!volume_host_paths || !volume_host_paths[i] || volume_host_paths[i][0] != '/')
                        return md_fail(err, MD_EXIT_FAILED,
                                       "volume %s: host path not resolved before the policy check",
                                       t->volumes[i].host_path);
                storage->volumes[nv++] = (struct policy_volume_request){
                        .host_path = volume_host_paths[i],
                        .read_write = t->volumes[i].read_write,
                };
        }
        r.volumes = storage->volumes;
        r.n_volumes = nv;

        /* the policy names parameters by their long names: "e" is asked as "env"; every value
         * is judged, for `parameters = KEY=VALUE` */
        size_t np = 0;
        for (size_t i = 0; i < t->n_parameters && np < TASK_MAX_PARAMETERS; i++) {
                const struct task_param_info *p = task_param_lookup(t->parameters[i].key);
                if (!p)
                        return md_fail(err, MD_EXIT_BAD_TASK,
                                       "%s.parameters[%zu].key: unknown docker parameter", t->docker_path, i);
                storage->parameter_keys[np] = p->name;
                storage->parameter_values[np++] = t->parameters[i].value;
        }
        r.parameters = storage->parameter_keys;
        r.parameter_values = storage->parameter_values;
        r.n_parameters = np;
        if (task_resource_claims(t, storage->claims, &r.n_claims, err) < 0)
                return -1;
        r.claims = storage->claims;

        size_t ns = 0;
        for (size_t i = 0; i < t->n_uris && i < TASK_MAX_URIS; i++) {
                char scheme[16];
                if (md_uri_scheme(t->uris[i].value, scheme) < 0)
                        return md_fail(err, MD_EXIT_BAD_TASK, "command.uris[%zu].value: no scheme", i);
                if (contains(storage->fetch_schemes, ns, scheme))
                        continue;
                memcpy(storage->scheme_buf[ns], scheme, sizeof scheme);
                storage->fetch_schemes[ns] = storage->scheme_buf[ns];
                ns++;
        }
        r.fetch_schemes = storage->fetch_schemes;
        r.n_fetch_schemes = ns;

        *req = r;
        return 0;
}
