// EBS volumes in Spider's terms: every volume state AWS documents as a DiskStatus, the sizes and
// types a create accepts, the device slot an attach picks, and a DescribeVolumes answer (AWS's
// own shape, namespace and all) read into DiskInfo with the attached VM.
import Foundation
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("EBS disk status and volume mapping")
struct DiskStatusMappingTests {
    @Test("volume states map to DiskStatus; an unknown state is Error, not a guess")
    func states() {
        let expected: [(String, DiskStatus)] = [
            ("creating", .Creating), ("available", .Available), ("in-use", .Attached),
            ("deleting", .Deleting), ("deleted", .Deleting), ("error", .Error), ("", .Error), ("optimizing", .Error),
        ]
        for (state, status) in expected {
            #expect(EBSVolume.diskStatus(state) == status, "\(state)")
        }
    }

    @Test("type and size: defaults, per-type ranges, and refusals naming the field")
    func typeAndSize() throws {
        #expect(try EBSVolume.volumeType(nil) == "gp2")
        #expect(try EBSVolume.volumeType("default") == "gp2")
        #expect(try EBSVolume.volumeType("gp3") == "gp3")
        #expect(try EBSVolume.volumeSize(nil, type: "gp2") == 1)
        #expect(try EBSVolume.volumeSize("default", type: "st1") == 125)
        #expect(try EBSVolume.volumeSize("20", type: "gp3") == 20)
        #expect(EBSVolume.provisionedIops(type: "io1", size: 10) == 500)
        #expect(EBSVolume.provisionedIops(type: "io2", size: 2_000) == 64_000)
        #expect(EBSVolume.provisionedIops(type: "gp3", size: 10) == nil)

        for (text, type) in [("0", "gp2"), ("100", "st1"), ("ten", "gp2"), ("16385", "gp3"), ("1.5", "gp2")] {
            let error = #expect(throws: DriverError.self) { try EBSVolume.volumeSize(text, type: type) }
            #expect(error?.status == .invalidArgument)
            #expect(error?.message.hasPrefix("DiskSize:") == true, "\(error?.message ?? "")")
        }
        let error = #expect(throws: DriverError.self) { try EBSVolume.volumeType("ssd-fast") }
        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("DiskType") == true)
    }

    @Test("attach takes the first free /dev/sd[f-p] slot; xvdf and sdf are the same slot")
    func devices() {
        #expect(EBSVolume.freeDevice(used: ["/dev/xvda"]) == "/dev/sdf")
        #expect(EBSVolume.freeDevice(used: ["/dev/sda1", "/dev/sdf", "/dev/xvdg"]) == "/dev/sdh")
        #expect(EBSVolume.freeDevice(used: EBSVolume.dataDeviceNames) == nil)
    }

    @Test("an attached volume from AWS's DescribeVolumes answer reads into DiskInfo with its VM")
    func describeVolumes() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
               <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
               <volumeSet>
                  <item>
                     <volumeId>vol-1234567890abcdef0</volumeId>
                     <size>80</size>
                     <snapshotId/>
                     <availabilityZone>us-east-1a</availabilityZone>
                     <status>in-use</status>
                     <createTime>2013-12-18T22:35:00.084Z</createTime>
                     <attachmentSet>
                        <item>
                           <volumeId>vol-1234567890abcdef0</volumeId>
                           <instanceId>i-1234567890abcdef0</instanceId>
                           <device>/dev/sdf</device>
                           <status>attached</status>
                           <attachTime>2013-12-18T22:35:00.000Z</attachTime>
                           <deleteOnTermination>false</deleteOnTermination>
                        </item>
                     </attachmentSet>
                     <volumeType>gp3</volumeType>
                     <iops>3000</iops>
                     <encrypted>false</encrypted>
                     <tagSet>
                        <item><key>Name</key><value>disk-01</value></item>
                        <item><key>team</key><value>blue</value></item>
                     </tagSet>
                  </item>
                  <item>
                     <volumeId>vol-0fedcba9876543210</volumeId>
                     <size>1</size>
                     <availabilityZone>us-east-1b</availabilityZone>
                     <status>creating</status>
                     <createTime>2013-12-18T22:36:00.000Z</createTime>
                     <attachmentSet/>
                     <volumeType>gp2</volumeType>
                  </item>
               </volumeSet>
            </DescribeVolumesResponse>
            """
        let volumes = try XMLTreeParser.parse(Array(xml.utf8)).items("volumeSet")
        let attached = AWSConnection.diskInfo(volumes[0], ownerNames: ["i-1234567890abcdef0": "vm-01"])
        #expect(attached.IId == IID(NameId: "disk-01", SystemId: "vol-1234567890abcdef0"))
        #expect(attached.Status == .Attached)
        #expect(attached.OwnerVM == IID(NameId: "vm-01", SystemId: "i-1234567890abcdef0"))
        #expect(attached.Zone == "us-east-1a" && attached.DiskType == "gp3" && attached.DiskSize == "80")
        #expect(attached.CreatedTime == "2013-12-18T22:35:00.084Z")
        #expect(attached.TagList == [KeyValue(Key: "team", Value: "blue")])
        #expect(attached.KeyValueList?.contains(KeyValue(Key: "Device", Value: "/dev/sdf")) == true)

        let creating = AWSConnection.diskInfo(volumes[1], ownerNames: [:])
        #expect(creating.Status == .Creating)
        #expect(creating.OwnerVM == IID(NameId: ""))
        #expect(creating.IId.NameId == "" && creating.TagList == nil)
    }
}
