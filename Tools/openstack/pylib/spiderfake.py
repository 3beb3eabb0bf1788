"""Nova's fake hypervisor, with snapshots that reach Glance.

nova.virt.fake.FakeDriver "takes" a snapshot without uploading anything, so the image Nova
created for it stays `queued` in Glance forever. A real hypervisor uploads the disk; this one
uploads a few bytes, so the image becomes `active` as on a real cloud and a MyImage can be
tested end to end. Loaded by nova-compute as compute_driver = spiderfake.SnapshotFakeDriver
(bin/nova-compute adds this folder to nova.virt's path: Nova loads drivers only from there).
"""
import io

from nova.image import glance
from nova.virt import fake


class SnapshotFakeDriver(fake.FakeDriver):
    def snapshot(self, context, instance, image_id, update_task_state):
        super().snapshot(context, instance, image_id, update_task_state)
        meta = {"disk_format": "qcow2", "container_format": "bare"}
        glance.API().update(context, image_id, meta, data=io.BytesIO(b"spider fake snapshot\n"))
