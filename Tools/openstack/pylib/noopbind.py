"""An ML2 mechanism driver that binds every port at once, with no agent.

neutron-server loads it as mechanism driver "noopbind" (etc/neutron/ml2_conf.ini) through the entry
point in noopbind-0.1.dist-info/entry_points.txt; start.sh puts this folder on PYTHONPATH.
Ports end up bound (vif_type ovs) and ACTIVE, which is all nova's fake virt driver needs.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class NoopBindMechanismDriver(api.MechanismDriver):
    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True, portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
