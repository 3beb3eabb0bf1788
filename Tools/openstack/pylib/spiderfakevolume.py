"""Cinder's fake volume driver, with volumes that grow.

cinder.tests.fake_driver.FakeLoggingVolumeDriver keeps no data, but its extend calls into a fake
LVM that lacks extend_volume, so every extend ends in `error_extending`. A real backend grows the
volume; this one only says it did, so an extend (of an attached volume too) completes as on a real
cloud. Loaded by cinder-volume as volume_driver = spiderfakevolume.GrowingFakeVolumeDriver
(PYTHONPATH holds this folder).
"""
from cinder.tests import fake_driver


class GrowingFakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    def extend_volume(self, volume, new_size):
        pass
