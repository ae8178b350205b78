#!/bin/bash
# The bash completion scripts, driven the way bash drives them (COMP_WORDS/COMP_CWORD, then the
# function `complete` registered). The helper is the built one, whose --help the completion reads,
# behind a wrapper whose `list` prints two containers as the real one prints them on a pipe (the
# unit suite has no daemon to launch them). Prints TAP.
set -u
top=$1 real_helper=$(realpath "$2")
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
cat >"$stub/mesos-docker-helper" <<STUB
#!/bin/sh
[ "\$1" = list ] && exec echo '[{"container":"mesos-web-1","state":"running"},{"container":"mesos-db","state":"exited"}]'
exec "$real_helper" "\$@"
STUB
chmod +x "$stub/mesos-docker-helper"
mkdir "$stub/dir1"
. "$top/helper/completion.bash"
. "$top/sandboxfs/completion.bash"

n=0 failed=0
# check FUNCTION "WORDS..." "expected sorted, space-separated replies"
check()
{
        local fn=$1 words=$2 want=$3 got
        read -ra COMP_WORDS <<<"$words"
        [[ $words == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        "$fn"
        got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
        n=$((n + 1))
        if [[ $got == "$want" ]]; then
                echo "ok $n - ${words#"$stub/"}"
        else
                echo "not ok $n - ${words#"$stub/"}: got '$got', want '$want'"
                failed=1
        fi
}

cd "$stub" || exit 1
H=$stub/mesos-docker-helper
check _mesos_docker_helper "$H wa" "wait"
check _mesos_docker_helper "$H p" "policy pull"
check _mesos_docker_helper "$H policy " "check explain show"
check _mesos_docker_helper "$H policy explain --s" "--sandbox"
check _mesos_docker_helper "$H wait " "db web-1"
check _mesos_docker_helper "$H destroy w" "web-1"
check _mesos_docker_helper "$H destroy web-1 --" "--grace"
check _mesos_docker_helper "$H kill db --signal TE" "TERM"
check _mesos_docker_helper "$H launch --" "--attach --container-id --sandbox --task"
check _mesos_docker_helper "$H launch --sandbox di" "dir1"
check _mesos_docker_helper "$H list --" "--exited --format --running"
check _mesos_docker_helper "$H policy explain --f" "--format"
check _mesos_docker_helper "$H list --format " "json table"
check _mesos_docker_helper "$H --" "--help --version"
check _mesos_docker_helper "$H rm db --" "--force"
check _mesos_docker_helper "$H exec web-1 --" "--"
check _mesos_docker_helper "$H d" "destroy doctor"
check _mesos_docker_helper "$H inspect --type " "container image"
check _mesos_sandboxfs "mesos-sandboxfs --h" "--help"
check _mesos_sandboxfs "mesos-sandboxfs -f di" "dir1"
echo "1..$n"
exit $failed
