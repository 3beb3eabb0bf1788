"""Waits until the named services are ready; run by start.sh and init.sh with /usr/bin/python3.

usage: ready.py --state DIR --since EPOCH --timeout SECONDS [--running NAME]... NAME...
(a service named with --running was already running: its reports count from EPOCH - 60 s)

A service is ready when:
  epmd, rabbitmq           its TCP port accepts connections
  an API                   its root URL answers (any HTTP status below 500)
  nova-conductor/-scheduler/-compute, cinder-scheduler/-volume
                           its row in the services table was updated after EPOCH (the service has
                           started, consumes RPC and reports); nova-compute also needs its host
                           mapped to cell1 (so a boot does not fail with "No valid host") and a
                           resource provider with inventory in placement; cinder-volume also
                           needs its driver initialised (its log says so)
  octavia-worker           its log says the RPC consumer runs (after the last start marker)
Prints one line per service as it gets ready. Exits 1 (naming what is not ready) when a process
died or the timeout passed.
"""
import argparse
import datetime
import os
import socket
import sqlite3
import sys
import time
import urllib.error
import urllib.request

PORTS = {"epmd": 4369, "rabbitmq": 5672, "keystone": 5000, "placement": 8778, "glance-api": 9292,
         "nova-api": 8774, "neutron-server": 9696, "cinder-api": 8776, "octavia-api": 9876}
API_URLS = {"keystone": "http://127.0.0.1:5000/v3", "placement": "http://127.0.0.1:8778/",
            "glance-api": "http://127.0.0.1:9292/versions", "nova-api": "http://127.0.0.1:8774/",
            "neutron-server": "http://127.0.0.1:9696/", "cinder-api": "http://127.0.0.1:8776/",
            "octavia-api": "http://127.0.0.1:9876/"}
NOVA_SERVICES = {"nova-conductor", "nova-scheduler", "nova-compute"}
CINDER_SERVICES = {"cinder-scheduler", "cinder-volume"}


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except (OSError, ValueError):
        return False


def db_query(path, sql, args=()):
    if not os.path.exists(path):
        return []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []


class Checker:
    def __init__(self, state, since, running):
        self.state = state
        self.running = set(running)

        def fmt(t):
            return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        self.since_s = fmt(since)
        self.since_running_s = fmt(since - 60)

    def db(self, name):
        return os.path.join(self.state, "db", name + ".sqlite")

    def service_row_fresh(self, dbname, binary, since_s):
        rows = db_query(self.db(dbname),
                        "SELECT host FROM services WHERE binary = ? AND deleted = 0 AND "
                        "(updated_at >= ? OR created_at >= ?)", (binary, since_s, since_s))
        return [r[0] for r in rows]

    def ready(self, name):
        since_s = self.since_running_s if name in self.running else self.since_s
        if name in ("epmd", "rabbitmq"):
            return port_open(PORTS[name])
        if name in API_URLS:
            return http_ok(API_URLS[name])
        if name in NOVA_SERVICES:
            hosts = self.service_row_fresh("nova_cell1", name, since_s)
            if not hosts:
                return False
            if name == "nova-compute":
                mapped = db_query(self.db("nova_api"), "SELECT host FROM host_mappings")
                if not any(h in hosts for (h,) in mapped):
                    return False
                inv = db_query(self.db("placement"),
                               "SELECT COUNT(*) FROM inventories i JOIN resource_classes c "
                               "ON i.resource_class_id = c.id WHERE c.name = 'VCPU'")
                # VCPU is a standard class: placement stores its id (0) without a row in
                # resource_classes, so count inventories with resource_class_id 0 as well.
                if not (inv and inv[0][0]):
                    inv = db_query(self.db("placement"),
                                   "SELECT COUNT(*) FROM inventories WHERE resource_class_id = 0")
                    if not (inv and inv[0][0]):
                        return False
            return True
        if name in CINDER_SERVICES:
            if not self.service_row_fresh("cinder", name, since_s):
                return False
            # cinder-volume has set its driver up (and can take requests) once it logs this.
            return name != "cinder-volume" or log_since_marker_has(
                os.path.join(self.state, "log", name + ".log"),
                ("Driver post RPC initialization completed successfully",))
        if name == "octavia-worker":
            return log_since_marker_has(os.path.join(self.state, "log", name + ".log"),
                                        ("Starting consumer", "Starting 1 workers", "Started child"))
        raise SystemExit(f"ready.py: unknown service {name}")


def log_since_marker_has(path, needles):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return False
    tail = data[data.rfind("===== "):]
    return any(n in tail for n in needles)


def process_alive(state, name):
    try:
        with open(os.path.join(state, "run", name + ".pid")) as f:
            pid = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None  # not started by us (e.g. an epmd that was already there): not checked
    try:
        with open(f"/proc/{pid}/stat") as f:
            return not f.read().rsplit(") ", 1)[-1].startswith("Z")
    except OSError:
        return False


def note_failed(path, name):
    if path:
        with open(path, "w") as f:
            f.write(name + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--since", type=float, required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--running", action="append", default=[], help="a service that was already running")
    ap.add_argument("--failed-file", help="where to write the name of the first service not ready")
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()
    c = Checker(a.state, a.since, a.running)
    t0 = time.time()
    pending = list(a.names)
    while pending:
        for name in list(pending):
            if c.ready(name):
                pending.remove(name)
                if not a.quiet:
                    print(f"  ready  {name:<17} {time.time() - a.since:6.1f} s", flush=True)
            elif process_alive(a.state, name) is False:
                print(f"NOT READY: {name} exited", flush=True)
                note_failed(a.failed_file, name)
                return 1
        if pending:
            if time.time() - t0 > a.timeout:
                print(f"NOT READY after {a.timeout:.0f} s: {' '.join(pending)}", flush=True)
                note_failed(a.failed_file, pending[0])
                return 1
            time.sleep(0.25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
