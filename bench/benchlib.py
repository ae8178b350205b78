"""Shared by the bench/ scripts: timing of wall, machine CPU and client CPU over a block of work."""

import os
import resource
import time


def machine_cpu_seconds():
    """User+system CPU of the whole machine so far (/proc/stat): counts dockerd, containerd and the
    detached monitors too, which a child-process rusage would miss."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    user, nice, system = int(fields[0]), int(fields[1]), int(fields[2])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


class Measure:
    def __enter__(self):
        self.wall0 = time.monotonic()
        self.cpu0 = machine_cpu_seconds()
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.child0 = r.ru_utime + r.ru_stime
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.wall0
        self.cpu = machine_cpu_seconds() - self.cpu0
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.client_cpu = r.ru_utime + r.ru_stime - self.child0
        return False


class Sum:
    """Several Measure blocks added up, for benches that alternate the two sides so that both
    see the same load (report() takes it like a Measure)."""

    def __init__(self):
        self.wall = self.cpu = self.client_cpu = 0.0
        self.walls = []

    def add(self, m):
        self.wall += m.wall
        self.cpu += m.cpu
        self.client_cpu += m.client_cpu
        self.walls.append(m.wall)


def report(title, ours, theirs, ours_name, theirs_name, unit=""):
    print(f"## {title}")
    print(f"{'':28} {'wall s':>10} {'machine CPU s':>14} {'client CPU s':>13}")
    for name, m in ((ours_name, ours), (theirs_name, theirs)):
        print(f"{name:28} {m.wall:10.3f} {m.cpu:14.3f} {m.client_cpu:13.3f}")
    def ratio(a, b):
        return f"{a / b:.2f}" if b > 0 else "n/a"
    print(f"{'ratio (ours/theirs)':28} {ratio(ours.wall, theirs.wall):>10} {ratio(ours.cpu, theirs.cpu):>14} "
          f"{ratio(ours.client_cpu, theirs.client_cpu):>13}")
    print()
