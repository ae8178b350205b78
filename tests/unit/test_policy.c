/* The policy: the parser's errors with their FILE:LINE, comments, last-match-wins, default
 * deny, every key's allow and deny with the rule that decided, readers, drop-in order and the
 * owner checks of policy_load (the root-only parts are skipped when not run as root). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "policy.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct policy_verdict V; /* large: one for the whole test */

static struct policy *parse(const char *text)
{
        struct policy *p = NULL;
        md_error err = {0};
        int r = policy_parse_text("t.conf", text, strlen(text), &p, &err);
        ck_assert_msg(r == 0, "refused: %s", err.message);
        ck_assert_ptr_nonnull(p);
        return p;
}

static void refused_with(const char *text, size_t len, const char *want)
{
        struct policy *p = NULL;
        md_error err = {0};
        ck_assert_msg(policy_parse_text("t.conf", text, len, &p, &err) == -1, "accepted: %s", text);
        ck_assert_ptr_null(p);
        ck_assert_int_eq(err.exit_code, MD_EXIT_POLICY);
        ck_assert_msg(strncmp(err.message, want, strlen(want)) == 0, "\"%s\" does not start with \"%s\"",
                      err.message, want);
}

#define REFUSED(text, want) refused_with(text, strlen(text), want)

static const gid_t alice_groups[] = {1000, 0, 4242};
static const struct policy_caller alice = {
        .uid = 1000, .gid = 1000, .name = "alice", .groups = alice_groups, .n_groups = 3};
static const struct policy_caller bob = {
        .uid = 1001, .gid = 1001, .name = "bob", .groups = (gid_t[]){1001}, .n_groups = 1};
static const struct policy_caller anon = {
        .uid = 3000, .gid = 3000, .name = NULL, .groups = (gid_t[]){3000}, .n_groups = 1};

/* The index-th finding of an aspect. */
static const struct policy_finding *finding(enum policy_aspect a, size_t index)
{
        for (size_t i = 0; i < V.n_findings; i++)
                if (V.findings[i].aspect == a && index-- == 0)
                        return &V.findings[i];
        ck_abort_msg("no finding %zu for %s", index, policy_aspect_to_string(a));
        return NULL;
}

static bool has_finding(enum policy_aspect a)
{
        for (size_t i = 0; i < V.n_findings; i++)
                if (V.findings[i].aspect == a)
                        return true;
        return false;
}

static void expect(enum policy_aspect a, size_t index, bool allow, const char *rule, const char *reason)
{
        const struct policy_finding *f = finding(a, index);
        ck_assert_msg(f->allow == allow, "%s %s: %s (%s)", policy_aspect_to_string(a), f->subject, f->reason,
                      f->rule);
        ck_assert_str_eq(f->rule, rule);
        if (reason)
                ck_assert_msg(strstr(f->reason, reason), "reason \"%s\" lacks \"%s\"", f->reason, reason);
}

static void decide(const struct policy *p, const struct policy_caller *c, const struct policy_request *r)
{
        policy_decide(policy_match_caller(p, c), c, r, &V);
}

/* ---------------------------------------------------------------- parsing */

START_TEST(parameter_values)
{
        struct policy *p =
                parse("[caller alice]\nparameters = env cap-add=NET_BIND_SERVICE cap-add=cap_chown "
                      "device=/dev/fuse security-opt=label=disable\n");
        static const struct {
                const char *key, *value;
                bool allow;
                const char *reason;
        } cases[] = {
                {"env", "A=1", true, "env in parameters"}, /* KEY alone: any value */
                {"env", NULL, true, NULL},
                {"cap-add", "NET_BIND_SERVICE", true, "cap-add=CAP_NET_BIND_SERVICE in parameters"},
                {"cap-add", "net_bind_service", true, NULL}, /* as docker reads it: any case, */
                {"cap-add", "CAP_NET_BIND_SERVICE", true, NULL}, /* with or without CAP_ */
                {"cap-add", "Cap_Chown", true, "cap-add=CAP_CHOWN in parameters"},
                {"cap-add", "SYS_ADMIN", false, "cap-add: this value is not among the cap-add=VALUE entries"},
                {"cap-add", "ALL", false, NULL},
                {"cap-add", "all", false, NULL},
                {"cap-add", "NET_BIND_SERVICE ", false, NULL},
                {"cap-add", "", false, NULL},
                {"cap-add", NULL, false, NULL}, /* a value that cannot be judged is not allowed */
                {"device", "/dev/fuse", true, NULL},
                {"device", "/dev/FUSE", false, NULL}, /* paths keep their case */
                {"device", "/dev/sda", false, NULL},
                {"device", "/dev/fuse:/dev/fuse:rwm", false, NULL}, /* compared as written */
                {"security-opt", "label=disable", true, NULL},
                {"security-opt", "label=DISABLE", false, NULL},
                {"cap-drop", "NET_BIND_SERVICE", false, "cap-drop not in parameters"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const char *keys[] = {cases[i].key}, *values[] = {cases[i].value};
                struct policy_request r = {.parameters = keys, .parameter_values = values, .n_parameters = 1};
                decide(p, &alice, &r);
                const struct policy_finding *f = finding(POLICY_ASPECT_PARAMETER, 0);
                ck_assert_msg(f->allow == cases[i].allow, "%s=%s: %s", cases[i].key,
                              cases[i].value ? cases[i].value : "(null)", f->reason);
                ck_assert_str_eq(f->rule, "t.conf:2");
                if (cases[i].reason)
                        ck_assert_msg(strstr(f->reason, cases[i].reason), "%s", f->reason);
        }
        /* several values: each judged */
        const char *keys[] = {"cap-add", "cap-add"}, *values[] = {"chown", "sys_admin"};
        struct policy_request r = {.parameters = keys, .parameter_values = values, .n_parameters = 2};
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_PARAMETER, 0, true, "t.conf:2", NULL);
        expect(POLICY_ASPECT_PARAMETER, 1, false, "t.conf:2", NULL);
        ck_assert_str_eq(finding(POLICY_ASPECT_PARAMETER, 1)->subject, "cap-add=sys_admin");
        /* the value is named only where it decides (an env value may be a secret) */
        keys[0] = "env";
        values[0] = "PASSWORD=x";
        decide(p, &alice, &r);
        ck_assert_str_eq(finding(POLICY_ASPECT_PARAMETER, 0)->subject, "env");
        keys[0] = "label";
        decide(p, &alice, &r);
        ck_assert_str_eq(finding(POLICY_ASPECT_PARAMETER, 0)->subject, "label");
        expect(POLICY_ASPECT_PARAMETER, 0, false, "t.conf:2", "label not in parameters");
        keys[0] = "cap-add";
        values[0] = "chown";
        ck_assert(!V.allow);
        policy_free(p);

        /* KEY alone wins over its KEY=VALUE entries */
        p = parse("[caller alice]\nparameters = cap-add=CHOWN cap-add\n");
        r.n_parameters = 2;
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_PARAMETER, 0, true, "t.conf:2", "cap-add in parameters");
        expect(POLICY_ASPECT_PARAMETER, 1, true, "t.conf:2", "cap-add in parameters");
        policy_free(p);

        REFUSED("[caller x]\nparameters = cap-add=\n", "t.conf:2: parameters: cap-add: invalid value \"\"");
        REFUSED("[caller x]\nparameters = Cap-add=X\n", "t.conf:2: parameters: invalid value \"Cap-add\"");
        REFUSED("[caller x]\nparameters = =X\n", "t.conf:2: parameters: invalid value \"\"");
}
END_TEST

START_TEST(resource_claims_and_default_mem)
{
        struct policy *p = parse("[caller alice]\nmax-cpus = 2\nmax-mem = 1024\nimages = busybox:*\n"
                                 "container-users = caller\n\n[caller bob]\nmax-cpus = 1\n");
        struct policy_claim claims[] = {
                {"cpu-shares", "2048", POLICY_CLAIM_CPUS, 2, false},
                {"cpu-quota", "300000", POLICY_CLAIM_CPUS, 3, false},
                {"memory-reservation", "1g", POLICY_CLAIM_MEM, 1024, false},
                {"shm-size", "2g", POLICY_CLAIM_MEM, 2048, false},
                {"memory-swap", "2g", POLICY_CLAIM_MEM_SWAP, 2048, false}, /* twice max-mem: allowed */
                {"memory-swap", "3g", POLICY_CLAIM_MEM_SWAP, 3072, false},
                {"memory-swap", "-1", POLICY_CLAIM_MEM_SWAP, -1, true},
                {"cpuset-cpus", "0-99999", POLICY_CLAIM_CPUS, -1, true},
        };
        struct policy_request r = {.claims = claims, .n_claims = 8, .mem_mb = 64};
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_CPUS, 0, true, "t.conf:2", "cpu-shares: 2 cpus within max-cpus 2 cpus");
        expect(POLICY_ASPECT_CPUS, 1, false, "t.conf:2", "cpu-quota: 3 cpus is more than max-cpus 2");
        ck_assert_str_eq(finding(POLICY_ASPECT_CPUS, 1)->subject, "cpu-quota=300000");
        expect(POLICY_ASPECT_CPUS, 2, false, "t.conf:2", "cpuset-cpus: no limit at all");
        expect(POLICY_ASPECT_MEM, 0, true, "t.conf:3", NULL); /* mem 64 */
        ck_assert_uint_eq(V.mem_limit_mb, 0); /* denied: no limit handed out */
        expect(POLICY_ASPECT_MEM, 1, true, "t.conf:3", "memory-reservation: 1024 MB within max-mem");
        expect(POLICY_ASPECT_MEM, 2, false, "t.conf:3", "shm-size: 2048 MB is more than max-mem 1024");
        expect(POLICY_ASPECT_MEM, 3, true, "t.conf:3", "within twice max-mem 2048");
        expect(POLICY_ASPECT_MEM, 4, false, "t.conf:3", "memory-swap: 3072 MB is more than twice max-mem");
        expect(POLICY_ASPECT_MEM, 5, false, "t.conf:3", "memory-swap: no limit at all");
        decide(p, &bob, &r); /* no max-mem key: no memory parameter either */
        expect(POLICY_ASPECT_MEM, 1, false, "t.conf:7",
               "no max-mem key: memory-reservation may not set memory");
        ck_assert_str_eq(finding(POLICY_ASPECT_MEM, 1)->rule, "t.conf:7");

        /* a task without mem: max-mem is its limit; without max-mem it cannot run */
        struct policy_request bare = {.image = "docker.io/library/busybox:latest"};
        decide(p, &alice, &bare);
        expect(POLICY_ASPECT_MEM, 0, true, "t.conf:3", "runs under max-mem 1024");
        ck_assert_str_eq(finding(POLICY_ASPECT_MEM, 0)->subject, "(default)");
        ck_assert_uint_eq(V.mem_limit_mb, 1024);
        decide(p, &bob, &bare);
        expect(POLICY_ASPECT_MEM, 0, false, "t.conf:7", "no mem asked and no max-mem key");
        ck_assert_uint_eq(V.mem_limit_mb, 0);
        bare.mem_mb = 512;
        decide(p, &alice, &bare);
        ck_assert_uint_eq(V.mem_limit_mb, 512);
        policy_free(p);
        p = parse("[caller alice]\nmax-mem = 0\n");
        bare.mem_mb = 0;
        decide(p, &alice, &bare);
        expect(POLICY_ASPECT_MEM, 0, false, "t.conf:2", "max-mem is 0");
        policy_free(p);
}
END_TEST

START_TEST(example_parses)
{
        /* the shipped example, found beside this source file */
        char exe[PATH_MAX], path[PATH_MAX * 2];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        ck_assert_int_gt(n, 0);
        exe[n] = '\0';
        for (int i = 0; i < 3; i++)
                *strrchr(exe, '/') = '\0'; /* BUILD/tests/unit/test-policy -> BUILD */
        const char *src = __FILE__;
        if (src[0] == '/')
                snprintf(path, sizeof path, "%s", src);
        else
                snprintf(path, sizeof path, "%s/%s", exe, src);
        *strrchr(path, '/') = '\0';
        strcat(path, "/../../policy/policy.conf.example");

        struct policy *p = NULL;
        md_error err = {0};
        ck_assert_msg(policy_load(path, NULL, false, &p, &err) == 0, "%s", err.message);
        const struct policy_helper_conf *h = policy_helper(p);
        ck_assert_uint_eq(h->n_sandbox_roots, 2);
        ck_assert_str_eq(h->sandbox_roots[0], "/var/lib/mesos/slaves");
        ck_assert_str_eq(h->sandbox_roots[1], "/srv/mesos/work");
        ck_assert_ptr_null(h->sandbox_roots[2]);
        ck_assert_str_eq(h->registry_config, "/etc/mesos-docker/registry.json");

        struct policy_caller mesos = {.uid = 999, .gid = 999, .name = "mesos"};
        const struct policy_section *s = policy_match_caller(p, &mesos);
        ck_assert_ptr_nonnull(s);
        ck_assert_ptr_nonnull(strstr(policy_section_rule(s), "policy.conf.example:23"));
        struct policy_request r = {.image = "registry.example.com:5000/team/app:v2",
                                   .network = "bridge",
                                   .cpus = 4,
                                   .mem_mb = 1024};
        policy_decide(s, &mesos, &r, &V);
        ck_assert_msg(V.allow, "%s", V.findings[V.first_denial].reason);
        ck_assert_uint_eq(V.run_uid, 999);
        ck_assert_uint_eq(policy_fetch_max_bytes(s), 4294967296ULL);

        struct policy_caller tester = {.uid = 2001, .gid = 2001};
        s = policy_match_caller(p, &tester);
        ck_assert_ptr_nonnull(s);
        r.network = "host";
        policy_decide(s, &tester, &r, &V);
        ck_assert(!V.allow);
        ck_assert_int_eq(V.findings[V.first_denial].aspect, POLICY_ASPECT_IMAGE);
        policy_free(p);
}
END_TEST

START_TEST(helper_section)
{
        struct policy *p = parse("[helper]\n"
                                 "sandbox-root = //var/lib//mesos/ /srv/x/\n"
                                 "state-dir = /run/md/\n"
                                 "docker-socket = /run/dk/docker.sock\n");
        const struct policy_helper_conf *h = policy_helper(p);
        ck_assert_uint_eq(h->n_sandbox_roots, 2);
        ck_assert_str_eq(h->sandbox_roots[0], "/var/lib/mesos");
        ck_assert_str_eq(h->sandbox_roots[1], "/srv/x");
        ck_assert_str_eq(h->state_dir, "/run/md");
        ck_assert_str_eq(h->docker_socket, "/run/dk/docker.sock");
        ck_assert_str_eq(h->audit_log, "/var/log/mesos-docker/audit.log");
        ck_assert_ptr_null(h->registry_config);
        policy_free(p);

        /* defaults, and no sandbox root at all */
        p = parse("# nothing but a comment\n");
        h = policy_helper(p);
        ck_assert_str_eq(h->state_dir, "/run/mesos-docker");
        ck_assert_str_eq(h->docker_socket, "/var/run/docker.sock");
        ck_assert_uint_eq(h->n_sandbox_roots, 0);
        ck_assert_ptr_null(h->sandbox_roots[0]);
        ck_assert_ptr_null(policy_match_caller(p, &alice));
        policy_free(p);

        /* [helper] may be split, each key set once */
        p = parse("[helper]\nstate-dir = /a\n[caller x]\nimages = x\n[helper]\naudit-log = /b/log\n");
        ck_assert_str_eq(policy_helper(p)->audit_log, "/b/log");
        policy_free(p);
}
END_TEST

static const struct {
        const char *text, *want;
} errors[] = {
        {"[foo]\n", "t.conf:1: unknown section [foo]"},
        {"\n\n[helper\n", "t.conf:3: a section header must end with ']'"},
        {"[caller]\n", "t.conf:1: [caller] needs exactly one subject"},
        {"[caller a b]\n", "t.conf:1: [caller] needs exactly one subject"},
        {"[caller #12a]\n", "t.conf:1: subject: invalid uid \"#12a\""},
        {"[caller #abc]\n", "t.conf:1: a section header must end with ']'"}, /* "#abc" began a comment */
        {"[caller #4294967295]\n", "t.conf:1: subject: invalid uid"},
        {"[caller %a/b]\n", "t.conf:1: subject: invalid group name \"a/b\""},
        {"[caller -x]\n", "t.conf:1: subject: invalid user name"},
        {"[caller x]\nfoo = 1\n", "t.conf:2: unknown key \"foo\" in [caller]"},
        {"[caller x]\nnetwroks = host\n",
         "t.conf:2: unknown key \"netwroks\" in [caller] (did you mean networks?)"},
        {"[helper]\nsandbox-roots = /a\n",
         "t.conf:2: unknown key \"sandbox-roots\" in [helper] (did you mean sandbox-root?)"},
        /* a key in the wrong kind of section: most often a [caller …] header is missing */
        {"[helper]\nimages = x\n",
         "t.conf:2: images: belongs in a [caller SUBJECT] section, not in [helper]"},
        {"[caller x]\nsandbox-root = /a\n",
         "t.conf:2: sandbox-root: belongs in [helper], not in a [caller] section"},
        {"[caller x]\nimages = a\nnetworks = host\nimages = b\n",
         "t.conf:4: images: already set in this section at line 2"},
        {"[helper]\nstate-dir = /a\n[helper]\nstate-dir = /b\n",
         "t.conf:4: state-dir: already set at t.conf:2"},
        {"images = x\n", "t.conf:1: images: outside a section (it belongs in a [caller SUBJECT] section)"},
        {"state-dir = /x\n", "t.conf:1: state-dir: outside a section (it belongs in [helper])"},
        {"[caller x]\nimages\n", "t.conf:2: expected KEY = VALUE or [SECTION]"},
        {"[caller x]\nimages =   # nothing\n", "t.conf:2: images: no value"},
        {"[caller x]\nIMAGES = x\n",
         "t.conf:2: invalid key \"IMAGES\": column 1: 'I' (did you mean images?)"},
        {"[caller x]\nimag\xc3\xa9s = x\n", "t.conf:2: invalid key \"imag\xc3\xa9s\": column 5: U+00E9"},
        /* characters that look like the right ones: named, with their column */
        {"\xef\xbb\xbf[helper]\n", "t.conf:1: column 1: U+FEFF (byte order mark): save the file without it"},
        {"[caller x]\nimages\xc2\xa0= x\n",
         "t.conf:2: column 7: U+00A0 (no-break space): write a plain space"},
        {"[caller x]\nimages = \xe2\x80\x9c"
         "busybox\xe2\x80\x9d\n",
         "t.conf:2: column 10: U+201C (left double quotation mark): values are not quoted"},
        {"[caller x]\nimages = \"busybox:*\"\n",
         "t.conf:2: column 10: '\"' (quotation mark): values are not quoted"},
        {"[caller x]\nimages = 'busybox:*'\n",
         "t.conf:2: column 10: '\'' (apostrophe): values are not quoted"},
        {"[caller x]\nmax\xe2\x80\x93mem = 1\n", "t.conf:2: column 4: U+2013 (en dash): write '-'"},
        {"[caller x]\nnetworks = host, bridge\n",
         "t.conf:2: column 16: ',' (comma): list items are separated by blanks, not commas"},
        {"[caller x]\nnetworks = host warp\n", "t.conf:2: networks: unknown network \"warp\""},
        {"[caller x]\nprivileged = maybe\n", "t.conf:2: privileged: expected yes or no"},
        {"[caller x]\nprivileged = yes no\n", "t.conf:2: privileged: takes one value, not 2"},
        {"[caller x]\nvolumes = srv/x\n", "t.conf:2: volumes: srv/x: not an absolute path"},
        {"[caller x]\nvolumes = /srv/../etc\n", "t.conf:2: volumes: /srv/../etc: \".\" and \"..\""},
        {"[caller x]\nvolumes = /srv/*\n", "t.conf:2: volumes: /srv/*: patterns are not allowed"},
        {"[caller x]\nvolumes = /srv/a:b\n", "t.conf:2: volumes: /srv/a:b: ':' is not allowed"},
        {"[caller x]\nvolumes = /srv:rx\n", "t.conf:2: volumes: /srv:rx: ':' is not allowed"},
        {"[helper]\nsandbox-root = /a rel\n", "t.conf:2: sandbox-root: rel: not an absolute path"},
        {"[helper]\nstate-dir = /a /b\n", "t.conf:2: state-dir: takes one value, not 2"},
        {"[helper]\ndocker-socket = //\n", "t.conf:2: docker-socket: must not be /"},
        {"[helper]\naudit-log = log\n", "t.conf:2: audit-log: log: not an absolute path"},
        {"[helper]\nregistry-config = ./x\n", "t.conf:2: registry-config: ./x: not an absolute path"},
        {"[caller x]\ncontainer-users = 5-1\n", "t.conf:2: container-users: empty range \"5-1\""},
        {"[caller x]\ncontainer-users = 1-\n", "t.conf:2: container-users: invalid entry \"1-\""},
        {"[caller x]\ncontainer-users = 1:x\n", "t.conf:2: container-users: invalid entry"},
        {"[caller x]\ncontainer-users = caller no-such-user-md\n",
         "t.conf:2: container-users: no such user \"no-such-user-md\""},
        {"[caller x]\nmax-cpus = 1e3\n", "t.conf:2: max-cpus: expected a decimal number"},
        {"[caller x]\nmax-cpus = -1\n", "t.conf:2: max-cpus: expected a decimal number"},
        {"[caller x]\nmax-cpus = .5\n", "t.conf:2: max-cpus: expected a decimal number"},
        {"[caller x]\nmax-cpus = 1.\n", "t.conf:2: max-cpus: expected a decimal number"},
        {"[caller x]\nmax-mem = 12MB\n", "t.conf:2: max-mem: expected a non-negative integer"},
        {"[caller x]\nmax-mem = -1\n", "t.conf:2: max-mem: expected a non-negative integer"},
        {"[caller x]\nfetch-max-bytes = 18446744073709551616\n", "t.conf:2: fetch-max-bytes: expected"},
        {"[caller x]\nfetch-schemes = HTTP\n", "t.conf:2: fetch-schemes: invalid value \"HTTP\""},
        {"[caller x]\nparameters = env Label\n", "t.conf:2: parameters: invalid value \"Label\""},
        {"[caller x]\nreaders = #1x\n", "t.conf:2: readers: invalid uid \"#1x\""},
        {"[caller x]\nreaders = %\n", "t.conf:2: readers: invalid group name"},
        {"[caller x]\nimages = A/B\n",
         "t.conf:2: images: image pattern \"A/B\": the repository path must be lower case"},
        {"[caller x]\nimages = a;b\n", "t.conf:2: images: image pattern \"a;b\": invalid character ';'"},
        {"[caller x]\nimages = a\\*\n", "t.conf:2: images: a\\*: '\\' is not allowed"},
        {"[caller x]\nimages = a#b\n", "t.conf:2: images: image pattern \"a#b\": invalid character '#'"},
        {"[caller x]\nimages = x\x1b[31m\n", "t.conf:2: control character 0x1b"},
        {"[caller x]\n\nimages = x\rnetworks = host\n", "t.conf:3: control character 0x0d"},
};

/* keep-exited: the units, "never", the default, the refusals; and back to text. */
START_TEST(keep_exited_durations)
{
        static const struct {
                const char *text;
                int64_t seconds;
        } ok[] = {{"0", 0},      {"45", 45},     {"30s", 30},   {"10m", 600},
                  {"6h", 21600}, {"2d", 172800}, {"never", -1}, {"3650d", 3650LL * 86400},
                  {"0090s", 90}};
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
                int64_t v = -2;
                ck_assert_msg(policy_parse_duration(ok[i].text, &v) == 0, "refused %s", ok[i].text);
                ck_assert_int_eq(v, ok[i].seconds);
        }
        const char *bad[] = {"",   "h",     "6H",           "6hh",   "6 h", "-1", "1.5h",
                             "6w", "3651d", "99999999999s", "Never", "6h ", "+6h"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                int64_t v = 7;
                ck_assert_msg(policy_parse_duration(bad[i], &v) == -EINVAL, "accepted \"%s\"", bad[i]);
                ck_assert_int_eq(v, 7);
        }
        char buf[24];
        static const struct {
                int64_t seconds;
                const char *text;
        } shown[] = {{21600, "6h"}, {90, "90s"}, {0, "0s"}, {172800, "2d"}, {-1, "never"}, {3660, "61m"}};
        for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
                policy_format_duration(shown[i].seconds, buf);
                ck_assert_str_eq(buf, shown[i].text);
        }
        struct policy *p = parse("[helper]\nstate-dir = /run/x\n");
        ck_assert_int_eq(policy_helper(p)->keep_exited, POLICY_KEEP_EXITED_DEFAULT);
        ck_assert_int_eq(POLICY_KEEP_EXITED_DEFAULT, 6 * 3600);
        policy_free(p);
        p = parse("[helper]\nkeep-exited = 30s\n");
        ck_assert_int_eq(policy_helper(p)->keep_exited, 30);
        policy_free(p);
        p = parse("[helper]\nkeep-exited = never\n");
        ck_assert_int_eq(policy_helper(p)->keep_exited, POLICY_KEEP_FOREVER);
        policy_free(p);
        REFUSED("[helper]\nkeep-exited = 6 hours\n", "t.conf:2: keep-exited: takes one value");
        REFUSED("[helper]\nkeep-exited = 6hours\n", "t.conf:2: keep-exited: \"6hours\": not a duration");
        REFUSED("[helper]\nkeep-exited = 1h\n[helper]\nkeep-exited = 2h\n",
                "t.conf:4: keep-exited: already set at t.conf:2");
}
END_TEST

START_TEST(parse_errors)
{
        for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
                REFUSED(errors[i].text, errors[i].want);

        /* NUL bytes, by line */
        refused_with("[caller x]\nimages = a\0b\n", 24, "t.conf:2: NUL byte");
        /* a line of 4096 bytes is fine, 4097 is too long */
        char *big = malloc(8192);
        strcpy(big, "[caller x]\nparameters =");
        size_t n = strlen(big);
        while (n < strlen("[caller x]\n") + 4096)
                big[n++] = ' ', big[n++] = 'a';
        big[n] = '\0';
        ck_assert_uint_eq(n - strlen("[caller x]\n"), 4096);
        strcat(big, "\n");
        struct policy *p = parse(big);
        policy_free(p);
        big[n] = 'b';
        big[n + 1] = '\n';
        big[n + 2] = '\0';
        REFUSED(big, "t.conf:2: line too long");
        free(big);
        /* a file of more than 1 MiB */
        size_t huge = 1024 * 1024 + 1;
        char *h = malloc(huge);
        memset(h, '\n', huge);
        refused_with(h, huge, "t.conf: too big");
        p = NULL;
        md_error err = {0};
        ck_assert_int_eq(policy_parse_text("t.conf", h, huge - 1, &p, &err), 0);
        policy_free(p);
        free(h);
}
END_TEST

static void warns(const char *text, const char *want)
{
        struct policy *p = parse(text);
        policy_lint(p);
        bool found = false;
        for (size_t i = 0; i < policy_n_warnings(p); i++)
                if (strcmp(policy_warning(p, i), want) == 0)
                        found = true;
        ck_assert_msg(found, "no warning \"%s\" for \"%s\" (first: %s)", want, text,
                      policy_n_warnings(p) ? policy_warning(p, 0) : "none");
        policy_free(p);
}

START_TEST(warnings)
{
        warns("[caller no-such-user-md]\nimages = x\n",
              "t.conf:1: warning: [caller no-such-user-md]: no such user \"no-such-user-md\": the section "
              "matches no caller until that user exists");
        warns("[caller %no-such-group-md]\nimages = x\n", "t.conf:1: warning: [caller %no-such-group-md]: no "
                                                          "such group \"no-such-group-md\": the section "
                                                          "matches no caller until that group exists");
        warns("[caller root]\nreaders = %no-such-group-md root\n",
              "t.conf:2: warning: readers: no such group \"no-such-group-md\"");
        warns("", "t.conf:1: warning: the file is empty");
        warns("", "t.conf:1: warning: no [caller] section: every caller is denied");
        warns("# only a comment\n\n", "t.conf:1: warning: the file is empty");
        warns("[helper]\nstate-dir = /x\n", "t.conf:1: warning: no [caller] section: every caller is denied");
        warns("[helper]\nstate-dir = /x\n[caller root]\nimages = x\n",
              "t.conf:1: warning: no sandbox-root in [helper]: every launch and fetch is refused");
        warns("[caller root]\nimages = x\n",
              "t.conf:1: warning: no sandbox-root in [helper]: every launch and fetch is refused");
        warns("[caller root]\nimages = a\n[caller #0]\nimages = b\n",
              "t.conf:1: warning: [caller root] never applies: [caller #0] at t.conf:3 matches the same "
              "callers and comes later (the last matching section wins, whole)");
        warns("[caller %root]\n[caller x]\n[caller %root]\n",
              "t.conf:1: warning: [caller %root] never applies: [caller %root] at t.conf:3 matches the same "
              "callers and comes later (the last matching section wins, whole)");
        warns("[helper]\nsandbox-root = /a, /b\n",
              "t.conf:2: warning: column 18: ',' (comma): list items are separated by blanks, not commas");

        /* a clean policy has none */
        struct policy *p = parse("[helper]\nsandbox-root = /a\n[caller root]\nimages = x\n[caller %root]\n");
        policy_lint(p);
        ck_assert_msg(policy_n_warnings(p) == 0, "%s", policy_warning(p, 0));
        ck_assert_ptr_null(policy_warning(p, 0));
        policy_free(p);
}
END_TEST

START_TEST(comments_and_words)
{
        struct policy *p = parse("# a comment\n"
                                 "   # an indented comment\n"
                                 "\t#1000 is a comment at the start of a line\n"
                                 "[caller #1000]   # alice, by uid\r\n"
                                 "images=busybox:*\talpine # two\n"
                                 "readers = #1001 %root   #2000 #not a uid\n");
        policy_free(p);
        /* no blank before '#': "host#x" is a word, so it is refused */
        REFUSED("[caller x]\nnetworks = host#x\n", "t.conf:2: networks: unknown network \"host#x\"");

        p = parse("[caller #1000]   # alice, by uid\r\n"
                  "images=busybox:*\talpine # two\n"
                  "readers = #1001 %root   #2000 #not a uid\n");
        const struct policy_section *s = policy_match_caller(p, &alice);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(policy_section_rule(s), "t.conf:1");
        struct policy_request r = {.image = "docker.io/library/alpine:latest"};
        policy_decide(s, &alice, &r, &V);
        expect(POLICY_ASPECT_IMAGE, 0, true, "t.conf:2", NULL);
        r.image = "docker.io/library/busybox:1";
        policy_decide(s, &alice, &r, &V);
        expect(POLICY_ASPECT_IMAGE, 0, true, "t.conf:2", NULL);
        /* readers: #1001 and #2000 are uids, "#not" began a comment */
        ck_assert(policy_reader_allowed(p, &alice, &bob));
        struct policy_caller u2000 = {.uid = 2000, .gid = 2000};
        ck_assert(policy_reader_allowed(p, &alice, &u2000));
        policy_free(p);
}
END_TEST

/* ---------------------------------------------------------------- matching */

START_TEST(last_match_wins_whole)
{
        struct policy *p = parse("[caller alice]\n"
                                 "images = busybox\n"
                                 "networks = host\n"
                                 "[caller bob]\n"
                                 "images = busybox\n"
                                 "[caller %root]\n" /* gid 0: alice is a member, bob is not */
                                 "images = alpine\n");
        const struct policy_section *s = policy_match_caller(p, &alice);
        ck_assert_str_eq(policy_section_rule(s), "t.conf:6");
        struct policy_request r = {.image = "docker.io/library/busybox:latest", .network = "host"};
        policy_decide(s, &alice, &r, &V);
        ck_assert(!V.allow);
        expect(POLICY_ASPECT_CALLER, 0, true, "t.conf:6", "[caller %root] matches");
        /* no merging: neither the image nor the network of [caller alice] */
        expect(POLICY_ASPECT_IMAGE, 0, false, "t.conf:7", "no images pattern matches");
        expect(POLICY_ASPECT_NETWORK, 0, false, "t.conf:6", "no networks key");
        ck_assert_uint_eq(V.first_denial, 1);

        ck_assert_str_eq(policy_section_rule(policy_match_caller(p, &bob)), "t.conf:4");
        policy_free(p);

        /* by name, by the uid the name resolves to, by #UID */
        p = parse("[caller root]\nimages = a\n[caller #3000]\nimages = b\n");
        struct policy_caller root_by_uid = {.uid = 0, .gid = 0, .name = NULL};
        ck_assert_str_eq(policy_section_rule(policy_match_caller(p, &root_by_uid)), "t.conf:1");
        ck_assert_str_eq(policy_section_rule(policy_match_caller(p, &anon)), "t.conf:3");
        ck_assert_ptr_null(policy_match_caller(p, &alice));
        policy_free(p);

        /* an unknown group matches nobody; an unknown user matches by name only */
        p = parse("[caller %no-such-group-md]\nimages = a\n[caller no-such-user-md]\nimages = b\n");
        ck_assert_ptr_null(policy_match_caller(p, &alice));
        struct policy_caller named = {.uid = 5, .gid = 5, .name = "no-such-user-md"};
        ck_assert_str_eq(policy_section_rule(policy_match_caller(p, &named)), "t.conf:3");
        policy_free(p);
}
END_TEST

START_TEST(default_deny)
{
        struct policy *p = parse("[caller bob]\nimages = *:*\n");
        ck_assert_ptr_null(policy_match_caller(p, &alice));
        struct policy_request r = {.image = "docker.io/library/busybox:latest"};
        decide(p, &alice, &r);
        ck_assert(!V.allow);
        ck_assert_uint_eq(V.n_findings, 1);
        ck_assert_int_eq(V.findings[0].aspect, POLICY_ASPECT_CALLER);
        ck_assert_str_eq(V.findings[0].subject, "alice");
        ck_assert_str_eq(V.findings[0].reason, "no [caller] section matches");
        ck_assert_uint_eq(V.run_uid, (uid_t)-1);
        ck_assert_str_eq(policy_section_rule(NULL), "");
        ck_assert_uint_eq(policy_fetch_max_bytes(NULL), 0);
        ck_assert(policy_max_cpus(NULL) == 0);
        ck_assert_uint_eq(policy_max_mem_mb(NULL), 0);
        decide(p, &anon, &r);
        ck_assert_str_eq(V.findings[0].subject, "#3000");

        /* a section with no keys allows nothing, each absent key says so with the section's line */
        policy_free(p);
        p = parse("\n[caller alice]\n");
        const char *params[] = {"env"}, *schemes[] = {"http"};
        struct policy_volume_request vol = {.host_path = "/srv", .read_write = false};
        struct policy_request all = {.image = "docker.io/library/busybox:latest",
                                     .network = "host",
                                     .privileged = true,
                                     .volumes = &vol,
                                     .n_volumes = 1,
                                     .parameters = params,
                                     .n_parameters = 1,
                                     .cpus = 1,
                                     .mem_mb = 1,
                                     .fetch_schemes = schemes,
                                     .n_fetch_schemes = 1};
        decide(p, &alice, &all);
        ck_assert(!V.allow);
        ck_assert_uint_eq(V.first_denial, 1);
        expect(POLICY_ASPECT_CALLER, 0, true, "t.conf:2", NULL);
        expect(POLICY_ASPECT_IMAGE, 0, false, "t.conf:2", "no images key");
        expect(POLICY_ASPECT_NETWORK, 0, false, "t.conf:2", "no networks key");
        expect(POLICY_ASPECT_PRIVILEGED, 0, false, "t.conf:2", "no privileged key");
        expect(POLICY_ASPECT_VOLUME, 0, false, "t.conf:2", "no volumes key");
        expect(POLICY_ASPECT_USER, 0, false, "t.conf:2", "no container-users key");
        expect(POLICY_ASPECT_PARAMETER, 0, false, "t.conf:2", "no parameters key");
        expect(POLICY_ASPECT_CPUS, 0, false, "t.conf:2", "no max-cpus key");
        expect(POLICY_ASPECT_MEM, 0, false, "t.conf:2", "no max-mem key");
        expect(POLICY_ASPECT_FETCH_SCHEME, 0, false, "t.conf:2", "no fetch-schemes key");
        ck_assert_uint_eq(V.n_findings, 10);
        policy_free(p);
}
END_TEST

static const char *const KEYS = "[caller alice]\n" /* 1 */
                                "images = busybox:* me/*:v* reg.io:5000/a/b\n" /* 2 */
                                "networks = host none\n" /* 3 */
                                "privileged = no\n" /* 4 */
                                "parameters = env label\n" /* 5 */
                                "max-cpus = 2.5\n" /* 6 */
                                "max-mem = 1024\n" /* 7 */
                                "fetch-schemes = http https\n" /* 8 */
                                "fetch-max-bytes = 1000\n" /* 9 */
                                "container-users = caller\n"; /* 10 */

START_TEST(images)
{
        struct policy *p = parse(KEYS);
        static const struct {
                const char *image;
                bool allow;
        } cases[] = {
                {"docker.io/library/busybox:latest", true},
                {"docker.io/library/busybox:1.36", true},
                {"docker.io/library/busybox:1@sha256:" D64, true}, /* '*' covers the digest too */
                {"docker.io/library/busybox@sha256:" D64, false}, /* ":*" needs a tag */
                {"docker.io/library/alpine:latest", false},
                {"docker.io/me/app:v2", true},
                {"docker.io/me/app:2", false},
                {"docker.io/me/team/app:v2", false}, /* '*' does not cross '/' */
                {"reg.io:5000/a/b:latest", true},
                {"reg.io:5000/a/b:1", false}, /* no tag in the pattern means :latest */
                {"reg.io:5000/a/b@sha256:" D64, false},
                {"reg.io/a/b:latest", false},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct policy_request r = {.image = cases[i].image};
                decide(p, &alice, &r);
                const struct policy_finding *f = finding(POLICY_ASPECT_IMAGE, 0);
                ck_assert_msg(f->allow == cases[i].allow, "%s: %s", cases[i].image, f->reason);
                ck_assert_str_eq(f->rule, "t.conf:2");
                ck_assert_str_eq(f->subject, cases[i].image);
        }
        policy_free(p);

        /* a digest pattern, and a pattern for every registry one level deep */
        p = parse("[caller alice]\nimages = reg.io/a@sha256:" D64 " *.*/*:*\n");
        struct policy_request r = {.image = "reg.io/a@sha256:" D64};
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_IMAGE, 0, true, "t.conf:2", NULL);
        r.image = "reg.io/a:latest";
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_IMAGE, 0, true, "t.conf:2", NULL); /* by *.* / * : * */
        r.image = "evil.com/x.example.com/y:1";
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_IMAGE, 0, false, "t.conf:2", NULL);
        r.image = "reg.io/a/b:latest";
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_IMAGE, 0, false, "t.conf:2", NULL); /* one level deep only */
        policy_free(p);
}
END_TEST

START_TEST(networks_privileged_parameters_limits_fetch)
{
        struct policy *p = parse(KEYS);
        const char *params[] = {"env", "privileged", "label"};
        const char *schemes[] = {"https", "ftp"};
        struct policy_request r = {.image = "docker.io/library/busybox:latest",
                                   .network = "host",
                                   .parameters = params,
                                   .n_parameters = 3,
                                   .cpus = 2.5,
                                   .mem_mb = 1024,
                                   .fetch_schemes = schemes,
                                   .n_fetch_schemes = 2};
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_NETWORK, 0, true, "t.conf:3", NULL);
        expect(POLICY_ASPECT_PRIVILEGED, 0, true, "t.conf:4", "not requested");
        expect(POLICY_ASPECT_PARAMETER, 0, true, "t.conf:5", NULL);
        expect(POLICY_ASPECT_PARAMETER, 1, false, "t.conf:5", "not in parameters");
        ck_assert_str_eq(finding(POLICY_ASPECT_PARAMETER, 1)->subject, "privileged");
        expect(POLICY_ASPECT_PARAMETER, 2, true, "t.conf:5", NULL);
        expect(POLICY_ASPECT_CPUS, 0, true, "t.conf:6", NULL);
        expect(POLICY_ASPECT_MEM, 0, true, "t.conf:7", NULL);
        expect(POLICY_ASPECT_FETCH_SCHEME, 0, true, "t.conf:8", NULL);
        expect(POLICY_ASPECT_FETCH_SCHEME, 1, false, "t.conf:8", "not in fetch-schemes");
        ck_assert(!V.allow);
        ck_assert_int_eq(V.findings[V.first_denial].aspect, POLICY_ASPECT_PARAMETER);

        r.network = "bridge";
        r.privileged = true;
        r.cpus = 2.6;
        r.mem_mb = 1025;
        r.n_parameters = 0;
        r.n_fetch_schemes = 1;
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_NETWORK, 0, false, "t.conf:3", "not in networks");
        expect(POLICY_ASPECT_PRIVILEGED, 0, false, "t.conf:4", "privileged = no");
        expect(POLICY_ASPECT_CPUS, 0, false, "t.conf:6", "more than max-cpus 2.5");
        expect(POLICY_ASPECT_MEM, 0, false, "t.conf:7", "more than max-mem 1024");
        ck_assert_int_eq(V.findings[V.first_denial].aspect, POLICY_ASPECT_NETWORK);

        r.network = "container:other"; /* what a `network` parameter may ask */
        r.cpus = -1;
        decide(p, &alice, &r);
        expect(POLICY_ASPECT_NETWORK, 0, false, "t.conf:3", "only host, bridge or none");
        expect(POLICY_ASPECT_CPUS, 0, false, "t.conf:6", NULL);

        /* nothing requested: no finding for cpus, parameters, fetch; the memory limit is max-mem */
        struct policy_request bare = {.image = "docker.io/library/busybox:latest", .network = "none"};
        decide(p, &alice, &bare);
        ck_assert_msg(V.allow, "%s", V.findings[V.first_denial].reason);
        ck_assert(!has_finding(POLICY_ASPECT_CPUS));
        expect(POLICY_ASPECT_MEM, 0, true, "t.conf:7", "no mem asked: runs under max-mem 1024");
        ck_assert_uint_eq(V.mem_limit_mb, 1024);
        ck_assert(!has_finding(POLICY_ASPECT_PARAMETER) && !has_finding(POLICY_ASPECT_FETCH_SCHEME));
        ck_assert(policy_max_cpus(policy_match_caller(p, &alice)) == 2.5);
        ck_assert_uint_eq(policy_max_mem_mb(policy_match_caller(p, &alice)), 1024);
        ck_assert_uint_eq(policy_fetch_max_bytes(policy_match_caller(p, &alice)), 1000);
        policy_free(p);

        /* privileged = yes; a scheme without fetch-max-bytes fetches nothing */
        p = parse("[caller alice]\nprivileged = yes\nfetch-schemes = http\n");
        struct policy_request pr = {.privileged = true, .fetch_schemes = schemes, .n_fetch_schemes = 1};
        const char *http[] = {"http"};
        pr.fetch_schemes = http;
        decide(p, &alice, &pr);
        expect(POLICY_ASPECT_PRIVILEGED, 0, true, "t.conf:2", NULL);
        expect(POLICY_ASPECT_FETCH_SCHEME, 0, false, "t.conf:1", "no fetch-max-bytes key");
        ck_assert_uint_eq(policy_fetch_max_bytes(policy_match_caller(p, &alice)), 0);
        policy_free(p);
}
END_TEST

START_TEST(image_and_exec_alone)
{
        /* inspect and pull judge the image alone; exec is its own key, absent meaning no */
        struct policy *p = parse("[caller alice]\nimages = busybox:*\nexec = yes\n"
                                 "[caller bob]\nnetworks = host\nexec = no\n"
                                 "[caller #3000]\nimages = *\n");
        struct policy_finding f;
        const struct policy_section *a = policy_match_caller(p, &alice), *b = policy_match_caller(p, &bob),
                                    *n = policy_match_caller(p, &anon);
        ck_assert(policy_image_allowed(a, "docker.io/library/busybox:1", &f));
        ck_assert_str_eq(f.rule, "t.conf:2");
        ck_assert(!policy_image_allowed(a, "docker.io/library/alpine:latest", &f));
        ck_assert_str_eq(f.reason, "no images pattern matches");
        ck_assert(!policy_image_allowed(b, "docker.io/library/busybox:1", &f));
        ck_assert_str_eq(f.rule, "t.conf:4");
        ck_assert(!policy_image_allowed(NULL, "docker.io/library/busybox:1", &f));
        ck_assert(policy_exec_allowed(a, &f));
        ck_assert_str_eq(f.rule, "t.conf:3");
        ck_assert(!policy_exec_allowed(b, &f));
        ck_assert_str_eq(f.rule, "t.conf:6");
        ck_assert_str_eq(f.reason, "exec = no");
        ck_assert(!policy_exec_allowed(n, &f));
        ck_assert_str_eq(f.rule, "t.conf:7");
        ck_assert(!policy_exec_allowed(NULL, &f));
        policy_free(p);
        REFUSED("[caller alice]\nexec = maybe\n", "t.conf:2: exec: expected yes or no");
        REFUSED("[caller alice]\nexec = yes no\n", "t.conf:2: exec");
        REFUSED("[caller alice]\nexec = yes\nexec = yes\n", "t.conf:3: exec: already set");
}
END_TEST

START_TEST(volumes)
{
        struct policy *p =
                parse("[helper]\n"
                      "docker-socket = /run/dk/docker.sock\n"
                      "state-dir = /run/md-state\n"
                      "sandbox-root = /data/sandboxes /\n"
                      "[caller alice]\n"
                      "volumes = /srv/shared:ro /srv/shared/rw-here /data:rw /run /var/log\n"); /* 6 */
        static const struct {
                const char *path;
                bool rw, allow, capped;
                const char *reason;
        } cases[] = {
                {"/srv/shared", false, true, false, "beneath /srv/shared:ro"},
                {"/srv/shared", true, true, true, "mounted read-only"},
                {"/srv/shared/a/b", true, true, true, NULL},
                {"/srv/shared/rw-here/x", true, true, false, "beneath /srv/shared/rw-here"},
                {"/srv/sharedx", true, false, false, NULL}, /* component-wise, not a prefix */
                {"/data", true, false, false, "would expose /data/sandboxes"}, /* other sandboxes */
                {"/data/sandboxes/bob", true, false, false, "would expose /data/sandboxes"},
                {"/data/other", true, true, false, NULL},
                {"/etc/passwd", false, false, false, "not at or beneath a path in volumes"},
                {"/", false, false, false, "root directory is never allowed"},
                {"/run/dk/docker.sock", false, false, false, "would expose /run/dk/docker.sock"},
                {"/run/dk", false, false, false, "would expose /run/dk/docker.sock"},
                {"/run", false, false, false, "would expose"},
                {"/run/md-state/x", false, false, false, "would expose /run/md-state"},
                {"/var/log/mesos-docker", false, false, false,
                 "would expose /var/log/mesos-docker/audit.log"},
                {"/run/other", false, true, false, NULL},
                {"/srv/shared/../x", false, false, false, "not a normalized absolute path"},
                {"/srv//shared", false, false, false, "not a normalized"},
                {"srv", false, false, false, "not a normalized"},
        };
        struct policy_volume_request vols[sizeof cases / sizeof cases[0]];
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
                vols[i] =
                        (struct policy_volume_request){.host_path = cases[i].path, .read_write = cases[i].rw};
        struct policy_request r = {.volumes = vols, .n_volumes = sizeof cases / sizeof cases[0]};
        decide(p, &alice, &r);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct policy_finding *f = finding(POLICY_ASPECT_VOLUME, i);
                ck_assert_msg(f->allow == cases[i].allow, "%s: %s", cases[i].path, f->reason);
                ck_assert_msg(V.read_only_capped[i] == cases[i].capped, "%s", cases[i].path);
                ck_assert_str_eq(f->rule, "t.conf:6");
                ck_assert_str_eq(f->subject, cases[i].path);
                if (cases[i].reason)
                        ck_assert_msg(strstr(f->reason, cases[i].reason), "%s: %s", cases[i].path, f->reason);
        }
        policy_free(p);

        /* `/` listed: everything below it, but never `/` itself */
        p = parse("[caller alice]\nvolumes = /\n");
        struct policy_volume_request root_vols[] = {{.host_path = "/"}, {.host_path = "/etc"}};
        struct policy_request rr = {.volumes = root_vols, .n_volumes = 2};
        decide(p, &alice, &rr);
        expect(POLICY_ASPECT_VOLUME, 0, false, "t.conf:2", "root directory is never allowed");
        expect(POLICY_ASPECT_VOLUME, 1, true, "t.conf:2", "beneath /");
        policy_free(p);

        /* more than 64 volumes: the 65th is denied, not silently uncapped */
        p = parse("[caller alice]\nvolumes = /srv:ro\n");
        struct policy_volume_request many[65];
        for (size_t i = 0; i < 65; i++)
                many[i] = (struct policy_volume_request){.host_path = "/srv/x", .read_write = true};
        struct policy_request mr = {.volumes = many, .n_volumes = 65};
        decide(p, &alice, &mr);
        ck_assert(V.read_only_capped[63]);
        expect(POLICY_ASPECT_VOLUME, 64, false, "t.conf:2", "more than 64 volumes");
        policy_free(p);
}
END_TEST

START_TEST(container_users)
{
        struct policy *p = parse("[caller alice]\ncontainer-users = caller 20000-29999 root 7:8 nobody\n");
        static const struct {
                const char *user;
                bool allow;
                uid_t uid;
                gid_t gid;
        } cases[] = {
                {NULL, true, 1000, 1000}, /* the first entry: caller */
                {"1000", true, 1000, 1000}, /* the caller by uid */
                {"alice", true, 1000, 1000}, /* the caller by name */
                {"1000:1000", true, 1000, 1000},
                {"1000:0", false, 0, 0}, /* not with another group */
                {"20000", true, 20000, 20000},
                {"29999:29999", true, 29999, 29999},
                {"25000:0", false, 0, 0},
                {"30000", false, 0, 0},
                {"root", true, 0, 0},
                {"0", true, 0, 0},
                {"7", true, 7, 8},
                {"7:8", true, 7, 8},
                {"7:7", false, 0, 0},
                {"nobody", true, 65534, 65534},
                {"65534", true, 65534, 65534},
                {"bob", false, 0, 0},
                {"root:root", false, 0, 0}, /* NAME:GROUP is not judged */
                {"", false, 0, 0},
                {"-1", false, 0, 0},
                {"4294967295", false, 0, 0},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct policy_request r = {.user = cases[i].user};
                decide(p, &alice, &r);
                const struct policy_finding *f = finding(POLICY_ASPECT_USER, 0);
                ck_assert_msg(f->allow == cases[i].allow, "%s: %s", cases[i].user ? cases[i].user : "(null)",
                              f->reason);
                ck_assert_str_eq(f->rule, "t.conf:2");
                if (cases[i].allow) {
                        ck_assert_uint_eq(V.run_uid, cases[i].uid);
                        ck_assert_uint_eq(V.run_gid, cases[i].gid);
                } else {
                        ck_assert_uint_eq(V.run_uid, (uid_t)-1);
                        ck_assert_str_eq(f->reason, "not in container-users");
                }
        }
        policy_free(p);

        /* a range first: its lowest uid is the default; root not listed is denied */
        p = parse("[caller alice]\ncontainer-users = 20000-29999\n");
        struct policy_request r = {0};
        decide(p, &alice, &r);
        ck_assert_uint_eq(V.run_uid, 20000);
        ck_assert_uint_eq(V.run_gid, 20000);
        r.user = "root";
        decide(p, &alice, &r);
        ck_assert(!V.allow);
        r.user = "alice"; /* the caller's name, but `caller` is not listed */
        decide(p, &alice, &r);
        ck_assert(!V.allow);
        policy_free(p);

        /* a named default */
        p = parse("[caller alice]\ncontainer-users = nobody caller\n");
        r.user = NULL;
        decide(p, &alice, &r);
        ck_assert(V.allow);
        ck_assert_uint_eq(V.run_uid, 65534);
        /* any denial clears the user */
        struct policy_request priv = {.privileged = true};
        decide(p, &alice, &priv);
        ck_assert(!V.allow);
        ck_assert_uint_eq(V.run_uid, (uid_t)-1);
        policy_free(p);
}
END_TEST

START_TEST(readers)
{
        struct policy *p = parse("[caller alice]\nreaders = bob #3000 %no-such-group-md\n"
                                 "[caller bob]\nreaders = %root\n"
                                 "[caller #3000]\nimages = x\n");
        struct policy_caller root = {.uid = 0, .gid = 0};
        struct policy_caller stranger = {
                .uid = 4000, .gid = 4000, .name = "stranger", .groups = (gid_t[]){4000}, .n_groups = 1};
        struct policy_caller in_root_group = {
                .uid = 4001, .gid = 4001, .groups = (gid_t[]){4001, 0}, .n_groups = 2};
        ck_assert(policy_reader_allowed(p, &alice, &root));
        ck_assert(policy_reader_allowed(p, &alice, &alice));
        ck_assert(policy_reader_allowed(p, &alice, &bob)); /* by name */
        ck_assert(policy_reader_allowed(p, &alice, &anon)); /* by #uid */
        ck_assert(!policy_reader_allowed(p, &alice, &stranger));
        ck_assert(!policy_reader_allowed(p, &alice, &in_root_group));
        ck_assert(policy_reader_allowed(p, &bob, &in_root_group)); /* by %group, supplementary */
        ck_assert(policy_reader_allowed(p, &bob, &alice)); /* alice's groups hold 0 */
        ck_assert(!policy_reader_allowed(p, &bob, &stranger));
        ck_assert(!policy_reader_allowed(p, &anon, &alice)); /* no readers key */
        ck_assert(!policy_reader_allowed(p, &stranger, &alice)); /* owner with no section */
        ck_assert(policy_reader_allowed(p, &stranger, &root));
        ck_assert(policy_reader_allowed(p, &stranger, &stranger));
        policy_free(p);
}
END_TEST

START_TEST(aspect_names)
{
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_CALLER), "caller");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_IMAGE), "image");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_NETWORK), "network");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_PRIVILEGED), "privileged");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_VOLUME), "volume");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_USER), "user");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_PARAMETER), "parameter");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_CPUS), "cpus");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_MEM), "mem");
        ck_assert_str_eq(policy_aspect_to_string(POLICY_ASPECT_FETCH_SCHEME), "fetch-scheme");
        ck_assert_str_eq(policy_aspect_to_string(_POLICY_ASPECT_MAX), "unknown");
}
END_TEST

/* ---------------------------------------------------------------- loading */

static char tmpdir[PATH_MAX];

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        ck_assert_int_eq(chmod(path, mode), 0);
}

static char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *pathf(const char *fmt, ...)
{
        static char bufs[4][PATH_MAX * 2];
        static int next;
        char *b = bufs[next++ % 4];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b, sizeof bufs[0], fmt, ap);
        va_end(ap);
        return b;
}

static void make_tmpdir(const char *base)
{
        snprintf(tmpdir, sizeof tmpdir, "%s/md-test-policy-XXXXXX", base);
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
        ck_assert_int_eq(chmod(tmpdir, 0755), 0);
        ck_assert_int_eq(mkdir(pathf("%s/policy.d", tmpdir), 0755), 0);
}

static void remove_tmpdir(void)
{
        char cmd[PATH_MAX + 32];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        ck_assert_int_eq(system(cmd), 0);
}

static int load(bool check_owner, struct policy **p, md_error *err)
{
        md_error_clear(err);
        *p = NULL;
        return policy_load(pathf("%s/policy.conf", tmpdir), pathf("%s/policy.d", tmpdir), check_owner, p,
                           err);
}

static void load_refused(bool check_owner, const char *want)
{
        struct policy *p;
        md_error err;
        ck_assert_msg(load(check_owner, &p, &err) == -1, "loaded, wanted %s", want);
        ck_assert_ptr_null(p);
        ck_assert_int_eq(err.exit_code, MD_EXIT_POLICY);
        ck_assert_msg(strstr(err.message, want), "\"%s\" lacks \"%s\"", err.message, want);
}

static const char *loaded_rule(bool check_owner)
{
        static char rule[PATH_MAX];
        struct policy *p;
        md_error err;
        ck_assert_msg(load(check_owner, &p, &err) == 0, "%s", err.message);
        const struct policy_section *s = policy_match_caller(p, &alice);
        snprintf(rule, sizeof rule, "%s", s ? policy_section_rule(s) : "none");
        policy_free(p);
        return rule;
}

START_TEST(dropins_in_name_order)
{
        make_tmpdir("/tmp");
        const char *d = pathf("%s/policy.d", tmpdir);
        char dd[PATH_MAX * 2];
        snprintf(dd, sizeof dd, "%s", d);
        write_file(tmpdir, "policy.conf", "[helper]\nstate-dir = /run/x\n[caller alice]\nimages = a\n", 0644);
        ck_assert_str_eq(loaded_rule(false), pathf("%s/policy.conf:3", tmpdir));
        write_file(dd, "20-b.conf", "\n[caller alice]\nimages = b\n", 0644);
        write_file(dd, "10-a.conf", "[caller alice]\nimages = a\n", 0644);
        write_file(dd, "B-upper.conf", "[caller alice]\nimages = c\n",
                   0644); /* 'B' < '1'? no: '1' < '2' < 'B' */
        write_file(dd, "ignored.txt", "not a policy\n", 0644);
        write_file(dd, ".hidden.conf", "not a policy\n", 0644);
        write_file(dd, ".conf", "not a policy\n", 0644);
        ck_assert_str_eq(loaded_rule(false), pathf("%s/B-upper.conf:1", dd));
        unlink(pathf("%s/B-upper.conf", dd));
        ck_assert_str_eq(loaded_rule(false), pathf("%s/20-b.conf:2", dd));

        /* an error in a drop-in names the drop-in and its line */
        write_file(dd, "30-bad.conf", "[caller bob]\n\nnetworks = warp\n", 0644);
        load_refused(false, pathf("%s/30-bad.conf:3: networks: unknown network", dd));
        unlink(pathf("%s/30-bad.conf", dd));
        /* a [helper] key set in the main file and again in a drop-in */
        write_file(dd, "40-helper.conf", "[helper]\nstate-dir = /run/y\n", 0644);
        load_refused(false,
                     pathf("%s/40-helper.conf:2: state-dir: already set at %s/policy.conf:2", dd, tmpdir));
        unlink(pathf("%s/40-helper.conf", dd));
        /* a drop-in that is not a regular file */
        ck_assert_int_eq(mkdir(pathf("%s/50-dir.conf", dd), 0755), 0);
        load_refused(false, "50-dir.conf: not a regular file");
        rmdir(pathf("%s/50-dir.conf", dd));

        /* no drop-in directory: only the main file */
        ck_assert_int_eq(system(pathf("rm -rf '%s'", dd)), 0);
        ck_assert_str_eq(loaded_rule(false), pathf("%s/policy.conf:3", tmpdir));

        /* the main file missing */
        unlink(pathf("%s/policy.conf", tmpdir));
        load_refused(false, pathf("%s/policy.conf: cannot open: No such file or directory", tmpdir));
        /* the main file's directory missing */
        struct policy *p;
        md_error err = {0};
        ck_assert_int_eq(policy_load("/nonexistent-md/policy.conf", NULL, false, &p, &err), -1);
        ck_assert_str_eq(err.message, "/nonexistent-md/policy.conf: cannot open: No such file or directory");
        md_error_clear(&err);
        ck_assert_int_eq(policy_load("policy.conf", NULL, false, &p, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_POLICY);
        remove_tmpdir();
}
END_TEST

START_TEST(owner_checks_as_anyone)
{
        /* /tmp is world-writable (sticky or not): nothing in it passes the owner check */
        make_tmpdir("/tmp");
        write_file(tmpdir, "policy.conf", "[caller alice]\nimages = a\n", 0644);
        load_refused(true, "/tmp: writable by group or others");
        ck_assert_str_eq(loaded_rule(false), pathf("%s/policy.conf:1", tmpdir));
        /* a FIFO is no policy, and opening it does not block */
        unlink(pathf("%s/policy.conf", tmpdir));
        ck_assert_int_eq(mkfifo(pathf("%s/policy.conf", tmpdir), 0644), 0);
        load_refused(false, "policy.conf: not a regular file");
        unlink(pathf("%s/policy.conf", tmpdir));
        /* too big */
        int fd = open(pathf("%s/policy.conf", tmpdir), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        ck_assert_int_eq(ftruncate(fd, 1024 * 1024 + 1), 0);
        close(fd);
        load_refused(false, "policy.conf: too big");
        remove_tmpdir();
}
END_TEST

START_TEST(owner_checks_as_root)
{
        if (geteuid() != 0) {
                fprintf(stderr, "owner_checks_as_root: skipped, not root\n");
                return;
        }
        /* /run is root's and 0755: a tree beneath it can pass */
        make_tmpdir("/run");
        const char *d = pathf("%s/policy.d", tmpdir);
        char dd[PATH_MAX * 2];
        snprintf(dd, sizeof dd, "%s", d);
        const char *main_file = pathf("%s/policy.conf", tmpdir);
        char mf[PATH_MAX * 2];
        snprintf(mf, sizeof mf, "%s", main_file);
        write_file(tmpdir, "policy.conf", "[caller alice]\nimages = a\n", 0644);
        write_file(dd, "10-a.conf", "[caller alice]\nimages = b\n", 0644);
        ck_assert_str_eq(loaded_rule(true), pathf("%s/10-a.conf:1", dd));

        ck_assert_int_eq(chmod(mf, 0664), 0);
        load_refused(true, pathf("%s: writable by group or others (mode 0664)", mf));
        ck_assert_str_eq(loaded_rule(false), pathf("%s/10-a.conf:1", dd)); /* `policy check` reads it */
        ck_assert_int_eq(chmod(mf, 0646), 0);
        load_refused(true, "writable by group or others (mode 0646)");
        ck_assert_int_eq(chmod(mf, 0600), 0);
        ck_assert_int_eq(chown(mf, 1000, 0), 0);
        load_refused(true, pathf("%s: not owned by root (uid 1000)", mf));
        ck_assert_int_eq(chown(mf, 0, 0), 0);
        ck_assert_str_eq(loaded_rule(true), pathf("%s/10-a.conf:1", dd));

        /* the main file a symlink */
        ck_assert_int_eq(rename(mf, pathf("%s/real.conf", tmpdir)), 0);
        ck_assert_int_eq(symlink("real.conf", mf), 0);
        load_refused(true, pathf("%s: is a symlink", mf));
        ck_assert_str_eq(loaded_rule(false), pathf("%s/10-a.conf:1", dd));
        unlink(mf);
        ck_assert_int_eq(rename(pathf("%s/real.conf", tmpdir), mf), 0);

        /* a drop-in writable by others, owned by someone else, a symlink */
        const char *drop = pathf("%s/10-a.conf", dd);
        char df[PATH_MAX * 2];
        snprintf(df, sizeof df, "%s", drop);
        ck_assert_int_eq(chmod(df, 0666), 0);
        load_refused(true, pathf("%s: writable by group or others", df));
        ck_assert_int_eq(chmod(df, 0644), 0);
        ck_assert_int_eq(chown(df, 0, 1000), 0); /* a group owner is fine while it cannot write */
        ck_assert_str_eq(loaded_rule(true), pathf("%s/10-a.conf:1", dd));
        ck_assert_int_eq(chown(df, 1000, 1000), 0);
        load_refused(true, pathf("%s: not owned by root", df));
        ck_assert_int_eq(chown(df, 0, 0), 0);
        ck_assert_int_eq(symlink(df, pathf("%s/20-link.conf", dd)), 0);
        load_refused(true, pathf("%s/20-link.conf: is a symlink", dd));
        ck_assert_str_eq(loaded_rule(false), pathf("%s/20-link.conf:1", dd));
        unlink(pathf("%s/20-link.conf", dd));

        /* the drop-in directory: writable, not root's, a symlink */
        ck_assert_int_eq(chmod(dd, 0775), 0);
        load_refused(true, pathf("%s: writable by group or others", dd));
        ck_assert_int_eq(chmod(dd, 0755), 0);
        ck_assert_int_eq(chown(dd, 1000, 0), 0);
        load_refused(true, pathf("%s: not owned by root", dd));
        ck_assert_int_eq(chown(dd, 0, 0), 0);
        ck_assert_int_eq(rename(dd, pathf("%s/real.d", tmpdir)), 0);
        ck_assert_int_eq(symlink("real.d", dd), 0);
        load_refused(true, pathf("%s: is a symlink", dd));
        unlink(dd);
        ck_assert_int_eq(rename(pathf("%s/real.d", tmpdir), dd), 0);

        /* the main file's directory writable by others, or not root's */
        ck_assert_int_eq(chmod(tmpdir, 0757), 0);
        load_refused(true, pathf("%s: writable by group or others", tmpdir));
        ck_assert_int_eq(chmod(tmpdir, 0755), 0);
        ck_assert_int_eq(chown(tmpdir, 1000, 1000), 0);
        load_refused(true, pathf("%s: not owned by root", tmpdir));
        ck_assert_int_eq(chown(tmpdir, 0, 0), 0);
        ck_assert_str_eq(loaded_rule(true), pathf("%s/10-a.conf:1", dd));

        /* a symlink above the main file */
        struct policy *p;
        md_error err = {0};
        const char *link = pathf("%s-link", tmpdir);
        char ln[PATH_MAX * 2];
        snprintf(ln, sizeof ln, "%s", link);
        ck_assert_int_eq(symlink(tmpdir, ln), 0);
        ck_assert_int_eq(policy_load(pathf("%s/policy.conf", ln), NULL, true, &p, &err), -1);
        ck_assert_msg(strstr(err.message, pathf("%s: is a symlink", ln)), "%s", err.message);
        md_error_clear(&err);
        ck_assert_int_eq(policy_load(pathf("%s/policy.conf", ln), NULL, false, &p, &err), 0);
        policy_free(p);
        unlink(ln);
        remove_tmpdir();
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("policy");
        TCase *tc = tcase_create("policy");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, example_parses);
        tcase_add_test(tc, helper_section);
        tcase_add_test(tc, image_and_exec_alone);
        tcase_add_test(tc, parse_errors);
        tcase_add_test(tc, comments_and_words);
        tcase_add_test(tc, warnings);
        tcase_add_test(tc, last_match_wins_whole);
        tcase_add_test(tc, default_deny);
        tcase_add_test(tc, images);
        tcase_add_test(tc, networks_privileged_parameters_limits_fetch);
        tcase_add_test(tc, parameter_values);
        tcase_add_test(tc, resource_claims_and_default_mem);
        tcase_add_test(tc, volumes);
        tcase_add_test(tc, container_users);
        tcase_add_test(tc, readers);
        tcase_add_test(tc, aspect_names);
        tcase_add_test(tc, dropins_in_name_order);
        tcase_add_test(tc, owner_checks_as_anyone);
        tcase_add_test(tc, owner_checks_as_root);
        tcase_add_test(tc, keep_exited_durations);
        suite_add_tcase(s, tc);
        return s;
}
