# bash completion for mesos-docker-helper(8).
# The commands and their options are read from the helper's own --help, the one list of them;
# container IDs from the caller's own `list` (JSON on a pipe), so completion offers exactly what
# the caller may act on. Only bash builtins, grep and sed: no bash-completion functions needed.

_mesos_docker_helper_ids()
{
        "$1" list 2>/dev/null | grep -o '"container":"mesos-[^"]*"' | sed 's/.*"mesos-//; s/"$//'
}

# The words of --help's text ($1) for one command (or all commands when $2 is empty), e.g.
# "  destroy ID [--grace SECONDS]": the command names, or that command's options.
_mesos_docker_helper_usage()
{
        local help=$1 lines
        lines=$(grep -E '^  -*[a-z]' <<<"$help")
        if [[ -z $2 ]]; then
                grep -Eo '^  [a-z]+' <<<"$lines" | sed 's/^  //' | sort -u
                grep -E '^  -' <<<"$lines" | grep -Eo -- '--[a-z]+'
        else
                grep -E "^  $2( |\$)" <<<"$lines" | sed -E "s/^  $2//" | grep -Eo -- '(^|[[ |])--[a-z-]*' |
                        grep -Eo -- '--[a-z-]*'
                # options shared by several commands: "list, usage, policy: --format table|json"
                grep -E '^[a-z]+(, [a-z]+)*: -' <<<"$help" | while IFS=: read -r cmds opts; do
                        [[ ", $cmds, " == *", ${2%% *}, "* ]] && grep -Eo -- '--[a-z-]+' <<<"$opts"
                done
        fi
}

_mesos_docker_helper()
{
        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
        local helper=${COMP_WORDS[0]} cmd="" sub="" i
        for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
                -*) ;;
                *)
                        if [[ -z $cmd ]]; then
                                cmd=${COMP_WORDS[i]}
                        elif [[ $cmd == policy && -z $sub ]]; then
                                sub=${COMP_WORDS[i]}
                        fi
                        ;;
                esac
        done

        # an option's value
        case $prev in
        --sandbox)
                COMPREPLY=($(compgen -d -- "$cur"))
                return
                ;;
        --task | --config)
                COMPREPLY=($(compgen -f -- "$cur"))
                return
                ;;
        --type)
                COMPREPLY=($(compgen -W "container image" -- "$cur"))
                return
                ;;
        --format)
                COMPREPLY=($(compgen -W "table json" -- "$cur"))
                return
                ;;
        --signal)
                COMPREPLY=($(compgen -W "HUP INT QUIT KILL USR1 USR2 TERM" -- "$cur"))
                return
                ;;
        --caller)
                COMPREPLY=($(compgen -u -- "$cur"))
                return
                ;;
        --container-id | --grace | --cpus | --mem | --known)
                return
                ;;
        esac

        # one run of --help per completion: everything below reads it
        local help
        help=$("$helper" --help 2>&1)
        if [[ -z $cmd ]]; then
                COMPREPLY=($(compgen -W "$(_mesos_docker_helper_usage "$help" "")" -- "$cur"))
                return
        fi

        if [[ $cmd == policy ]]; then
                if [[ -z $sub ]]; then
                        COMPREPLY=($(compgen -W "$(sed -nE 's/^  policy +([a-z]+).*/\1/p' <<<"$help")" \
                                -- "$cur"))
                elif [[ $sub == check && $cur != -* ]]; then
                        COMPREPLY=($(compgen -f -- "$cur"))
                else
                        COMPREPLY=($(compgen -W "$(_mesos_docker_helper_usage "$help" "policy +$sub")" -- "$cur"))
                fi
                return
        fi
        local opts takes_id=""
        opts=$(_mesos_docker_helper_usage "$help" "$cmd")
        # the commands whose first argument is one of the caller's containers (--help says ID)
        grep -Eq "^  $cmd +ID" <<<"$help" && takes_id=1
        if [[ $cur == -* || -z $takes_id ]]; then
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        else
                COMPREPLY=($(compgen -W "$(_mesos_docker_helper_ids "$helper")" -- "$cur"))
        fi
}
complete -F _mesos_docker_helper mesos-docker-helper
