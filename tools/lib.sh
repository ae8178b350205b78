# Shared by tools/demo, tools/testenv and tools/test: set up, on a fresh Debian 12 machine as root,
# what mesos-docker needs around it. Every function is idempotent.

MD_PACKAGES="meson ninja-build pkg-config gcc libcurl4-openssl-dev libjansson-dev libcap-ng-dev
  libfuse3-dev fuse3 libarchive-dev check docker.io docker-registry apache2-utils busybox-static
  mandoc valgrind python3 curl util-linux passwd clang clang-format libclang-rt-14-dev vsftpd
  fuse-overlayfs
  debhelper dpkg-dev fakeroot lintian systemd logrotate git"

md_log() { printf '==> %s\n' "$*" >&2; }
md_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

md_require_root() {
  [ "$(id -u)" = 0 ] || md_die "run this as root (it installs packages, starts dockerd, creates users)"
}

md_ensure_packages() {
  local missing=""
  for p in $MD_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  md_log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
  # The package starts a system FTP server; the tests run their own on 127.0.0.1 only.
  case " $missing " in *" vsftpd "*)
    (service vsftpd stop || pkill -x vsftpd) >/dev/null 2>&1 || true
  esac
}

# md_build PREFIX BUILDDIR [meson options...]: configure, build and install setuid into PREFIX.
md_build() {
  local prefix=$1 builddir=$2
  shift 2
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" --prefix="$prefix" -Dsetuid=true "$@" >/dev/null
  fi
  ninja -C "$builddir" >/dev/null
  meson install -C "$builddir" --quiet >/dev/null
}

# md_ensure_dockerd SOCKET DATAROOT: a docker daemon answering on SOCKET (started if none).
md_ensure_dockerd() {
  local sock=$1 root=$2
  if curl -fsS --max-time 3 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1; then
    return 0
  fi
  md_log "starting dockerd on $sock"
  mkdir -p "$(dirname "$sock")" "$root"
  local run
  run=$(dirname "$sock")
  # --bridge=none --iptables=false: no network set-up is needed for host and none networking
  nohup dockerd --host "unix://$sock" --data-root "$root" --exec-root "$run/exec" \
    --pidfile "$run/dockerd.pid" --bridge=none --iptables=false --ip-masq=false \
    --insecure-registry 127.0.0.1:5000 >"$run/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    curl -fsS --max-time 2 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -20 "$run/dockerd.log" >&2
  md_die "dockerd did not answer on $sock"
}

# md_ensure_images SOCKET: the local test images, made from busybox-static (no Docker Hub here).
md_ensure_images() {
  local sock=$1
  export DOCKER_HOST="unix://$sock"
  if docker image inspect mesos-test/busybox:latest >/dev/null 2>&1 &&
     docker image inspect mesos-test/entrypoint:latest >/dev/null 2>&1; then
    return 0
  fi
  md_log "making the local images from busybox-static"
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp" "$tmp/rootfs/etc" "$tmp/rootfs/mnt/mesos/sandbox"
  cp /bin/busybox "$tmp/rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$tmp/rootfs/bin/$applet" ] || ln -s busybox "$tmp/rootfs/bin/$applet"
  done
  echo "root:x:0:0:root:/:/bin/sh" >"$tmp/rootfs/etc/passwd"
  echo "root:x:0:" >"$tmp/rootfs/etc/group"
  chmod 1777 "$tmp/rootfs/tmp"
  tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  docker import -c 'CMD ["/bin/echo","default-command"]' -c 'ENV PATH=/bin' \
    "$tmp/rootfs.tar" mesos-test/busybox:latest >/dev/null
  docker import -c 'ENTRYPOINT ["/bin/echo","entry"]' -c 'CMD ["default-arg"]' -c 'ENV PATH=/bin' \
    "$tmp/rootfs.tar" mesos-test/entrypoint:latest >/dev/null
  rm -rf "$tmp"
}

# md_ensure_user NAME [GROUP]: an unprivileged user with a home (created if missing).
md_ensure_user() {
  local name=$1 group=${2:-}
  id "$name" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$name"
  if [ -n "$group" ]; then
    getent group "$group" >/dev/null || groupadd "$group"
    usermod -a -G "$group" "$name"
  fi
}

# md_ensure_nosuid_mount DIR: DIR becomes a bind mount of itself with nosuid,nodev. Root in a
# container can give any owner and mode to what it writes into a sandbox; on such a mount the
# host honours neither a setuid bit nor a device node found there.
md_ensure_nosuid_mount() {
  local dir=$1
  mkdir -p "$dir"
  # the flags of the mount the directory is really on (mountinfo can list a hidden one there too)
  if python3 -c 'import os, sys; f = os.statvfs(sys.argv[1]).f_flag; sys.exit(0 if f & os.ST_NOSUID and f & os.ST_NODEV else 1)' "$dir"; then
    return 0
  fi
  mount --bind "$dir" "$dir"
  mount -o remount,bind,nosuid,nodev "$dir"
}
