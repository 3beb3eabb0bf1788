"""Imported at start-up by every OpenStack service of this harness (start.sh puts this folder on
PYTHONPATH). Two SQLite fixes; nothing is imported here but sqlite3 (the eventlet services must
monkey-patch before anything else loads):

1. "database is locked" becomes oslo.db's DBDeadlock, which the services already retry (nova's,
   neutron's and cinder's database calls are wrapped in retry-on-deadlock). With WAL, a
   transaction reads from a snapshot; when it then writes and another process has committed
   since, SQLite fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT: the busy timeout
   does not apply). Seen here under load: nova-api's DELETE of a server failed with a 500 while
   nova-conductor was deleting an amphora. (Beginning every transaction with BEGIN IMMEDIATE
   would avoid the conflict, but then any idle open transaction blocks every writer: keystone
   stopped answering.)
2. Connections may be closed from another thread (threaded keystone/placement/octavia-api end
   them in garbage collection): without Python's same-thread check the rollback then works
   instead of failing and leaving the connection open. SQLite itself is built thread-safe.
   The busy timeout goes from 5 to 15 s.
"""
import os
import sys
import sqlite3
from sqlite3 import dbapi2

_connect = dbapi2.connect
_PLAIN_BEGIN = ("BEGIN", "BEGIN DEFERRED", "BEGIN TRANSACTION", "BEGIN DEFERRED TRANSACTION")


def _immediate(sql):
    if isinstance(sql, str) and sql.strip().rstrip(";").upper() in _PLAIN_BEGIN:
        return "BEGIN IMMEDIATE"
    return sql


class _ImmediateCursor(sqlite3.Cursor):
    def execute(self, sql, *args):
        return super().execute(_immediate(sql), *args)


class _ImmediateConnection(sqlite3.Connection):
    def cursor(self, factory=_ImmediateCursor):
        return super().cursor(factory)

    def execute(self, sql, *args):
        return super().execute(_immediate(sql), *args)


def connect(*args, **kwargs):
    kwargs.setdefault("timeout", 15.0)
    kwargs.setdefault("check_same_thread", False)
    if os.environ.get("SPIDER_SQLITE_BEGIN") == "IMMEDIATE":
        kwargs.setdefault("factory", _ImmediateConnection)
    return _connect(*args, **kwargs)


dbapi2.connect = connect
sys.modules["sqlite3"].connect = connect

_EXC_FILTERS = "oslo_db.sqlalchemy.exc_filters"


def _register_locked_as_deadlock(exc_filters):
    from sqlalchemy import exc as sqla_exc  # exc_filters has imported it already

    exc_filters.filters("sqlite", sqla_exc.OperationalError, r".*database is locked.*")(
        exc_filters._deadlock_error)


class _AfterImport:
    """Runs _register_locked_as_deadlock once oslo.db's exception filters are loaded."""

    def find_spec(self, name, path, target=None):
        if name != _EXC_FILTERS:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_register(module):
            exec_module(module)
            _register_locked_as_deadlock(module)

        spec.loader.exec_module = exec_then_register
        return spec


sys.meta_path.insert(0, _AfterImport())
