# bash completion for mesos-sandboxfs(8): its options, and directories for the mount point.

_mesos_sandboxfs()
{
        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
        case $prev in
        -o)
                COMPREPLY=($(compgen -W "max_threads= max_idle_threads=" -- "$cur"))
                compopt -o nospace
                return
                ;;
        esac
        if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "-f -d -s -o -h --help -V --version" -- "$cur"))
        else
                COMPREPLY=($(compgen -d -- "$cur"))
        fi
}
complete -F _mesos_sandboxfs mesos-sandboxfs
