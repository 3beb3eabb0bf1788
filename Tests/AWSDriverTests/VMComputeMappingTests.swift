// The compute mappings that need no cloud: AWS instance states as Spider statuses, the cloud-init
// user data for cb-user, the root-disk request checks, and an instance record read into VMInfo.
import Foundation
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("AWS compute mappings")
struct VMComputeMappingTests {
    @Test("every AWS instance state maps to its Spider status; running reads Rebooting while a reboot is in flight")
    func states() {
        let expected: [(String, VMStatus)] = [
            ("pending", .Creating), ("running", .Running), ("stopping", .Suspending), ("stopped", .Suspended),
            ("shutting-down", .Terminating), ("terminated", .Terminated), ("something-new", .Failed),
        ]
        for (state, status) in expected {
            #expect(VMStatusMapping.status(awsState: state) == status, "\(state)")
        }
        #expect(VMStatusMapping.status(awsState: "running", rebooting: true) == .Rebooting)
        #expect(VMStatusMapping.status(awsState: "stopped", rebooting: true) == .Suspended)
        #expect(!VMStatusMapping.liveStates.contains("terminated") && VMStatusMapping.liveStates.count == 5)
    }

    @Test("a reboot in flight is seen only while its call runs")
    func rebootInFlight() {
        let state = ComputeState()
        #expect(!state.isRebooting("i-1"))
        state.whileRebooting("i-1") {
            #expect(state.isRebooting("i-1"))
            #expect(!state.isRebooting("i-2"))
        }
        #expect(!state.isRebooting("i-1"))
    }

    @Test("user data: base64 cloud-config creating cb-user with the key, quoted safely on one line")
    func userData() throws {
        let key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 a \"quoted\": comment\n"
        let decoded = String(decoding: try #require(Data(base64Encoded: VMUserData.base64(user: "cb-user", publicKey: key))), as: UTF8.self)
        #expect(decoded.hasPrefix("#cloud-config\n"))
        #expect(decoded.contains("  - default\n  - name: cb-user\n"))
        #expect(decoded.contains("sudo: \"ALL=(ALL) NOPASSWD:ALL\""))
        #expect(decoded.contains("      - \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 a \\\"quoted\\\": comment\"\n"))
    }

    static let image = """
        <DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><imagesSet><item>
          <imageId>ami-0abc</imageId><name>al2023-ami-2023.1-x86_64</name><rootDeviceName>/dev/xvda</rootDeviceName>
          <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeSize>8</volumeSize><volumeType>gp3</volumeType></ebs></item></blockDeviceMapping>
          <architecture>x86_64</architecture><imageState>available</imageState>
        </item></imagesSet></DescribeImagesResponse>
        """

    static func request(size: String?, type: String?) -> VMReqInfo {
        VMReqInfo(IId: IID(NameId: "vm", SystemId: ""), ImageIID: IID(NameId: "ami-0abc", SystemId: "ami-0abc"),
                  VpcIID: IID(NameId: "v", SystemId: "vpc-1"), SubnetIID: IID(NameId: "s", SystemId: "subnet-1"),
                  SecurityGroupIIDs: [], VMSpecName: "t3.micro", KeyPairIID: IID(NameId: "k", SystemId: "key-1"),
                  RootDiskType: type, RootDiskSize: size)
    }

    @Test("root disk: the image's own when unset or 'default'; a size below the image's or an unknown type is refused")
    func rootDisk() throws {
        let image = try #require(try XMLTreeParser.parse(Array(Self.image.utf8)).items("imagesSet").first)
        #expect(try AWSConnection.rootDisk(Self.request(size: nil, type: nil), image: image) == nil)
        #expect(try AWSConnection.rootDisk(Self.request(size: "default", type: "default"), image: image) == nil)
        let set = try #require(try AWSConnection.rootDisk(Self.request(size: "30", type: "io2"), image: image))
        #expect(set.size == 30 && set.type == "io2")
        #expect(throws: (any Error).self) { try AWSConnection.rootDisk(Self.request(size: "4", type: nil), image: image) }
        #expect(throws: (any Error).self) { try AWSConnection.rootDisk(Self.request(size: "ten", type: nil), image: image) }
        #expect(throws: (any Error).self) { try AWSConnection.rootDisk(Self.request(size: nil, type: "ssd"), image: image) }
        #expect(AWSConnection.imageInfo(image).OSDiskSizeGB == "8")
        #expect(AWSConnection.imageInfo(image).Name == "ami-0abc")
    }

    static let instance = """
        <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item><instancesSet><item>
          <instanceId>i-0123</instanceId><imageId>ami-0abc</imageId><instanceState><code>80</code><name>stopped</name></instanceState>
          <privateDnsName>ip-10-0-1-4.ec2.internal</privateDnsName><dnsName></dnsName><keyName>key-01</keyName>
          <instanceType>t3.micro</instanceType><launchTime>2024-05-01T10:00:00.000Z</launchTime>
          <placement><availabilityZone>us-east-1a</availabilityZone></placement>
          <subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><privateIpAddress>10.0.1.4</privateIpAddress>
          <groupSet/><rootDeviceName>/dev/xvda</rootDeviceName>
          <blockDeviceMapping>
            <item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-root</volumeId></ebs></item>
            <item><deviceName>/dev/sdf</deviceName><ebs><volumeId>vol-data</volumeId></ebs></item>
          </blockDeviceMapping>
          <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><attachment><deviceIndex>0</deviceIndex></attachment>
            <groupSet><item><groupId>sg-1</groupId><groupName>sg-01</groupName></item></groupSet></item></networkInterfaceSet>
          <tagSet><item><key>Name</key><value>vm-01</value></item><item><key>env</key><value>test</value></item></tagSet>
        </item></instancesSet></item></reservationSet></DescribeInstancesResponse>
        """

    @Test("an instance record as VMInfo: name from the tag, groups from the primary interface, root and data disks")
    func instanceRecord() throws {
        let document = try XMLTreeParser.parse(Array(Self.instance.utf8))
        let instance = try #require(document.items("reservationSet").first?.items("instancesSet").first)
        let volume = try XMLTreeParser.parse(Array("<item><volumeId>vol-root</volumeId><size>20</size><volumeType>gp3</volumeType></item>".utf8))
        let vm = AWSConnection.vmInfo(instance, region: "us-east-1", rootVolume: volume, keyID: "key-9", myImage: false, rebooting: false)
        #expect(vm.IId.NameId == "vm-01" && vm.IId.SystemId == "i-0123")
        #expect(vm.SecurityGroupIIds.map(\.SystemId) == ["sg-1"])
        #expect(vm.KeyPairIId.SystemId == "key-9" && vm.KeyPairIId.NameId == "key-01")
        #expect(vm.RootDiskSize == "20" && vm.RootDiskType == "gp3" && vm.RootDeviceName == "/dev/xvda")
        #expect(vm.DataDiskIIDs?.map(\.SystemId) == ["vol-data"])
        #expect(vm.Region.Zone == "us-east-1a" && vm.PrivateIP == "10.0.1.4" && vm.PublicIP == "")
        #expect(vm.AccessPoint == "10.0.1.4:22" && vm.Platform == "LINUX" && vm.VMUserId == "cb-user")
        #expect(vm.TagList?.map(\.Key) == ["env"])
        #expect(vm.KeyValueList?.contains { $0.Key == "Status" && $0.Value == "Suspended" } == true)
        #expect(vm.NetworkInterface == "eni-1" && vm.ImageType == "PublicImage")
    }
}
