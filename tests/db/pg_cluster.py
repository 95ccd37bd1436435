#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster on a loopback port, for the tests, CI and bench.

    python tests/db/pg_cluster.py start DIR   # prints the database URL
    python tests/db/pg_cluster.py stop DIR
    python tests/db/pg_cluster.py bindir      # exit status 1 when no binaries exist

`start` runs initdb in DIR/data (trust authentication, superuser
``trioquest``), starts the server on a free 127.0.0.1 port with its unix
socket in DIR, creates the database ``trioquest`` and writes DIR/cluster.json.  Only the
Python standard library is used (.ci/run calls it before the test venv exists).
initdb refuses to run as root: as root, every PostgreSQL command runs as the
``postgres`` user when it exists, else as ``nobody`` (DIR is given to that
user).  Durability is off (fsync, synchronous_commit): the data is thrown away.

The same functions serve tests/db/conftest.py (`start`, `stop`) and
bench/io/db_latency.py; .ci/run calls the command line.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys

DATABASE = "trioquest"
SUPERUSER = "trioquest"
STATE = "cluster.json"
SERVER_OPTIONS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                  "-c listen_addresses=127.0.0.1 -c max_connections=100")


class ClusterError(Exception):
    """The cluster could not be created, started or stopped (the message says why)."""


def bindir() -> str | None:
    """The folder holding initdb, pg_ctl and postgres, or None when none is installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(found))
    versions = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    versions.sort(key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return os.path.dirname(versions[-1]) if versions else None


def _run_as() -> tuple[list[str], str | None]:
    """(command prefix, user name) that drop root for the PostgreSQL commands."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", user, "--"], user
        if shutil.which("setpriv"):
            entry = pwd.getpwnam(user)
            return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                    "--clear-groups", "--"], user
        raise ClusterError("running as root, and neither runuser nor setpriv exists "
                           "to start PostgreSQL as another user")
    raise ClusterError("running as root, and no 'postgres' or 'nobody' user exists "
                       "to start PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg(prefix: list[str], bin_dir: str, tool: str, args: list[str], cwd: str) -> None:
    done = subprocess.run(prefix + [os.path.join(bin_dir, tool), *args], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise ClusterError(f"{tool} failed (status {done.returncode}):\n"
                           f"{done.stdout}{done.stderr}".rstrip())


def _tail(path: str, lines: int = 15) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def start(directory: str, owner: int | None = None) -> str:
    """Create and start a cluster in `directory` (made if missing); the database
    URL.  `owner`: the pid of the process that will stop it (see reap_orphans)."""
    bin_dir = bindir()
    if bin_dir is None:
        raise ClusterError("no PostgreSQL binaries (initdb, pg_ctl) found")
    prefix, user = _run_as()
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
        if subprocess.run(prefix + ["test", "-w", directory], cwd="/").returncode != 0:
            raise ClusterError(f"user {user} cannot write to {directory} (a parent folder "
                               "is not searchable by it): use a folder such as /tmp/...")
    data = os.path.join(directory, "data")
    log = os.path.join(directory, "server.log")
    _pg(prefix, bin_dir, "initdb",
        ["-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C",
         "--no-sync", "--no-instructions"], directory)
    for _attempt in range(3):   # a free port can be taken between the probe and the bind
        port = _free_port()
        try:
            _pg(prefix, bin_dir, "pg_ctl",
                ["-D", data, "-l", log, "-w", "-t", "30", "-o",
                 f"-p {port} -k {directory} {SERVER_OPTIONS}", "start"], directory)
            break
        except ClusterError as exc:
            if "could not bind" not in _tail(log):
                raise ClusterError(f"{exc}\nserver log:\n{_tail(log)}") from None
    else:
        raise ClusterError(f"no free port for PostgreSQL:\n{_tail(log)}")
    url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    with open(os.path.join(directory, STATE), "w", encoding="utf-8") as f:
        json.dump({"url": url, "port": port, "bindir": bin_dir, "user": user,
                   "owner": owner}, f)
    _pg(prefix, bin_dir, "createdb",
        ["-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE], directory)
    return url


def stop(directory: str) -> None:
    """Stop the cluster started in `directory` (nothing to do when it is not running)."""
    directory = os.path.abspath(directory)
    data = os.path.join(directory, "data")
    if not os.path.exists(os.path.join(data, "postmaster.pid")):
        return
    try:
        with open(os.path.join(directory, STATE), encoding="utf-8") as f:
            bin_dir = json.load(f)["bindir"]
    except (OSError, ValueError, KeyError):
        bin_dir = bindir()
    prefix, _user = _run_as()
    _pg(prefix, bin_dir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], directory)


def reap_orphans(parent: str, prefix: str) -> list[str]:
    """Stop and remove the clusters in `parent`/`prefix`* whose owner process
    is gone (a test session that crashed before its teardown); their folders."""
    reaped = []
    for directory in glob.glob(os.path.join(parent, prefix + "*")):
        try:
            with open(os.path.join(directory, STATE), encoding="utf-8") as f:
                owner = json.load(f).get("owner")
        except (OSError, ValueError):
            continue
        if not owner or os.path.exists(f"/proc/{owner}"):
            continue
        try:
            stop(directory)
        except ClusterError:
            continue
        shutil.rmtree(directory, ignore_errors=True)
        reaped.append(directory)
    return reaped


def main(argv: list[str]) -> int:
    if argv[:1] == ["bindir"] and len(argv) == 1:
        found = bindir()
        print(found or "no PostgreSQL binaries found")
        return 0 if found else 1
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: pg_cluster.py start DIR | stop DIR | bindir",
              file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            print(start(argv[1]))
        else:
            stop(argv[1])
    except ClusterError as exc:
        print(f"pg_cluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
