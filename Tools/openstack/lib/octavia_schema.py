"""Makes octavia's database on SQLite: run by init.sh with /usr/bin/python3 as
    octavia_schema.py sqlite:///PATH

Octavia's alembic migrations fail on SQLite ("No support for ALTER of constraints in SQLite"), so
the tables come from the models (create_all) and the lookup tables, which the migrations would
fill, are filled here; init.sh then stamps the alembic head (octavia-db-manage stamp head).
"""
import datetime
import sys

import sqlalchemy

from octavia.common import constants
from octavia.db import base_models
from octavia.db import models  # noqa: F401  (registers every table on BASE.metadata)

# Lookup table -> its rows, as the migrations insert them; the matching SUPPORTED_* constant of
# the installed octavia is added as well, should it hold more.
LOOKUPS = {
    "provisioning_status": (["ACTIVE", "DELETED", "ERROR", "PENDING_DELETE", "PENDING_UPDATE",
                             "PENDING_CREATE", "ALLOCATED", "BOOTING", "READY", "FAILOVER_STOPPED"],
                            ["SUPPORTED_PROVISIONING_STATUSES", "SUPPORTED_AMPHORA_STATUSES"]),
    "operating_status": (["ONLINE", "OFFLINE", "DEGRADED", "ERROR", "DRAINING", "NO_MONITOR"],
                         ["SUPPORTED_OPERATING_STATUSES"]),
    "protocol": (["HTTP", "HTTPS", "TCP", "TERMINATED_HTTPS", "UDP", "PROXY", "PROXYV2", "SCTP",
                  "PROMETHEUS"], ["SUPPORTED_PROTOCOLS"]),
    "algorithm": (["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"],
                  ["SUPPORTED_LB_ALGORITHMS"]),
    "health_monitor_type": (["HTTP", "HTTPS", "PING", "TCP", "TLS-HELLO", "UDP-CONNECT", "SCTP"],
                            ["SUPPORTED_HEALTH_MONITOR_TYPES"]),
    "session_persistence_type": (["SOURCE_IP", "HTTP_COOKIE", "APP_COOKIE"], ["SUPPORTED_SP_TYPES"]),
    "lb_topology": (["SINGLE", "ACTIVE_STANDBY"], ["SUPPORTED_LB_TOPOLOGIES"]),
    "amphora_roles": (["MASTER", "BACKUP", "STANDALONE"], ["SUPPORTED_AMPHORA_ROLES"]),
    "vrrp_auth_method": (["PASS", "AH"], ["SUPPORTED_VRRP_AUTH"]),
    "l7rule_type": (["HOST_NAME", "PATH", "FILE_TYPE", "HEADER", "COOKIE", "SSL_CONN_HAS_CERT",
                     "SSL_VERIFY_RESULT", "SSL_DN_FIELD"], ["SUPPORTED_L7RULE_TYPES"]),
    "l7rule_compare_type": (["REGEX", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "EQUAL_TO"],
                            ["SUPPORTED_L7RULE_COMPARE_TYPES"]),
    "l7policy_action": (["REJECT", "REDIRECT_TO_URL", "REDIRECT_TO_POOL", "REDIRECT_PREFIX"],
                        ["SUPPORTED_L7POLICY_ACTIONS"]),
    "client_authentication_mode": (["NONE", "OPTIONAL", "MANDATORY"], ["SUPPORTED_CLIENT_AUTH_MODES"]),
}


def main():
    engine = sqlalchemy.create_engine(sys.argv[1])
    meta = base_models.BASE.metadata
    meta.create_all(engine)
    with engine.begin() as conn:
        for table_name, (names, const_names) in LOOKUPS.items():
            table = meta.tables.get(table_name)
            if table is None:
                continue
            values = list(names)
            for c in const_names:
                for v in getattr(constants, c, ()) or ():
                    if isinstance(v, str) and v not in values:
                        values.append(v)
            conn.execute(table.insert(), [{"name": v} for v in values])
        # Rows the migrations seed elsewhere: placeholders for deleted flavors and availability
        # zones, the spares pool's and build slots' single rows.
        nil = constants.NIL_UUID
        seeds = [
            ("flavor_profile", {"id": nil, "name": "DELETED-PLACEHOLDER", "provider_name": "DELETED",
                                "flavor_data": "{}"}),
            ("flavor", {"id": nil, "name": "DELETED-PLACEHOLDER", "enabled": False,
                        "description": "Placeholder for DELETED LBs with DELETED flavors",
                        "flavor_profile_id": nil}),
            ("availability_zone_profile", {"id": nil, "name": "DELETED-PLACEHOLDER",
                                           "provider_name": "DELETED", "availability_zone_data": "{}"}),
            ("availability_zone", {"name": nil, "enabled": False, "availability_zone_profile_id": nil,
                                   "description": "Placeholder for DELETED LBs with DELETED "
                                                  "availability zones"}),
            ("spares_pool", {"updated_at": datetime.datetime.now()}),
            ("amphora_build_slots", {"id": 1, "slots_used": 0}),
        ]
        for table_name, row in seeds:
            table = meta.tables.get(table_name)
            if table is not None:
                conn.execute(table.insert(), [row])
    # Lookup tables that this list does not know: report them, so they get added above.
    unknown = [t.name for t in meta.sorted_tables
               if {c.name for c in t.columns} == {"name", "description"} and t.name not in LOOKUPS]
    if unknown:
        print("octavia_schema.py: lookup tables left empty:", ", ".join(unknown), file=sys.stderr)


if __name__ == "__main__":
    main()
