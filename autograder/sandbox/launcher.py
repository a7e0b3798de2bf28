"""How a worker process is started: the command, the limits, the user it runs as.

Three isolation levels, the best one available chosen, recorded in every result:

``bubblewrap``
    The worker runs under Debian's ``bwrap`` in fresh pid, network, IPC and UTS
    namespaces: no network, the Python installation, the autograder's worker code,
    the course's drivers file and the submission copy read-only, nowhere to write, forbidden packages masked
    by empty directories, nothing else of the host's file system visible. Inside,
    ``setpriv`` drops to an unprivileged uid of
    its own, so RLIMIT_NPROC binds.
``namespaces``
    Without bubblewrap: util-linux ``unshare`` gives the worker its own pid, network,
    IPC and UTS namespaces (so no network, and nothing it starts outlives it), with
    the resource limits and an unprivileged uid of its own. The file system is the
    host's.
``rlimits``
    Neither: resource limits, a session of its own and an unprivileged uid. Student
    code can reach the network.

Student code never runs with the grader's uid when that is root. Below bubblewrap a
sandbox uid needs an interpreter that other users can read; where it is not (a Python
under a 0700 home), :func:`choose_isolation` refuses with :class:`IsolationRefused`,
which says how to fix it, unless the instructor set ``isolation.allow_grader_uid``: then
every result says the code ran as the grader's user.

In every level, every process of a sandbox uid is killed when its worker stops, the
files it left in /tmp, /var/tmp, /dev/shm and /dev/mqueue are deleted, and the import
hook of :mod:`autograder.core.guard` refuses forbidden modules.

Under bubblewrap nothing at all is writable, so the quota on what a submission writes
is zero: it cannot fill a disk (RLIMIT_FSIZE bounds one file, not their number) or
leave a tree thousands of folders deep for the grader to delete. At the other levels
the copy of the submission belongs to the grader, but the host's /tmp is open.
"""

import fcntl
import functools
import importlib.util
import json
import os
import resource
import secrets
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import autograder

#: Sandbox uids are taken from this range, one per live worker, claimed with a lock file
#: so that concurrent graders never share one (cleanup kills every process of the uid).
SANDBOX_UID_RANGE = range(200_000, 260_000)
UID_LOCK_DIR = Path("/tmp/autograder-sandbox-uids")

#: The environment a worker sees; nothing of the grader's leaks through.
WORKER_ENVIRONMENT = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "HOME": "/tmp",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass(frozen=True)
class ResourceLimits:
    """Per-worker limits, applied with setrlimit before the worker starts."""

    memory_bytes: int
    cpu_seconds: int
    file_size_bytes: int
    open_files: int
    processes: int


@dataclass(frozen=True)
class Isolation:
    """What isolation a worker actually got, for the result and the CLI's warning."""

    level: str
    network: bool
    unprivileged_user: bool

    def to_dict(self):
        return {"level": self.level, "network": self.network, "unprivileged_user": self.unprivileged_user}


@functools.cache
def bubblewrap_available():
    """True where ``bwrap`` (and, for root, ``setpriv``) exist and bwrap can create its namespaces here
    (a container may forbid them)."""
    if shutil.which("bwrap") is None or (os.geteuid() == 0 and shutil.which("setpriv") is None):
        return False
    probe = ["bwrap", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/", "--proc", "/proc", "true"]
    if os.geteuid() != 0:
        probe.insert(1, "--unshare-user")
    return subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode == 0


def _unshare_prefix():
    prefix = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--ipc", "--uts"]
    return prefix if os.geteuid() == 0 else [*prefix, "--user", "--map-root-user"]


@functools.cache
def namespaces_available():
    """True where ``unshare`` can give a worker its own pid and network namespaces here."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run([*_unshare_prefix(), "true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
    return probe.returncode == 0


class IsolationRefused(Exception):
    """Student code would run as root: the message says why and how to fix it."""


def choose_isolation(*, use_bubblewrap, allow_grader_uid=False):
    """The best isolation this machine offers (bubblewrap only if ``use_bubblewrap``).

    Raises :class:`IsolationRefused` where the worker would keep the grader's root uid,
    unless ``allow_grader_uid``.
    """
    root = os.geteuid() == 0
    if use_bubblewrap and bubblewrap_available():
        return Isolation(level="bubblewrap", network=False, unprivileged_user=True)
    unreadable = [path for path in python_roots() if not readable_by_others(path)]
    drop_user = root and shutil.which("setpriv") is not None and not unreadable
    if root and not drop_user and not allow_grader_uid:
        why = (f"{unreadable[0]} is not readable by other users" if unreadable
               else "setpriv (util-linux) is not installed")
        raise IsolationRefused(
            "refusing to run student code as root: bubblewrap is " + ("disabled by the config (isolation.bubblewrap)"
                                                                     if not use_bubblewrap else "not available")
            + f", and no unprivileged uid can run this Python because {why}. Install bubblewrap (apt install "
            "bubblewrap), or grade with a Python that other users can read (a virtual environment under /opt, "
            "say), or accept the risk with isolation.allow_grader_uid: true in the grading config")
    namespaces = namespaces_available()
    return Isolation(level="namespaces" if namespaces else "rlimits", network=not namespaces,
                     unprivileged_user=drop_user or not root)


class SandboxUid:
    """An unprivileged uid held by one worker for its lifetime (only when the grader is root)."""

    def __init__(self):
        UID_LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        # A random starting point: a uid just released is rarely the next one taken.
        start = secrets.randbelow(len(SANDBOX_UID_RANGE))
        for uid in [*SANDBOX_UID_RANGE[start:], *SANDBOX_UID_RANGE[:start]]:
            lock = os.open(UID_LOCK_DIR / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(lock)
                continue
            self.uid, self._lock = uid, lock
            return
        raise RuntimeError("every sandbox uid is in use")

    def processes(self):
        """Pids of the live processes that run as this uid."""
        pids = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and entry.stat().st_uid == self.uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
        return pids

    def kill_all(self, *, timeout=5.0):
        """Kill every process of this uid, wait until the kernel has reaped them, delete what it left in the
        shared folders (:func:`remove_files_of`), release the uid."""
        deadline = time.monotonic() + timeout
        while self.processes() and time.monotonic() < deadline:
            # kill(-1) from inside the uid reaches every process of it, wherever it hid.
            subprocess.run(["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                            "kill", "-KILL", "-1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            time.sleep(0.02)
        remove_files_of(self.uid)
        os.close(self._lock)


#: The folders every user may write to: what a sandbox uid leaves there outlives its processes
#: (a file in /dev/shm is memory, one in /tmp waits for the next student's code to read it).
SHARED_WRITABLE = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/dev/mqueue"))


def remove_files_of(uid, folders=SHARED_WRITABLE):
    """Delete every entry of ``folders`` that ``uid`` owns, with all it holds.

    The folders are sticky: an entry there belongs to its maker, and a sandbox uid is the
    worker's alone while it holds it, so everything it owns there is the submission's.
    """
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    remove_tree(entry.path)
            except FileNotFoundError:
                pass


def remove_tree(path):
    """Delete a folder tree of any depth, ignoring errors.

    ``shutil.rmtree`` recurses once per level and raises RecursionError on a chain of a
    few thousand folders (which a worker running as the grader's own user could make in
    its folder); GNU rm walks any depth.
    """
    subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


class SandboxProcesses:
    """The threads and processes of one sandbox, counted by the grader from ``/proc``.

    A count taken inside the worker is worth nothing: student code can replace the
    function that takes it. Where the worker has a pid namespace of its own (bubblewrap,
    namespaces), every process in it descends from the namespace's init, and the
    sandbox's own procfs, reached from outside as ``/proc/<init>/root/proc``, lists
    exactly them, so a count costs a few reads. At the ``rlimits`` level the host's
    ``/proc`` is scanned for the worker's descendants and the processes of its uid.

    :meth:`strays` counts what exceeds the census taken when the worker said it was
    ready, before any student code ran: new processes (zombies excepted, they run
    nothing) and new threads of the processes that were there.
    """

    def __init__(self, root_pid, *, uid, own_pid_namespace):
        self._uid = uid
        if own_pid_namespace:
            inits = [pid for pid, (parent, _, _) in _process_table(Path("/proc")).items() if parent == root_pid]
            if len(inits) != 1:
                raise ProcessLookupError(f"the sandbox of process {root_pid} has no init: it exited as it started")
            self._procfs, self._anchor = Path(f"/proc/{inits[0]}/root/proc"), 1
        else:
            self._procfs, self._anchor = Path("/proc"), root_pid
        self._baseline = self._census()

    def strays(self):
        """Threads and processes beyond the baseline (0 when the sandbox is gone)."""
        census = self._census()
        if not census:
            return 0
        return (sum(threads for pid, threads in census.items() if pid not in self._baseline)
                + sum(max(0, census.get(pid, 0) - threads) for pid, threads in self._baseline.items()))

    def _census(self):
        """Pid -> thread count of every live process of the sandbox."""
        try:
            table = _process_table(self._procfs, with_uid=self._uid is not None)
        except OSError:  # the namespace's init is gone: so is every process of the sandbox
            return {}
        children = {}
        for pid, (parent, _, _) in table.items():
            children.setdefault(parent, []).append(pid)
        members, pending = set(), [self._anchor]
        while pending:
            pid = pending.pop()
            if pid in table and pid not in members:
                members.add(pid)
                pending.extend(children.get(pid, ()))
        members.update(pid for pid, (_, _, uid) in table.items() if uid is not None and uid == self._uid)
        return {pid: table[pid][1] for pid in members if table[pid][1]}


def _process_table(procfs, *, with_uid=False):
    """Pid -> (parent pid, thread count, uid or None) of the processes a procfs lists, zombies with 0 threads."""
    table = {}
    for entry in os.scandir(procfs):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", "rb") as stat_file:
                fields = stat_file.read().rsplit(b")", 1)[1].split()
            uid = entry.stat().st_uid if with_uid else None
        except (OSError, IndexError):  # the process exited while it was read
            continue
        threads = 0 if fields[0] in (b"Z", b"X") else int(fields[17])
        table[int(entry.name)] = (int(fields[1]), threads, uid)
    return table


def python_roots():
    """What a worker must read: the interpreter, its packages, and of the autograder only what the
    student kit ships too, the package's ``__init__`` and :mod:`autograder.core`: not the checks."""
    package = Path(autograder.__file__).parent
    roots = {Path(sys.prefix), Path(sys.base_prefix), package / "__init__.py", package / "core"}
    for entry in map(Path, sys.path):
        if entry.is_dir() and "site-packages" in entry.parts:
            roots.add(entry)
    return sorted(root.resolve() for root in roots)


def readable_by_others(path):
    """True when every directory from / down to ``path`` lets other users through."""
    return all(os.stat(part).st_mode & stat.S_IXOTH for part in [path, *path.parents])


def forbidden_package_dirs(forbidden):
    """The installed directories of the forbidden packages, to be masked in the sandbox."""
    dirs = []
    for name in forbidden:
        spec = importlib.util.find_spec(name) if name.isidentifier() else None
        if spec is not None and spec.submodule_search_locations:
            dirs.extend(Path(location).resolve() for location in spec.submodule_search_locations)
    return dirs


#: Where bubblewrap mounts the course's drivers file, read-only, in the sandbox.
SANDBOX_DRIVERS = "/course/drivers.py"


def worker_command(*, level, workdir, uid, fds, max_bytes, forbidden, files=None, drivers=None):
    """The argv that starts a worker at the given isolation level (``files``: the modules whose file is not
    ``<module>.py``, as :class:`autograder.core.drivers.StudentModules` takes them; ``drivers``: the
    grader's copy of the course's drivers file, readable by the worker's uid, or None)."""
    python = [sys.executable, "-I", "-m", "autograder.core.worker", *map(str, fds), str(max_bytes)]
    files = json.dumps(files or {})
    if level != "bubblewrap":
        namespaces = _unshare_prefix() if level == "namespaces" else []
        return [*namespaces, *_drop_privileges(uid), *python, str(workdir), ",".join(forbidden), files,
                str(drivers or "")]
    arguments = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                 # The private /tmp first: a virtual environment under /tmp is bound on top of it.
                 "--tmpfs", "/tmp",
                 "--ro-bind", "/usr", "/usr", "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if Path("/", link).is_symlink():
            arguments += ["--symlink", os.readlink(Path("/", link)), f"/{link}"]
    created = set()
    for root in python_roots():
        for parent in reversed(root.parents):
            if parent != Path("/") and parent not in created and not str(parent).startswith("/usr"):
                arguments += ["--perms", "0755", "--dir", str(parent)]
                created.add(parent)
        arguments += ["--ro-bind", str(root), str(root)]
    for masked in forbidden_package_dirs(forbidden):
        arguments += ["--tmpfs", str(masked)]
    arguments += ["--ro-bind", str(workdir), "/submission", "--proc", "/proc", "--dev", "/dev", "--chdir", "/submission"]
    if drivers is not None:
        arguments += ["--perms", "0755", "--dir", str(Path(SANDBOX_DRIVERS).parent),
                      "--ro-bind", str(drivers), SANDBOX_DRIVERS]
    if uid is None:
        # In a user namespace of its own the worker owns bwrap's tmpfs folders: make them read-only.
        arguments += ["--unshare-user", "--remount-ro", "/tmp", "--remount-ro", "/dev", "--remount-ro", "/"]
    return [*arguments, *_drop_privileges(uid), *python, "/submission", ",".join(forbidden), files,
            SANDBOX_DRIVERS if drivers is not None else ""]


def _drop_privileges(uid):
    if uid is None:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs"]


def limit_resources(limits):
    """A preexec function that sets the worker's resource limits.

    RLIMIT_NPROC counts every process of the worker's real uid: with a sandbox uid of
    its own that is the worker alone; as the grader's own (non-root) user, the user's
    existing processes are added so that the limit still leaves room.
    """
    processes = limits.processes
    if os.geteuid() != 0:
        processes += sum(1 for entry in Path("/proc").iterdir() if entry.name.isdigit())

    def apply():
        for name, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_CPU, limits.cpu_seconds),
                            (resource.RLIMIT_FSIZE, limits.file_size_bytes), (resource.RLIMIT_NOFILE, limits.open_files),
                            (resource.RLIMIT_NPROC, processes), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(name, (value, value))

    return apply
