/* TaskInfo parsing, its translation into a create request, and the policy request: what a
 * user sees (the exit code and the message naming the field), and what docker is asked. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "json_cleanup.h"
#include "task.h"
#include "task_internal.h"

/* JSON written with single quotes, for legibility: 'x' -> "x" (no test string needs a '). */
static char *J(const char *s)
{
        char *out = strdup(s);
        for (char *p = out; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return out;
}

static struct task_spec *parse_ok(const char *single_quoted)
{
        char *json = J(single_quoted);
        struct task_spec *t = NULL;
        md_error err = {0};
        int r = task_parse(json, strlen(json), &t, &err);
        ck_assert_msg(r == 0, "parse failed: %s\n  for %s", err.message, json);
        ck_assert_ptr_nonnull(t);
        free(json);
        return t;
}

static void parse_fails(const char *single_quoted, const char *message, bool prefix_only)
{
        char *json = J(single_quoted);
        struct task_spec *t = NULL;
        md_error err = {0};
        int r = task_parse(json, strlen(json), &t, &err);
        ck_assert_msg(r == -1, "parse succeeded but should fail: %s", json);
        ck_assert_ptr_null(t);
        ck_assert_int_eq(err.exit_code, MD_EXIT_BAD_TASK);
        if (prefix_only)
                ck_assert_msg(strncmp(err.message, message, strlen(message)) == 0,
                              "message \"%s\" does not start with \"%s\"", err.message, message);
        else
                ck_assert_str_eq(err.message, message);
        free(json);
}

#define DOCKER(extra) "'container':{'type':'DOCKER','docker':{'image':'busybox'" extra "}}"
#define TASK(extra) "{'task_id':{'value':'t1'}," extra "}"

/* ----- errors: every one names its field ----- */

struct err_case {
        const char *json;
        const char *message;
        bool prefix;
};

static const struct err_case err_cases[] = {
        {"not json", "task: invalid JSON at line 1", true},
        /* a field that no Mesos message has: refused with the name it was probably meant to be */
        {TASK("'contianer':{'type':'DOCKER'}"),
         "contianer: no such field in TaskInfo (did you mean container?)", false},
        {TASK(DOCKER(",'netwrok':'HOST'")),
         "container.docker.netwrok: no such field in DockerInfo (did you mean network?)", false},
        {TASK(DOCKER(",'portMapings':[]")),
         "container.docker.portMapings: no such field in DockerInfo (did you mean portMappings?)", false},
        {TASK(DOCKER(",'port_mappings':[{'host_port':1,'container_port':2},{'hostport':1}]")),
         "container.docker.port_mappings[1].hostport: no such field in DockerInfo.PortMapping (did you mean "
         "host_port?)",
         false},
        {TASK("'command':{'valeu':'x'}," DOCKER("")),
         "command.valeu: no such field in CommandInfo (did you mean value?)", false},
        {TASK("'command':{'uris':[{'value':'x','extrat':true}]}," DOCKER("")),
         "command.uris[0].extrat: no such field in CommandInfo.URI (did you mean extract?)", false},
        {TASK("'resources':[{'name':'cpus','type':'SCALAR','scalar':{'vale':1}}]," DOCKER("")),
         "resources[0].scalar.vale: no such field in Value.Scalar (did you mean value?)", false},
        {TASK("'executor':{'executor_id':{'value':'e'},'containr':{}}," DOCKER("")),
         "executor.containr: no such field in ExecutorInfo (did you mean container?)", false},
        {TASK("'zzz':1," DOCKER("")), "zzz: no such field in TaskInfo", false},
        {TASK("'a b':1," DOCKER("")), "\"a b\": no such field in TaskInfo", false},
        {"{'task_id':{'value':'t1','valeu':'x'}," DOCKER("") "}",
         "task_id.valeu: no such field in TaskID (did you mean value?)", false},
        {"[1]", "task: expected a JSON object (a TaskInfo)", false},
        {TASK(DOCKER(",'network':'HOST'") ",'name':'a\\u0000b'"), "task: invalid JSON", true},
        {"{'task_id':{'value':'t1'},'task_id':{'value':'t2'}," DOCKER("") "}", "task: invalid JSON", true},
        {TASK("'command':{'value':'x'}"), "container: missing: a task without a container is not DOCKER",
         false},
        {TASK("'container':{'type':'MESOS','mesos':{}}"),
         "container.type: MESOS, not DOCKER: this containerizer runs DOCKER containers only", false},
        {TASK("'container':{'type':2}"),
         "container.type: MESOS, not DOCKER: this containerizer runs DOCKER containers only", false},
        {TASK("'container':{'docker':{'image':'busybox'}}"), "container.type: missing", false},
        {TASK("'container':{'type':'FOO'}"), "container.type: unknown value \"FOO\" (DOCKER or MESOS)",
         false},
        {TASK("'container':{'type':'docker'}"), "container.type: unknown value \"docker\" (DOCKER or MESOS)",
         false},
        {TASK("'container':{'type':'DOCKER'}"), "container.docker: missing", false},
        {TASK("'container':'DOCKER'"), "container: expected an object, not a string", false},
        {TASK("'container':{'type':'DOCKER','docker':{}}"), "container.docker.image: missing", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':7}}"),
         "container.docker.image: expected a string, not a number", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':''}}"), "container.docker.image: empty", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'-x'}}"), "container.docker.image: ", true},
        {TASK(DOCKER(",'network':'HOSTT'")),
         "container.docker.network: unknown value \"HOSTT\" (HOST, BRIDGE, NONE or USER)", false},
        {TASK(DOCKER(",'network':'host'")),
         "container.docker.network: unknown value \"host\" (HOST, BRIDGE, NONE or USER)", false},
        {TASK(DOCKER(",'network':'A\\u0001\\\"B'")),
         "container.docker.network: unknown value \"A\\x01\\\"B\"", true},
        {TASK(DOCKER(",'network':9")),
         "container.docker.network: unknown value 9 (HOST, BRIDGE, NONE or USER)", false},
        {TASK(DOCKER(",'network':'USER'")),
         "container.docker.network: USER networks are not supported (HOST, BRIDGE or NONE)", false},
        {TASK(DOCKER(",'port_mappings':[{'host_port':80,'container_port':80}]")),
         "container.docker.port_mappings: only with network BRIDGE", false},
        {TASK(DOCKER(",'network':'NONE','port_mappings':[{'host_port':80,'container_port':80}]")),
         "container.docker.port_mappings: only with network BRIDGE", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':0,'container_port':80}]")),
         "container.docker.port_mappings[0].host_port: must be between 1 and 65535", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':80,'container_port':70000}]")),
         "container.docker.port_mappings[0].container_port: must be at most 65535", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':-1,'container_port':80}]")),
         "container.docker.port_mappings[0].host_port: must not be negative", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':'80x','container_port':80}]")),
         "container.docker.port_mappings[0].host_port: expected a number, not \"80x\"", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':'0x50','container_port':80}]")),
         "container.docker.port_mappings[0].host_port: expected a number, not \"0x50\"", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':1.5,'container_port':80}]")),
         "container.docker.port_mappings[0].host_port: expected a whole number", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'container_port':80}]")),
         "container.docker.port_mappings[0].host_port: missing", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':80,'container_port':80,'protocol':'"
                     "sctp'}]")),
         "container.docker.port_mappings[0].protocol: unknown value \"sctp\" (tcp or udp)", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[{'host_port':8080,'container_port':80},"
                     "{'host_port':8080,'container_port':81,'protocol':'TCP'}]")),
         "container.docker.port_mappings[1]: host port 8080/tcp is mapped twice (also "
         "container.docker.port_mappings[0])",
         false},
        {TASK(DOCKER(",'network':'BRIDGE','portMappings':[{'hostPort':0,'containerPort':80}]")),
         "container.docker.portMappings[0].hostPort: must be between 1 and 65535", false},
        {TASK(DOCKER(",'network':'BRIDGE','port_mappings':[7]")),
         "container.docker.port_mappings[0]: expected an object", false},
        {TASK(DOCKER(",'privileged':'yes'")),
         "container.docker.privileged: expected true or false, not a string", false},
        {TASK(DOCKER(",'force_pull_image':1")),
         "container.docker.force_pull_image: expected true or false, not a number", false},
        {TASK(DOCKER(",'volume_driver':'flocker'")),
         "container.docker.volume_driver: named volumes are not supported", false},
        {TASK(DOCKER("") ",'command':{'value':'x','shell':false,'arguments':['a','b',3]}"),
         "command.arguments[2]: expected a string, not a number", false},
        {TASK(DOCKER("") ",'command':{'shell':'false'}"),
         "command.shell: expected true or false, not a string", false},
        {TASK(DOCKER("") ",'command':'echo'"), "command: expected an object, not a string", false},
        {TASK(DOCKER("") ",'command':{'arguments':'a b'}"),
         "command.arguments: expected an array, not a string", false},
        {TASK(DOCKER("") ",'command':{'user':''}"), "command.user: empty", false},
        {TASK(DOCKER("") ",'command':{'user':'a\\nb'}"), "command.user: not a user name", false},
        {TASK(DOCKER("") ",'command':{'uris':[{'value':'foo/bar'}]}"),
         "command.uris[0].value: \"foo/bar\" is neither a URI with a scheme nor an absolute path", false},
        {TASK(DOCKER("") ",'command':{'uris':[{'executable':true}]}"), "command.uris[0].value: missing",
         false},
        {TASK(DOCKER("") ",'command':{'uris':[{'value':'http://h/x','extract':'no'}]}"),
         "command.uris[0].extract: expected true or false, not a string", false},
        {TASK(DOCKER("") ",'command':{'uris':[{'value':'http://h/x','output_file':'/etc/x'}]}"),
         "command.uris[0].output_file: must be relative to the sandbox", false},
        {TASK(DOCKER("") ",'command':{'uris':[{'value':'http://h/x','outputFile':'a/../../x'}]}"),
         "command.uris[0].outputFile: \"..\" is not allowed", false},
        {TASK(DOCKER("") ",'command':{'uris':[{'value':'http://h/x','output_file':'.'}]}"),
         "command.uris[0].output_file: names the sandbox itself", false},
        {TASK(DOCKER(
                 "") ",'command':{'environment':{'variables':[{'name':'A','type':'SECRET','secret':{}}]}}"),
         "command.environment.variables[0].type: SECRET variables are not supported", false},
        {TASK(DOCKER("") ",'command':{'environment':{'variables':[{'name':'A=B','value':'x'}]}}"),
         "command.environment.variables[0].name: \"A=B\" is not a variable name", false},
        {TASK(DOCKER("") ",'command':{'environment':{'variables':[{'name':'A'}]}}"),
         "command.environment.variables[0].value: missing", false},
        {TASK(DOCKER("") ",'command':{'environment':{'variables':[{'name':'A','value':1}]}}"),
         "command.environment.variables[0].value: expected a string, not a number", false},
        {"{" DOCKER("") "}", "task_id: missing", false},
        {"{'task_id':{'value':''}," DOCKER("") "}", "task_id.value: empty", false},
        {"{'task_id':{}," DOCKER("") "}", "task_id.value: missing", false},
        {"{'task_id':'t1'," DOCKER("") "}", "task_id: expected an object, not a string", false},
        {"{'task_id':{'value':'t1'},'taskId':{'value':'t1'}," DOCKER("") "}",
         "task_id: given twice, as \"task_id\" and \"taskId\"", false},
        {TASK(DOCKER("") ",'name':5"), "name: expected a string, not a number", false},
        /* resources */
        {TASK(DOCKER("") ",'resources':[{'name':'cpus','type':'SCALAR','scalar':{'value':1}},"
                         "{'name':'mem','type':'SCALAR','scalar':{'value':'x'}}]"),
         "resources[1].scalar.value: expected a number, not \"x\"", false},
        {TASK(DOCKER("") ",'resources':[{'name':'cpus','type':'SCALAR','scalar':{'value':1}},"
                         "{'name':'mem','type':'SCALAR','scalar':{'value':true}}]"),
         "resources[1].scalar.value: expected a number, not a boolean", false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','scalar':{'value':-5}}]"),
         "resources[0].scalar.value: must not be negative", false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','scalar':{'value':'NaN'}}]"),
         "resources[0].scalar.value: not a finite number", false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','scalar':{'value':'-Infinity'}}]"),
         "resources[0].scalar.value: not a finite number", false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','scalar':{'value':1e999}}]"), "task: invalid JSON",
         true},
        {TASK(DOCKER("") ",'resources':[{'name':'cpus','scalar':{'value':1}},{'name':'cpus','scalar':{'value'"
                         ":2}}]"),
         "resources[1]: duplicate resource \"cpus\" (also resources[0])", false},
        {TASK(DOCKER("") ",'resources':[{'name':'cpus','type':'RANGES','ranges':{}}]"),
         "resources[0].type: cpus must be SCALAR", false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','type':'SCALAR'}]"), "resources[0].scalar: missing",
         false},
        {TASK(DOCKER("") ",'resources':[{'name':'mem','type':'SCALAR','scalar':{}}]"),
         "resources[0].scalar.value: missing", false},
        {TASK(DOCKER("") ",'resources':[{'type':'SCALAR','scalar':{'value':1}}]"),
         "resources[0].name: missing", false},
        {TASK(DOCKER("") ",'resources':[{'name':'cpus','scalar':{'value':5000}}]"),
         "resources[0].scalar.value: more than 4096 cpus", false},
        {TASK(DOCKER("") ",'resources':[{'name':'disk','type':'BLOB'}]"),
         "resources[0].type: unknown value \"BLOB\" (SCALAR, RANGES, SET or TEXT)", false},
        {TASK(DOCKER("") ",'resources':{'name':'cpus'}"), "resources: expected an array, not an object",
         false},
        {TASK(DOCKER("") ",'resources':[3]"), "resources[0]: expected an object", false},
        /* volumes */
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':[{'container_path':'/"
              "data','mode':'RW'}]}"),
         "container.volumes[0].host_path: missing: anonymous volumes are not supported, give a host path "
         "(a relative one is in the sandbox)",
         false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':[{'container_path':'/"
              "d','host_path':'d'}]}"),
         "container.volumes[0].mode: missing (RW or RO)", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'/d','host_path':'d','mode':'rw'}]}"),
         "container.volumes[0].mode: unknown value \"rw\" (RW or RO)", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':[{'host_path':'d','mode':'"
              "RW'}]}"),
         "container.volumes[0].container_path: missing", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'a/../../etc','host_path':'d','mode':'RW'}]}"),
         "container.volumes[0].container_path: \"..\" is not allowed", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'containerPath':'/d','hostPath':'../x','mode':'RW'}]}"),
         "container.volumes[0].hostPath: \"..\" is not allowed", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'/d','host_path':'/a:b','mode':'RW'}]}"),
         "container.volumes[0].host_path: a path with ':' cannot be bind-mounted", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'//','host_path':'/srv','mode':'RW'}]}"),
         "container.volumes[0].container_path: cannot mount over /", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'./','host_path':'/srv','mode':'RW'}]}"),
         "container.volumes[0].container_path: the sandbox is mounted there", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'data','host_path':'a','mode':'RW'},"
              "{'container_path':'/mnt/mesos/sandbox/data/','host_path':'b','mode':'RO'}]}"),
         "container.volumes[1]: /mnt/mesos/sandbox/data is mounted twice (also container.volumes[0])", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},"
              "'volumes':[{'container_path':'/d','mode':'RW','source':{'type':'DOCKER_VOLUME'}}]}"),
         "container.volumes[0].source: volume sources are not supported: give host_path", false},
        {TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'hostname':'bad host'}"),
         "container.hostname: \"bad host\" is not a host name", false},
        /* parameters */
        {TASK(DOCKER(",'parameters':[{'key':'foo','value':'x'}]")),
         "container.docker.parameters[0].key: unknown docker parameter \"foo\"", false},
        {TASK(DOCKER(",'parameters':[{'key':'env','value':'A=1'},{'key':'--env','value':'B=2'}]")),
         "container.docker.parameters[1].key: give the option's name without dashes (\"env\", not \"--env\")",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'volume','value':'/etc:/etc'}]")),
         "container.docker.parameters[0].key: \"volume\" is not supported: use container.volumes: host paths "
         "go "
         "through the volume policy",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'v','value':'/etc:/etc'}]")),
         "container.docker.parameters[0].key: \"v\" is not supported: use container.volumes: host paths go "
         "through the volume policy",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'log-driver','value':'none'}]")),
         "container.docker.parameters[0].key: \"log-driver\" is not supported: the helper reads the output "
         "through "
         "the json-file log driver",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'volumes-from','value':'mesos-other'}]")),
         "container.docker.parameters[0].key: \"volumes-from\" is not supported: it would reach into other "
         "containers",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'workdir','value':'/a'},{'key':'w','value':'/b'}]")),
         "container.docker.parameters[1].key: \"workdir\" given twice (also parameters[0])", false},
        {TASK(DOCKER(",'parameters':[{'key':'label','value':'org.apache.mesos.docker.owner-uid=0'}]")),
         "container.docker.parameters[0].value: \"org.apache.mesos.docker.owner-uid\" is a label the helper "
         "sets "
         "(org.apache.mesos.docker.*)",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'env','value':'FOO'}]")),
         "container.docker.parameters[0].value: \"FOO\" is not NAME=VALUE", false},
        {TASK(DOCKER(",'parameters':[{'key':'shm-size','value':'lots'}]")),
         "container.docker.parameters[0].value: \"lots\" is not a size (e.g. 64m, 1g)", false},
        {TASK(DOCKER(",'parameters':[{'key':'cpu-shares','value':'1'}]")),
         "container.docker.parameters[0].value: \"1\" is not between 2 and 262144", false},
        {TASK(DOCKER(",'parameters':[{'key':'stop-timeout','value':'ten'}]")),
         "container.docker.parameters[0].value: \"ten\" is not a whole number", false},
        {TASK(DOCKER(",'parameters':[{'key':'pid','value':'container:mesos-x'}]")),
         "container.docker.parameters[0].value: \"container:mesos-x\" would join another container's "
         "namespace",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'ipc','value':'sideways'}]")),
         "container.docker.parameters[0].value: \"sideways\" is not one of: host private shareable none",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'net','value':'container:x'}]")),
         "container.docker.parameters[0].value: \"container:x\" would join another container's namespace",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'init','value':'yes'}]")),
         "container.docker.parameters[0].value: \"yes\" is not true or false", false},
        {TASK(DOCKER(",'parameters':[{'key':'workdir','value':'rel'}]")),
         "container.docker.parameters[0].value: \"rel\" is not an absolute path", false},
        {TASK(DOCKER(",'parameters':[{'key':'ulimit','value':'nofile=2048:1024'}]")),
         "container.docker.parameters[0].value: \"nofile=2048:1024\" has a soft limit above the hard one",
         false},
        {TASK(DOCKER(",'parameters':[{'key':'ulimit','value':'files=1'}]")),
         "container.docker.parameters[0].value: \"files\" is not a ulimit", false},
        {TASK(DOCKER(
                 ",'parameters':[{'key':'ulimit','value':'nofile=1'},{'key':'ulimit','value':'nofile=2'}]")),
         "container.docker.parameters[1].value: \"nofile\" is given twice", false},
        {TASK(DOCKER(",'parameters':[{'key':'dns','value':'8.8.8'}]")),
         "container.docker.parameters[0].value: \"8.8.8\" is not an IP address", false},
        {TASK(DOCKER(",'parameters':[{'key':'add-host','value':'db'}]")),
         "container.docker.parameters[0].value: \"db\" is not HOST:IP", false},
        {TASK(DOCKER(",'parameters':[{'key':'stop-signal','value':'SIGFOO'}]")),
         "container.docker.parameters[0].value: \"SIGFOO\" is not a signal (SIGTERM, TERM or 15)", false},
        {TASK(DOCKER(",'parameters':[{'key':'tmpfs','value':'run'}]")),
         "container.docker.parameters[0].value: \"run\" is not PATH[:OPTIONS] with an absolute path", false},
        {TASK(DOCKER(",'parameters':[{'key':'device','value':'/dev/fuse:rwx'}]")),
         "container.docker.parameters[0].value: \"rwx\" are not device permissions (r, w, m)", false},
        {TASK(DOCKER(",'parameters':[{'key':'user','value':'a b'}]")),
         "container.docker.parameters[0].value: \"a b\" is not a user", false},
        {TASK(DOCKER(",'parameters':[{'key':'env'}]")), "container.docker.parameters[0].value: missing",
         false},
        {TASK(DOCKER(",'parameters':[{'value':'x'}]")), "container.docker.parameters[0].key: missing", false},
        {TASK(DOCKER(",'parameters':[{'key':'user','value':'nobody'}]") ",'command':{'user':'root'}"),
         "container.docker.parameters[0].value: user \"nobody\" conflicts with the command's user \"root\"",
         false},
        /* executor mode */
        {TASK("'executor':{'executor_id':{'value':'e1'},'container':{'type':'MESOS'}}," DOCKER("")),
         "executor.container.type: MESOS, not DOCKER: this containerizer runs DOCKER containers only", false},
        {TASK("'executor':{'executor_id':{'value':'e1'},'container':{'type':'DOCKER'}}"),
         "executor.container.docker: missing", false},
        {TASK("'executor':{'executor_id':{'value':'e1'},'container':{'type':'DOCKER','docker':{'image':'b',"
              "'parameters':[{'key':'nope','value':''}]}}}"),
         "executor.container.docker.parameters[0].key: unknown docker parameter \"nope\"", false},
        {TASK("'executor':{'container':{'type':'DOCKER','docker':{'image':'b'}},'command':{'value':1}}"),
         "executor.command.value: expected a string, not a number", false},
        {TASK("'executor':{'container':{'type':'DOCKER','docker':{'image':'b'}},"
              "'resources':[{'name':'mem','scalar':{'value':-1}}]}"),
         "executor.resources[0].scalar.value: must not be negative", false},
        {"{'executor':{'container':{'type':'DOCKER','docker':{'image':'b'}}}}", "task_id: missing", false},
};

START_TEST(test_parse_errors)
{
        const struct err_case *c = &err_cases[_i];
        parse_fails(c->json, c->message, c->prefix);
}
END_TEST

static char *repeat_items(const char *prefix, const char *item, size_t n, const char *suffix)
{
        size_t len = strlen(prefix) + n * (strlen(item) + 1) + strlen(suffix) + 1;
        char *s = malloc(len), *p = s;
        p += sprintf(p, "%s", prefix);
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%s%s", i ? "," : "", item);
        sprintf(p, "%s", suffix);
        return s;
}

#define HEAD "{'task_id':{'value':'t1'},"
#define IMAGE "'container':{'type':'DOCKER','docker':{'image':'b'"

START_TEST(test_limits)
{
        char *s = repeat_items(HEAD IMAGE "}},'command':{'shell':false,'arguments':[", "'a'", 4097, "]}}");
        parse_fails(s, "command.arguments: more than 4096 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE "}},'command':{'shell':false,'arguments':[", "'a'", 4096, "]}}");
        struct task_spec *t = parse_ok(s);
        ck_assert_uint_eq(t->n_arguments, 4096);
        task_free(t);
        free(s);

        s = repeat_items(HEAD IMAGE "},'volumes':[", "{'container_path':'/d','host_path':'d','mode':'RW'}",
                         65, "]}}");
        parse_fails(s, "container.volumes: more than 64 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE ",'parameters':[", "{'key':'env','value':'A=1'}", 65, "]}}}");
        parse_fails(s, "container.docker.parameters: more than 64 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE ",'parameters':[", "{'key':'env','value':'A=1'}", 64, "]}}}");
        t = parse_ok(s);
        ck_assert_uint_eq(t->n_parameters, 64);
        task_free(t);
        free(s);
        s = repeat_items(HEAD IMAGE "}},'command':{'uris':[", "{'value':'http://h/x'}", 65, "]}}");
        parse_fails(s, "command.uris: more than 64 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE ",'network':'BRIDGE','port_mappings':[",
                         "{'host_port':1,'container_port':1}", 65, "]}}}");
        parse_fails(s, "container.docker.port_mappings: more than 64 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE "}},'command':{'environment':{'variables':[", "{'name':'A','value':'1'}",
                         4097, "]}}}");
        parse_fails(s, "command.environment.variables: more than 4096 items", false);
        free(s);
        s = repeat_items(HEAD IMAGE "}},'resources':[", "{'name':'x'}", 257, "]}");
        parse_fails(s, "resources: more than 256 items", false);
        free(s);

        /* one string of 64 KiB passes, one byte more does not */
        char *big = malloc(TASK_MAX_STRING + 200);
        for (size_t n = TASK_MAX_STRING; n <= TASK_MAX_STRING + 1; n++) {
                char *v = malloc(n + 1);
                memset(v, 'x', n);
                v[n] = '\0';
                snprintf(big, TASK_MAX_STRING + 200, TASK(DOCKER("") ",'command':{'value':'%s'}"), v);
                if (n == TASK_MAX_STRING) {
                        t = parse_ok(big);
                        ck_assert_uint_eq(strlen(t->value), n);
                        task_free(t);
                } else {
                        parse_fails(big, "command.value: longer than 65536 bytes", false);
                }
                free(v);
        }
        free(big);

        /* the whole text */
        md_error err = {0};
        struct task_spec *none = NULL;
        char *huge = calloc(1, TASK_MAX_TEXT + 2);
        memset(huge, ' ', TASK_MAX_TEXT + 1);
        ck_assert_int_eq(task_parse(huge, TASK_MAX_TEXT + 1, &none, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_BAD_TASK);
        ck_assert_str_eq(err.message, "task: larger than 4194304 bytes");
        ck_assert_ptr_null(none);
        free(huge);
}
END_TEST

START_TEST(test_message_quoting)
{
        /* a hostile value is cut and escaped: one short line on stderr */
        char x70[71], json[256], want[256];
        memset(x70, 'X', 70);
        x70[70] = '\0';
        snprintf(json, sizeof json, TASK(DOCKER(",'network':'%s'")), x70);
        snprintf(want, sizeof want, "container.docker.network: unknown value \"%.64s...\" (", x70);
        parse_fails(json, want, true);
        /* never inside a UTF-8 character: 63 ASCII bytes, then a 2-byte é */
        snprintf(json, sizeof json, TASK(DOCKER(",'network':'%.63s\u00e9Z'")), x70);
        snprintf(want, sizeof want, "container.docker.network: unknown value \"%.63s\xc3\xa9...\" (", x70);
        parse_fails(json, want, true);
}
END_TEST

/* ----- what a valid task becomes ----- */

START_TEST(test_parse_minimal)
{
        struct task_spec *t = parse_ok("{'task_id':{'value':'t1'},'command':{'value':'echo hi'},"
                                       "'container':{'type':'DOCKER','docker':{'image':'busybox'}}}");
        ck_assert_int_eq(t->mode, TASK_MODE_TASK);
        ck_assert_str_eq(t->task_id, "t1");
        ck_assert_str_eq(t->image, "busybox");
        ck_assert_str_eq(t->image_normalized, "docker.io/library/busybox:latest");
        ck_assert_int_eq(t->network, TASK_NETWORK_HOST);
        ck_assert(t->shell);
        ck_assert(t->has_value);
        ck_assert_str_eq(t->value, "echo hi");
        ck_assert(!t->privileged);
        ck_assert(!t->force_pull);
        ck_assert_ptr_null(t->user);
        ck_assert_ptr_null(t->container_user);
        ck_assert_str_eq(t->docker_path, "container.docker");
        ck_assert(t->cpus == 0);
        ck_assert_uint_eq(t->mem_mb, 0);
        task_free(t);
}
END_TEST

START_TEST(test_parse_camel_case)
{
        struct task_spec *t =
                parse_ok("{'taskId':{'value':'t2'},'slaveId':{'value':'s'},'command':{'shell':false,'value':'"
                         "/bin/true',"
                         "'uris':[{'value':'HTTP://h/"
                         "a.tgz','outputFile':'a.tgz','executable':true,'extract':false,'cache':true}]},"
                         "'container':{'type':'DOCKER','volumes':[{'containerPath':'/data','hostPath':'/srv/"
                         "x','mode':'RO'}],"
                         "'docker':{'image':'busybox','network':'BRIDGE','forcePullImage':true,"
                         "'portMappings':[{'hostPort':'31000','containerPort':80,'protocol':'udp'}]}}}");
        ck_assert_str_eq(t->task_id, "t2");
        ck_assert(t->force_pull);
        ck_assert_uint_eq(t->n_ports, 1);
        ck_assert_uint_eq(t->ports[0].host_port, 31000);
        ck_assert_uint_eq(t->ports[0].container_port, 80);
        ck_assert_str_eq(t->ports[0].protocol, "udp");
        ck_assert_uint_eq(t->n_volumes, 1);
        ck_assert_str_eq(t->volumes[0].container_path, "/data");
        ck_assert_str_eq(t->volumes[0].container_target, "/data");
        ck_assert_str_eq(t->volumes[0].host_path, "/srv/x");
        ck_assert(!t->volumes[0].read_write);
        ck_assert_uint_eq(t->n_uris, 1);
        ck_assert_str_eq(t->uris[0].output_file, "a.tgz");
        ck_assert(t->uris[0].executable);
        ck_assert(!t->uris[0].extract);
        ck_assert(t->uris[0].cache);
        ck_assert(!t->shell);
        task_free(t);
}
END_TEST

START_TEST(test_parse_defaults_and_nulls)
{
        /* null is the field's default in the protobuf JSON mapping; numbers by enum number */
        struct task_spec *t =
                parse_ok("{'task_id':{'value':'t'},'command':{'value':null,'shell':null,'arguments':null,"
                         "'uris':[{'value':'/opt/x.tar.gz'}]},'executor':null,"
                         "'container':{'type':1,'docker':{'image':'busybox','network':2,'privileged':null,"
                         "'port_mappings':[{'host_port':8080,'container_port':80}]},'volumes':null},"
                         "'labels':{'labels':[]}}");
        ck_assert(t->shell);
        ck_assert(!t->has_value);
        ck_assert_int_eq(t->network, TASK_NETWORK_BRIDGE);
        ck_assert_str_eq(t->ports[0].protocol, "tcp");
        ck_assert(t->uris[0].extract); /* the proto's default */
        ck_assert(!t->uris[0].executable);
        ck_assert(!t->uris[0].cache);
        ck_assert_ptr_null(t->uris[0].output_file);
        ck_assert_uint_eq(t->n_volumes, 0);
        task_free(t);
}
END_TEST

START_TEST(test_parse_executor_mode)
{
        struct task_spec *t = parse_ok(
                "{'task_id':{'value':'task-9'},"
                "'resources':[{'name':'cpus','type':'SCALAR','scalar':{'value':0.5}},{'name':'mem','scalar':{"
                "'value':64}}],"
                "'command':{'value':'ignored'},"
                "'container':{'type':'MESOS'},"
                "'executor':{'executor_id':{'value':'exec-1'},'command':{'value':'/"
                "exec','shell':false,'arguments':['-v']},"
                "'resources':[{'name':'cpus','scalar':{'value':0.25}},{'name':'mem','scalar':{'value':32.5}}]"
                ","
                "'container':{'type':'DOCKER','docker':{'image':'me/executor:2','network':'NONE'}}}}");
        ck_assert_int_eq(t->mode, TASK_MODE_EXECUTOR);
        ck_assert_str_eq(t->task_id, "task-9");
        ck_assert_str_eq(t->value, "/exec");
        ck_assert(!t->shell);
        ck_assert_uint_eq(t->n_arguments, 1);
        ck_assert_str_eq(t->image_normalized, "docker.io/me/executor:2");
        ck_assert_int_eq(t->network, TASK_NETWORK_NONE);
        ck_assert(t->cpus == 0.75);
        ck_assert_uint_eq(t->mem_mb, 97); /* 64 + 32.5, rounded up */
        ck_assert_str_eq(t->docker_path, "executor.container.docker");
        task_free(t);

        /* no task id: the executor's id names it */
        t = parse_ok("{'executor':{'executorId':{'value':'exec-2'},"
                     "'container':{'type':'DOCKER','docker':{'image':'busybox'}}}}");
        ck_assert_str_eq(t->task_id, "exec-2");
        ck_assert(!t->has_value);
        task_free(t);

        /* an executor without a container: the task's own container runs, as a task */
        t = parse_ok(TASK("'executor':{'executor_id':{'value':'e'}}," DOCKER("")));
        ck_assert_int_eq(t->mode, TASK_MODE_TASK);
        task_free(t);
}
END_TEST

START_TEST(test_parse_numbers_as_strings)
{
        struct task_spec *t =
                parse_ok(TASK(DOCKER("") ",'resources':[{'name':'cpus','scalar':{'value':'1.5'}},"
                                         "{'name':'mem','scalar':{'value':'128'}},"
                                         "{'name':'ports','type':'RANGES','ranges':{'range':[]}},"
                                         "{'name':'disk','type':'SCALAR','scalar':{'value':100}}]"));
        ck_assert(t->cpus == 1.5);
        ck_assert_uint_eq(t->mem_mb, 128);
        task_free(t);
}
END_TEST

START_TEST(test_parse_volumes)
{
        struct task_spec *t =
                parse_ok(TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':["
                              "{'container_path':'data','host_path':'work/data','mode':'RW'},"
                              "{'container_path':'/opt//x/./','host_path':'/srv/shared','mode':'RO'}]}"));
        ck_assert_uint_eq(t->n_volumes, 2);
        ck_assert_str_eq(t->volumes[0].container_target, "/mnt/mesos/sandbox/data");
        ck_assert_str_eq(t->volumes[0].host_path, "work/data");
        ck_assert(t->volumes[0].read_write);
        ck_assert_str_eq(t->volumes[1].container_target, "/opt/x");
        ck_assert(!t->volumes[1].read_write);
        task_free(t);
}
END_TEST

START_TEST(test_parse_parameters_effects)
{
        struct task_spec *t = parse_ok(TASK(DOCKER(",'parameters':[{'key':'u','value':'nobody'},"
                                                   "{'key':'privileged','value':'true'}]")));
        ck_assert_str_eq(t->container_user, "nobody");
        ck_assert(t->privileged);
        task_free(t);

        t = parse_ok(TASK(DOCKER(",'privileged':true,'parameters':[{'key':'privileged','value':'false'}]")));
        ck_assert(!t->privileged); /* the parameter comes last on docker's command line, and wins */
        task_free(t);

        t = parse_ok(TASK(DOCKER("") ",'command':{'user':'mesos'}"));
        ck_assert_str_eq(t->container_user, "mesos");
        task_free(t);

        t = parse_ok(
                TASK(DOCKER(",'parameters':[{'key':'user','value':'mesos'}]") ",'command':{'user':'mesos'}"));
        ck_assert_str_eq(t->container_user, "mesos");
        task_free(t);
}
END_TEST

/* ----- the create request ----- */

static const char *vol_paths[] = {"/var/lib/sb/t1/work/data", "/srv/shared"};
static const bool vol_ro[] = {false, false};

static struct task_context ctx(void)
{
        return (struct task_context){
                .container_name = "mesos-c1",
                .sandbox = "/var/lib/sb/t1",
                .run_uid = 1001,
                .run_gid = 1002,
                .owner_uid = 1001,
                .volume_host_paths = vol_paths,
                .volume_read_only = vol_ro,
        };
}

static json_t *create_ok(const char *single_quoted)
{
        struct task_spec *t = parse_ok(single_quoted);
        struct task_context c = ctx();
        md_error err = {0};
        json_t *req = task_create_request(t, &c, &err);
        ck_assert_msg(req != NULL, "create failed: %s", err.message);
        task_free(t);
        return req;
}

/* The compact JSON at a dotted path of obj ("HostConfig.Binds"), or "absent". */
static char *at(json_t *obj, const char *path)
{
        char *copy = strdup(path), *save = NULL;
        json_t *v = obj;
        for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
                v = json_object_get(v, k);
        free(copy);
        return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : strdup("absent");
}

static void expect(json_t *req, const char *path, const char *single_quoted)
{
        char *got = at(req, path), *want = J(single_quoted);
        ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", path, got, want);
        free(got);
        free(want);
}

START_TEST(test_create_basic)
{
        json_t *req = create_ok("{'task_id':{'value':'t1'},'command':{'value':'echo hi'},"
                                "'container':{'type':'DOCKER','docker':{'image':'busybox'}}}");
        expect(req, "Image", "'docker.io/library/busybox:latest'");
        expect(req, "Cmd", "['/bin/sh','-c','echo hi']");
        expect(req, "Entrypoint", "absent");
        expect(req, "Env", "['MESOS_SANDBOX=/mnt/mesos/sandbox','MESOS_CONTAINER_NAME=mesos-c1']");
        expect(req, "User", "'1001:1002'");
        expect(req, "WorkingDir", "'/mnt/mesos/sandbox'");
        expect(req, "Labels",
               "{'org.apache.mesos.docker.managed-by':'mesos-docker-helper','org.apache.mesos.docker.owner-"
               "uid':'1001',"
               "'org.apache.mesos.docker.sandbox':'/var/lib/sb/t1','org.apache.mesos.docker.task-id':'t1'}");
        expect(req, "AttachStdout", "true");
        expect(req, "AttachStderr", "true");
        expect(req, "AttachStdin", "false");
        expect(req, "Tty", "false");
        expect(req, "OpenStdin", "false");
        expect(req, "StopSignal", "absent");
        expect(req, "Hostname", "absent");
        expect(req, "ExposedPorts", "absent");
        expect(req, "HostConfig.Binds", "['/var/lib/sb/t1:/mnt/mesos/sandbox:rw']");
        expect(req, "HostConfig.NetworkMode", "'host'");
        expect(req, "HostConfig.Privileged", "false");
        expect(req, "HostConfig.CpuShares", "absent");
        expect(req, "HostConfig.Memory", "absent");
        expect(req, "HostConfig.MemorySwap", "absent");
        expect(req, "HostConfig.PortBindings", "absent");
        expect(req, "HostConfig.LogConfig", "{'Config':{},'Type':'json-file'}");
        expect(req, "HostConfig.SecurityOpt", "['no-new-privileges']");
        json_decref(req);
}
END_TEST

/* the daemon lets the last no-new-privileges in SecurityOpt win: ours comes after the task's */
START_TEST(test_create_no_new_privileges_last)
{
        json_t *req =
                create_ok("{'task_id':{'value':'t1'},'container':{'type':'DOCKER','docker':{'image':'b',"
                          "'parameters':[{'key':'security-opt','value':'no-new-privileges=false'},"
                          "{'key':'security-opt','value':'no-new-privileges:false'}]}}}");
        expect(req, "HostConfig.SecurityOpt",
               "['no-new-privileges=false','no-new-privileges:false','no-new-privileges']");
        json_decref(req);
}
END_TEST

struct cmd_case {
        const char *command;
        const char *cmd;
};

static const struct cmd_case cmd_cases[] = {
        {"", "absent"}, /* no CommandInfo: image default */
        {",'command':{}", "absent"}, /* value unset: image default */
        {",'command':{'shell':true}", "absent"},
        {",'command':{'value':'echo $HOME'}", "['/bin/sh','-c','echo $HOME']"},
        {",'command':{'value':'x','arguments':['ignored']}",
         "['/bin/sh','-c','x']"}, /* Mesos ignores them too */
        {",'command':{'shell':false,'value':'/bin/echo','arguments':['a b','c']}", "['/bin/echo','a b','c']"},
        {",'command':{'shell':false,'arguments':['only','args']}", "['only','args']"},
        {",'command':{'shell':false,'value':''}", "['']"},
        {",'command':{'shell':false}", "absent"},
};

START_TEST(test_create_command_rules)
{
        char json[512];
        snprintf(json, sizeof json, TASK(DOCKER("") "%s"), cmd_cases[_i].command);
        json_t *req = create_ok(json);
        expect(req, "Cmd", cmd_cases[_i].cmd);
        expect(req, "Entrypoint", "absent");
        json_decref(req);
}
END_TEST

struct res_case {
        const char *resources;
        const char *shares;
        const char *memory;
};

static const struct res_case res_cases[] = {
        {"{'name':'cpus','scalar':{'value':0.0001}}", "2", "absent"},
        {"{'name':'cpus','scalar':{'value':0.001}}", "2", "absent"},
        {"{'name':'cpus','scalar':{'value':0.0029}}", "2", "absent"},
        {"{'name':'cpus','scalar':{'value':0.003}}", "3", "absent"},
        {"{'name':'cpus','scalar':{'value':1.5}}", "1536", "absent"},
        {"{'name':'cpus','scalar':{'value':4}}", "4096", "absent"},
        {"{'name':'mem','scalar':{'value':1}}", "absent", "33554432"},
        {"{'name':'mem','scalar':{'value':0.5}}", "absent", "33554432"},
        {"{'name':'mem','scalar':{'value':32}}", "absent", "33554432"},
        {"{'name':'mem','scalar':{'value':100.5}}", "absent", "105906176"},
        {"{'name':'mem','scalar':{'value':1024}},{'name':'cpus','scalar':{'value':2}}", "2048", "1073741824"},
        {"{'name':'disk','scalar':{'value':1024}}", "absent", "absent"},
};

START_TEST(test_create_resources)
{
        char json[512];
        snprintf(json, sizeof json, TASK(DOCKER("") ",'resources':[%s]"), res_cases[_i].resources);
        json_t *req = create_ok(json);
        expect(req, "HostConfig.CpuShares", res_cases[_i].shares);
        expect(req, "HostConfig.Memory", res_cases[_i].memory);
        expect(req, "HostConfig.MemorySwap", "absent");
        json_decref(req);
}
END_TEST

START_TEST(test_create_default_memory)
{
        /* a task without mem runs under the limit the policy gave (its max-mem), never none */
        struct task_spec *t = parse_ok(TASK(DOCKER("")));
        struct task_context c = ctx();
        c.mem_limit_mb = 2048;
        md_error err = {0};
        json_t *req = task_create_request(t, &c, &err);
        expect(req, "HostConfig.Memory", "2147483648");
        expect(req, "HostConfig.MemorySwap", "absent");
        json_decref(req);
        task_free(t);
        t = parse_ok(TASK(DOCKER("") ",'resources':[{'name':'mem','scalar':{'value':64}}]"));
        req = task_create_request(t, &c, &err);
        expect(req, "HostConfig.Memory", "67108864"); /* the task's own mem first */
        json_decref(req);
        task_free(t);
        ck_assert_int_eq(task_memory_bytes(0), 32 << 20);
        ck_assert_int_eq(task_cpu_shares(0.5), 512);
}
END_TEST

START_TEST(test_resource_claims)
{
        struct task_spec *t = parse_ok(
                TASK(DOCKER(",'parameters':[{'key':'c','value':'2048'},{'key':'cpu-quota','value':'150000'},"
                            "{'key':'cpu-period','value':'50000'},{'key':'cpuset-cpus','value':'0-3,2,7'},"
                            "{'key':'memory-swap','value':'1g'},{'key':'memory-reservation','value':'512m'},"
                            "{'key':'shm-size','value':'1.5m'},{'key':'env','value':'A=1'}]")));
        struct policy_claim cl[TASK_MAX_CLAIMS];
        size_t n = 99;
        md_error err = {0};
        ck_assert_int_eq(task_resource_claims(t, cl, &n, &err), 0);
        ck_assert_uint_eq(n, 6);
        static const struct {
                const char *parameter, *value;
                enum policy_claim_kind kind;
                double amount;
        } want[] = {
                {"cpu-shares", "2048", POLICY_CLAIM_CPUS, 2}, /* asked as "c", judged by its name */
                {"cpu-quota", "150000", POLICY_CLAIM_CPUS, 3}, /* quota/period */
                {"cpuset-cpus", "0-3,2,7", POLICY_CLAIM_CPUS, 5}, /* 2 counted once */
                {"memory-swap", "1g", POLICY_CLAIM_MEM_SWAP, 1024},
                {"memory-reservation", "512m", POLICY_CLAIM_MEM, 512},
                {"shm-size", "1.5m", POLICY_CLAIM_MEM, 2}, /* whole MB, rounded up */
        };
        for (size_t i = 0; i < n; i++) {
                ck_assert_str_eq(cl[i].parameter, want[i].parameter);
                ck_assert_str_eq(cl[i].value, want[i].value);
                ck_assert_int_eq(cl[i].kind, want[i].kind);
                ck_assert_msg(cl[i].amount == want[i].amount, "%s: %g", cl[i].parameter, cl[i].amount);
                ck_assert(!cl[i].unlimited);
        }
        task_free(t);

        /* no limit at all, a cpuset beyond any machine, and a quota that caps nothing */
        t = parse_ok(
                TASK(DOCKER(",'parameters':[{'key':'memory-swap','value':'-1'},"
                            "{'key':'cpuset-cpus','value':'0-99999'},{'key':'cpu-quota','value':'-1'}]")));
        ck_assert_int_eq(task_resource_claims(t, cl, &n, &err), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(cl[0].parameter, "cpuset-cpus");
        ck_assert(cl[0].unlimited);
        ck_assert_str_eq(cl[1].parameter, "memory-swap");
        ck_assert(cl[1].unlimited);
        task_free(t);

        /* and they reach the policy request */
        t = parse_ok(TASK(DOCKER(",'parameters':[{'key':'cpu-shares','value':'512'}]")));
        struct task_policy_storage storage;
        struct policy_request req;
        ck_assert_int_eq(task_policy_request(t, NULL, &storage, &req, &err), 0);
        ck_assert_uint_eq(req.n_claims, 1);
        ck_assert(req.claims[0].amount == 0.5);
        task_free(t);
}
END_TEST

START_TEST(test_update_memory_swap)
{
        const int64_t M = 1 << 20;
        /* docker's default ratio, up and down: memory+swap twice the memory */
        ck_assert_int_eq(task_update_memory_swap(256 * M, 64 * M, 128 * M, 4096 * M), 512 * M);
        ck_assert_int_eq(task_update_memory_swap(48 * M, 256 * M, 512 * M, 4096 * M), 96 * M);
        /* a task that asked for no swap keeps none */
        ck_assert_int_eq(task_update_memory_swap(256 * M, 64 * M, 64 * M, 4096 * M), 256 * M);
        /* unknown (0) or unlimited (-1) swap: docker's default */
        ck_assert_int_eq(task_update_memory_swap(256 * M, 64 * M, -1, 4096 * M), 512 * M);
        ck_assert_int_eq(task_update_memory_swap(256 * M, 0, 0, 4096 * M), 512 * M);
        /* never above twice max-mem, never below the memory */
        ck_assert_int_eq(task_update_memory_swap(2048 * M, 32 * M, 4096 * M, 4096 * M), 4096 * M);
        ck_assert_int_eq(task_update_memory_swap(2048 * M, 64 * M, 128 * M, 1024 * M), 2048 * M);
}
END_TEST

START_TEST(test_create_environment_and_labels)
{
        json_t *req = create_ok(
                TASK(DOCKER(",'parameters':[{'key':'e','value':'P=1'},{'key':'label','value':'team=x'},"
                            "{'key':'l','value':'flag'}]") ",'command':{'environment':{'variables':[{'name':'"
                                                           "A','value':'1'},"
                                                           "{'name':'B','value':'x=y'},{'name':'MESOS_"
                                                           "SANDBOX','value':'/x','type':'VALUE'}]}}"));
        expect(req, "Env",
               "['MESOS_SANDBOX=/mnt/mesos/sandbox','MESOS_CONTAINER_NAME=mesos-c1','A=1','B=x=y',"
               "'MESOS_SANDBOX=/x','P=1']");
        expect(req, "Labels.team", "'x'");
        expect(req, "Labels.flag", "''");
        json_decref(req);
}
END_TEST

START_TEST(test_create_volumes)
{
        json_t *req = create_ok(TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':["
                                     "{'container_path':'data','host_path':'work/data','mode':'RW'},"
                                     "{'container_path':'/shared','host_path':'/srv/shared','mode':'RO'}]}"));
        expect(req, "HostConfig.Binds",
               "['/var/lib/sb/t1:/mnt/mesos/sandbox:rw','/var/lib/sb/t1/work/data:/mnt/mesos/sandbox/"
               "data:rw',"
               "'/srv/shared:/shared:ro']");
        json_decref(req);

        /* the policy's :ro cap wins over RW */
        struct task_spec *t =
                parse_ok(TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':["
                              "{'container_path':'data','host_path':'work/data','mode':'RW'},"
                              "{'container_path':'/shared','host_path':'/srv/shared','mode':'RW'}]}"));
        static const bool capped[] = {false, true};
        struct task_context c = ctx();
        c.volume_read_only = capped;
        md_error err = {0};
        req = task_create_request(t, &c, &err);
        ck_assert_ptr_nonnull(req);
        expect(req, "HostConfig.Binds",
               "['/var/lib/sb/t1:/mnt/mesos/sandbox:rw','/var/lib/sb/t1/work/data:/mnt/mesos/sandbox/"
               "data:rw',"
               "'/srv/shared:/shared:ro']");
        json_decref(req);

        /* unresolved host paths are the helper's bug, never guessed at */
        c.volume_host_paths = NULL;
        md_error_clear(&err);
        ck_assert_ptr_null(task_create_request(t, &c, &err));
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_str_eq(
                err.message,
                "volume work/data: host path not resolved to an absolute path that can be bind-mounted");

        c = ctx();
        c.sandbox = "/a:b";
        md_error_clear(&err);
        ck_assert_ptr_null(task_create_request(t, &c, &err));
        ck_assert_int_eq(err.exit_code, MD_EXIT_USAGE);
        task_free(t);
}
END_TEST

/* A launch names the checked sources by the holder's descriptors: anonymous local volumes
 * bound from /proc/PID/fd/N, read-only through the mount options, no copy of the image's files. */
START_TEST(test_create_held_sources)
{
        struct task_spec *t =
                parse_ok(TASK("'container':{'type':'DOCKER','docker':{'image':'busybox'},'volumes':["
                              "{'container_path':'data','host_path':'work/data','mode':'RW'},"
                              "{'container_path':'/shared','host_path':'/srv/shared','mode':'RO'}]}"));
        static const char *held[] = {"/proc/42/fd/7", "/proc/42/fd/8"};
        struct task_context c = ctx();
        c.sandbox_source = "/proc/42/fd/5";
        c.volume_sources = held;
        md_error err = {0};
        json_t *req = task_create_request(t, &c, &err);
        ck_assert_msg(req != NULL, "create failed: %s", err.message);
        expect(req, "HostConfig.Binds", "absent");
        expect(req, "HostConfig.Mounts",
               "[{'Target':'/mnt/mesos/"
               "sandbox','Type':'volume','VolumeOptions':{'DriverConfig':{'Name':'local',"
               "'Options':{'device':'/proc/42/fd/5','o':'rbind','type':'none'}},'NoCopy':true}},"
               "{'Target':'/mnt/mesos/sandbox/data','Type':'volume','VolumeOptions':{'DriverConfig':{'Name':"
               "'local','Options':{'device':'/proc/42/fd/7','o':'rbind','type':'none'}},'NoCopy':true}},"
               "{'Target':'/shared','Type':'volume','VolumeOptions':{'DriverConfig':{'Name':'local',"
               "'Options':{'device':'/proc/42/fd/8','o':'rbind,ro','type':'none'}},'NoCopy':true}}]");
        json_decref(req);

        /* a volume without its descriptor is the helper's bug: never fall back to the path */
        static const char *missing[] = {"/proc/42/fd/7", NULL};
        c.volume_sources = missing;
        md_error_clear(&err);
        ck_assert_ptr_null(task_create_request(t, &c, &err));
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_str_eq(err.message, "volume /srv/shared: no held descriptor to mount");

        /* nor a source that is not a descriptor, or that would add a mount option */
        c.volume_sources = held;
        for (size_t i = 0; i < 2; i++) {
                c.sandbox_source = i == 0 ? "/var/lib/sb/t1" : "/proc/42/fd/5,rw";
                md_error_clear(&err);
                ck_assert_ptr_null(task_create_request(t, &c, &err));
                ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        }
        task_free(t);
}
END_TEST

START_TEST(test_create_network_ports)
{
        json_t *req = create_ok(TASK(DOCKER(",'network':'BRIDGE','port_mappings':["
                                            "{'host_port':31000,'container_port':80},"
                                            "{'host_port':31001,'container_port':80},"
                                            "{'host_port':31000,'container_port':53,'protocol':'udp'}]")));
        expect(req, "HostConfig.NetworkMode", "'bridge'");
        expect(req, "HostConfig.PortBindings",
               "{'53/udp':[{'HostIp':'','HostPort':'31000'}],"
               "'80/tcp':[{'HostIp':'','HostPort':'31000'},{'HostIp':'','HostPort':'31001'}]}");
        expect(req, "ExposedPorts", "{'53/udp':{},'80/tcp':{}}");
        json_decref(req);

        req = create_ok(TASK(DOCKER(",'network':'NONE'")));
        expect(req, "HostConfig.NetworkMode", "'none'");
        expect(req, "HostConfig.PortBindings", "absent");
        json_decref(req);

        req = create_ok(
                TASK("'container':{'type':'DOCKER','hostname':'web-1.example','docker':{'image':'busybox',"
                     "'privileged':true}}"));
        expect(req, "HostConfig.Privileged", "true");
        expect(req, "Hostname", "'web-1.example'");
        json_decref(req);
}
END_TEST

struct param_case {
        const char *key;
        const char *value;
        const char *path;
        const char *want;
};

static const struct param_case param_cases[] = {
        {"env", "A=1", "Env", "['MESOS_SANDBOX=/mnt/mesos/sandbox','MESOS_CONTAINER_NAME=mesos-c1','A=1']"},
        {"workdir", "/srv/app", "WorkingDir", "'/srv/app'"},
        {"w", "/x", "WorkingDir", "'/x'"},
        {"hostname", "web", "Hostname", "'web'"},
        {"h", "web", "Hostname", "'web'"},
        {"domainname", "example.org", "Domainname", "'example.org'"},
        {"user", "nobody", "User", "'1001:1002'"}, /* the policy's decision, never the name */
        {"memory-swap", "1g", "HostConfig.MemorySwap", "1073741824"},
        {"memory-swap", "-1", "HostConfig.MemorySwap", "-1"},
        {"memory-reservation", "512m", "HostConfig.MemoryReservation", "536870912"},
        {"shm-size", "64m", "HostConfig.ShmSize", "67108864"},
        {"shm-size", "1.5GiB", "HostConfig.ShmSize", "1610612736"},
        {"shm-size", "4096", "HostConfig.ShmSize", "4096"},
        {"cpu-shares", "100", "HostConfig.CpuShares", "100"},
        {"c", "100", "HostConfig.CpuShares", "100"},
        {"cpu-period", "100000", "HostConfig.CpuPeriod", "100000"},
        {"cpu-quota", "50000", "HostConfig.CpuQuota", "50000"},
        {"cpuset-cpus", "0-3,5", "HostConfig.CpusetCpus", "'0-3,5'"},
        {"ulimit", "nofile=1024:2048", "HostConfig.Ulimits", "[{'Hard':2048,'Name':'nofile','Soft':1024}]"},
        {"ulimit", "core=-1", "HostConfig.Ulimits", "[{'Hard':-1,'Name':'core','Soft':-1}]"},
        {"add-host", "db:10.0.0.2", "HostConfig.ExtraHosts", "['db:10.0.0.2']"},
        {"add-host", "v6=::1", "HostConfig.ExtraHosts", "['v6:::1']"},
        {"dns", "10.0.0.53", "HostConfig.Dns", "['10.0.0.53']"},
        {"dns-search", "example.org", "HostConfig.DnsSearch", "['example.org']"},
        {"dns-opt", "ndots:2", "HostConfig.DnsOptions", "['ndots:2']"},
        {"entrypoint", "/bin/echo", "Entrypoint", "['/bin/echo']"},
        {"entrypoint", "", "Entrypoint", "['']"},
        {"stop-signal", "SIGUSR1", "StopSignal", "'SIGUSR1'"},
        {"stop-signal", "9", "StopSignal", "'9'"},
        {"stop-timeout", "30", "StopTimeout", "30"},
        {"init", "true", "HostConfig.Init", "true"},
        {"read-only", "1", "HostConfig.ReadonlyRootfs", "true"},
        {"read-only", "False", "HostConfig.ReadonlyRootfs", "false"},
        {"tmpfs", "/run:size=64m,mode=1777", "HostConfig.Tmpfs", "{'/run':'size=64m,mode=1777'}"},
        {"tmpfs", "/tmp/", "HostConfig.Tmpfs", "{'/tmp':''}"},
        {"oom-score-adj", "-500", "HostConfig.OomScoreAdj", "-500"},
        {"pids-limit", "100", "HostConfig.PidsLimit", "100"},
        {"privileged", "true", "HostConfig.Privileged", "true"},
        {"pid", "host", "HostConfig.PidMode", "'host'"},
        {"ipc", "shareable", "HostConfig.IpcMode", "'shareable'"},
        {"uts", "host", "HostConfig.UTSMode", "'host'"},
        {"userns", "host", "HostConfig.UsernsMode", "'host'"},
        {"cgroupns", "private", "HostConfig.CgroupnsMode", "'private'"},
        {"network", "bridge", "HostConfig.NetworkMode", "'bridge'"},
        {"net", "my-net", "HostConfig.NetworkMode", "'my-net'"},
        {"cap-add", "NET_ADMIN", "HostConfig.CapAdd", "['NET_ADMIN']"},
        {"cap-drop", "ALL", "HostConfig.CapDrop", "['ALL']"},
        {"device", "/dev/fuse", "HostConfig.Devices",
         "[{'CgroupPermissions':'rwm','PathInContainer':'/dev/fuse','PathOnHost':'/dev/fuse'}]"},
        {"device", "/dev/sda:/dev/xvda:r", "HostConfig.Devices",
         "[{'CgroupPermissions':'r','PathInContainer':'/dev/xvda','PathOnHost':'/dev/sda'}]"},
        {"device", "/dev/fuse:rw", "HostConfig.Devices",
         "[{'CgroupPermissions':'rw','PathInContainer':'/dev/fuse','PathOnHost':'/dev/fuse'}]"},
        {"security-opt", "apparmor=unconfined", "HostConfig.SecurityOpt",
         "['apparmor=unconfined','no-new-privileges']"},
        {"sysctl", "net.core.somaxconn=1024", "HostConfig.Sysctls", "{'net.core.somaxconn':'1024'}"},
        {"group-add", "audio", "HostConfig.GroupAdd", "['audio']"},
        {"cgroup-parent", "/mesos", "HostConfig.CgroupParent", "'/mesos'"},
        {"volume-driver", "local", "HostConfig.VolumeDriver", "'local'"},
        {"oom-kill-disable", "t", "HostConfig.OomKillDisable", "true"},
        {"memory-swappiness", "0", "HostConfig.MemorySwappiness", "0"},
};

START_TEST(test_create_parameters)
{
        const struct param_case *c = &param_cases[_i];
        char json[1024];
        snprintf(json, sizeof json, TASK(DOCKER(",'parameters':[{'key':'%s','value':'%s'}]")), c->key,
                 c->value);
        json_t *req = create_ok(json);
        expect(req, c->path, c->want);
        json_decref(req);
}
END_TEST

START_TEST(test_create_parameters_accumulate)
{
        json_t *req = create_ok(TASK(DOCKER(
                ",'network':'BRIDGE','parameters':["
                "{'key':'label','value':'a.b=c=d'},{'key':'dns','value':'10.0.0.1'},"
                "{'key':'dns','value':'::1'},{'key':'cap-add','value':'A'},{'key':'cap-add','value':'B'},"
                "{'key':'ulimit','value':'nofile=1'},{'key':'ulimit','value':'nproc=2:3'},"
                "{'key':'cpu-shares','value':'10'},{'key':'workdir','value':'/w'}]") ",'resources':[{'name':'"
                                                                                     "cpus','scalar':{'value'"
                                                                                     ":1}}]"));
        char *labels = at(req, "Labels");
        ck_assert_msg(strstr(labels, "\"a.b\":\"c=d\""), "%s", labels);
        free(labels);
        expect(req, "HostConfig.Dns", "['10.0.0.1','::1']");
        expect(req, "HostConfig.CapAdd", "['A','B']");
        expect(req, "HostConfig.Ulimits",
               "[{'Hard':1,'Name':'nofile','Soft':1},{'Hard':3,'Name':'nproc','Soft':2}]");
        expect(req, "HostConfig.CpuShares", "10"); /* the parameter overrides the resource */
        expect(req, "WorkingDir", "'/w'");
        expect(req, "HostConfig.NetworkMode", "'bridge'");
        json_decref(req);
}
END_TEST

START_TEST(test_known_parameters)
{
        /* the exported list is exactly the translated keys of the table */
        size_t listed = 0;
        for (const char *const *k = task_known_parameters; *k; k++, listed++) {
                const struct task_param_info *p = task_param_lookup(*k);
                ck_assert_msg(p && !p->refusal && strcmp(p->name, *k) == 0, "%s", *k);
        }
        size_t translated = 0;
        for (const struct task_param_info *p = task_param_table; p->name; p++) {
                if (p->refusal)
                        continue;
                translated++;
                bool found = false;
                for (const char *const *k = task_known_parameters; *k; k++)
                        found = found || strcmp(*k, p->name) == 0;
                ck_assert_msg(found, "%s missing from task_known_parameters", p->name);
        }
        ck_assert_uint_eq(listed, translated);
        ck_assert_ptr_null(task_param_lookup("--env"));
        ck_assert_ptr_null(task_param_lookup("ENV"));
        ck_assert_str_eq(task_param_lookup("net")->name, "network");
}
END_TEST

/* ----- the policy request ----- */

START_TEST(test_policy_request)
{
        struct task_spec *t = parse_ok(
                "{'task_id':{'value':'t1'},"
                "'resources':[{'name':'cpus','scalar':{'value':2}},{'name':'mem','scalar':{'value':256}}],"
                "'command':{'user':'mesos','uris':[{'value':'HTTPS://h/a'},{'value':' "
                "/opt/b'},{'value':'https://h/c'},"
                "{'value':'ftp://h/d'}]},"
                "'container':{'type':'DOCKER','volumes':[{'container_path':'d','host_path':'work','mode':'RW'"
                "},"
                "{'container_path':'/s','host_path':'/srv/link','mode':'RO'}],"
                "'docker':{'image':'busybox','network':'BRIDGE','parameters':[{'key':'e','value':'A=1'},"
                "{'key':'env','value':'B=2'},{'key':'label','value':'x=y'},{'key':'net','value':'my-net'}]}}"
                "}");
        struct task_policy_storage storage;
        struct policy_request req;
        md_error err = {0};
        const char *resolved[] = {"/var/lib/sb/t1/work", "/srv/real"};
        ck_assert_int_eq(task_policy_request(t, resolved, &storage, &req, &err), 0);
        ck_assert_str_eq(req.image, "docker.io/library/busybox:latest");
        ck_assert_str_eq(req.network, "my-net"); /* what docker will use */
        ck_assert(!req.privileged);
        ck_assert_str_eq(req.user, "mesos");
        ck_assert(req.cpus == 2);
        ck_assert_uint_eq(req.mem_mb, 256);
        ck_assert_uint_eq(req.n_volumes, 1); /* the sandbox-relative one is not the policy's */
        ck_assert_str_eq(req.volumes[0].host_path, "/srv/real");
        ck_assert(!req.volumes[0].read_write);
        ck_assert_uint_eq(req.n_parameters, 4); /* each with its value, for KEY=VALUE entries */
        ck_assert_str_eq(req.parameters[0], "env");
        ck_assert_str_eq(req.parameter_values[0], "A=1");
        ck_assert_str_eq(req.parameters[1], "env");
        ck_assert_str_eq(req.parameter_values[1], "B=2");
        ck_assert_str_eq(req.parameters[2], "label");
        ck_assert_str_eq(req.parameters[3], "network");
        ck_assert_str_eq(req.parameter_values[3], "my-net");
        ck_assert_uint_eq(req.n_claims, 0);
        ck_assert_uint_eq(req.n_fetch_schemes, 3);
        ck_assert_str_eq(req.fetch_schemes[0], "https");
        ck_assert_str_eq(req.fetch_schemes[1], "file");
        ck_assert_str_eq(req.fetch_schemes[2], "ftp");

        /* absolute host paths must have been resolved */
        ck_assert_int_eq(task_policy_request(t, NULL, &storage, &req, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_str_eq(err.message, "volume /srv/link: host path not resolved before the policy check");
        task_free(t);

        t = parse_ok(TASK(DOCKER(",'network':'NONE','parameters':[{'key':'privileged','value':'1'}]")));
        ck_assert_int_eq(task_policy_request(t, NULL, &storage, &req, &err), 0);
        ck_assert_str_eq(req.network, "none");
        ck_assert(req.privileged);
        ck_assert_ptr_null(req.user);
        ck_assert_uint_eq(req.n_volumes, 0);
        ck_assert_uint_eq(req.n_fetch_schemes, 0);
        ck_assert(req.cpus == 0);
        ck_assert_uint_eq(req.mem_mb, 0);
        task_free(t);
}
END_TEST

START_TEST(test_values)
{
        int64_t n;
        ck_assert_int_eq(task_parse_size("64m", &n), 0);
        ck_assert_int_eq(n, 64 << 20);
        ck_assert_int_eq(task_parse_size("1 GB", &n), 0);
        ck_assert_int_eq(n, 1 << 30);
        ck_assert_int_eq(task_parse_size("2k", &n), 0);
        ck_assert_int_eq(n, 2048);
        ck_assert_int_eq(task_parse_size("7b", &n), 0);
        ck_assert_int_eq(n, 7);
        ck_assert_int_lt(task_parse_size("", &n), 0);
        ck_assert_int_lt(task_parse_size("-1", &n), 0);
        ck_assert_int_lt(task_parse_size("1x", &n), 0);
        ck_assert_int_lt(task_parse_size("1.", &n), 0);
        ck_assert_int_lt(task_parse_size("99999999999p", &n), 0);

        char *p = task_clean_path("/mnt/mesos/sandbox", "a//b/./c/");
        ck_assert_str_eq(p, "/mnt/mesos/sandbox/a/b/c");
        free(p);
        p = task_clean_path("/mnt/mesos/sandbox", "/x/.");
        ck_assert_str_eq(p, "/x");
        free(p);
        p = task_clean_path("/", "");
        ck_assert_str_eq(p, "/");
        free(p);
        ck_assert_ptr_null(task_clean_path("/", "a/.."));
        ck_assert_ptr_null(task_clean_path("/", "/a/../b"));
        p = task_clean_path("/", "a/..b/...");
        ck_assert_str_eq(p, "/a/..b/...");
        free(p);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("task");
        TCase *tc = tcase_create("parse");
        tcase_add_loop_test(tc, test_parse_errors, 0, sizeof err_cases / sizeof err_cases[0]);
        tcase_add_test(tc, test_limits);
        tcase_add_test(tc, test_message_quoting);
        tcase_add_test(tc, test_parse_minimal);
        tcase_add_test(tc, test_parse_camel_case);
        tcase_add_test(tc, test_parse_defaults_and_nulls);
        tcase_add_test(tc, test_parse_executor_mode);
        tcase_add_test(tc, test_parse_numbers_as_strings);
        tcase_add_test(tc, test_parse_volumes);
        tcase_add_test(tc, test_parse_parameters_effects);
        suite_add_tcase(s, tc);

        tc = tcase_create("create");
        tcase_add_test(tc, test_create_basic);
        tcase_add_test(tc, test_create_no_new_privileges_last);
        tcase_add_loop_test(tc, test_create_command_rules, 0, sizeof cmd_cases / sizeof cmd_cases[0]);
        tcase_add_loop_test(tc, test_create_resources, 0, sizeof res_cases / sizeof res_cases[0]);
        tcase_add_test(tc, test_create_default_memory);
        tcase_add_test(tc, test_create_environment_and_labels);
        tcase_add_test(tc, test_create_volumes);
        tcase_add_test(tc, test_create_held_sources);
        tcase_add_test(tc, test_create_network_ports);
        tcase_add_loop_test(tc, test_create_parameters, 0, sizeof param_cases / sizeof param_cases[0]);
        tcase_add_test(tc, test_create_parameters_accumulate);
        tcase_add_test(tc, test_known_parameters);
        suite_add_tcase(s, tc);

        tc = tcase_create("policy");
        tcase_add_test(tc, test_policy_request);
        tcase_add_test(tc, test_resource_claims);
        tcase_add_test(tc, test_update_memory_swap);
        tcase_add_test(tc, test_values);
        suite_add_tcase(s, tc);
        return s;
}
