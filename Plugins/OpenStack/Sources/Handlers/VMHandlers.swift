// vm.start/list/get/terminate: a VM is a Nova server booted on a Neutron port made in the
// requested subnet with the requested security groups (so the subnet, not only the network, is
// chosen), with the key pair and user data that creates cb-user (cloud-init, as the other drivers
// do), a root volume of RootDiskSize GB when one is asked (boot from a Cinder volume, deleted with
// the VM) and a floating IP from the external network for its public IP. The start waits for
// ACTIVE; a VM that ends in ERROR answers Nova's fault and leaves nothing behind. Terminate
// removes the server, its floating IP and its port.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    /// 2.47: a server shows its flavor's name; 2.52: tags at boot would need it too.
    static let serverMicroversion = "2.47"

    func startVM(_ request: VMReqInfo, _ context: CallContext) throws -> VMInfo {
        let name = try requireNewName(request.IId.NameId)
        let networkID = try requireOpenStackID(request.VpcIID, "VPC", field: "VpcIID")
        let subnetID = try requireOpenStackID(request.SubnetIID, "subnet", field: "SubnetIID")
        let groups = try request.SecurityGroupIIDs.enumerated().map {
            try requireOpenStackID($1, "security group", field: "SecurityGroupIIDs[\($0)]")
        }
        let keyName = try keyPairName(request.KeyPairIID)
        let myImage = request.ImageType == "MyImage"
        let imageName = request.ImageIID.SystemId.isEmpty ? request.ImageIID.NameId : request.ImageIID.SystemId
        let image = try imageLookups.value(for: imageName) { try findImage(imageName, context) }
        let flavor = try flavorLookups.value(for: request.VMSpecName) { try findFlavor(request.VMSpecName, context) }
        let publicKey = try publicKeys.value(for: keyName) { try describeKeyPair(keyName, context)["public_key"].string }
        let rootSize = try Self.rootDiskSize(request.RootDiskSize, image: image, flavor: flavor)

        // Neutron itself refuses a subnet of another network (so no read of the subnet first).
        let port: JSON
        do {
            port = try api.call(.network, "POST", "/ports", body: ["port": [
                "name": name, "network_id": networkID, "fixed_ips": [["subnet_id": subnetID]], "security_groups": groups,
                "description": "spider-vm \(name)",
            ]], context: context)["port"]
        } catch let error as DriverError where Self.isSubnetOfAnotherNetwork(error) {
            throw DriverError(.notFound, "subnet '\(request.SubnetIID.NameId)' (\(subnetID)) is not in VPC '\(request.VpcIID.NameId)' (\(networkID))",
                              cloudError: error.cloudError)
        }
        let portID = port["id"].string
        var serverID = ""
        var floatingID = ""
        do {
            var server: [String: Any] = [
                "name": name, "flavorRef": flavor["id"].string, "networks": [["port": portID]], "key_name": keyName,
                "user_data": VMUserData.base64(user: Self.defaultVMUser, publicKey: publicKey),
                "metadata": ["spider-image-type": myImage ? "MyImage" : "PublicImage", "spider-image": image["id"].string],
            ]
            if let rootSize {
                server["block_device_mapping_v2"] = [["boot_index": 0, "uuid": image["id"].string, "source_type": "image",
                                                      "destination_type": "volume", "volume_size": rootSize,
                                                      "delete_on_termination": true]]
            } else {
                server["imageRef"] = image["id"].string
            }
            if !settings.zone.isEmpty { server["availability_zone"] = settings.zone }
            do {
                serverID = try api.call(.compute, "POST", "/servers", body: ["server": server], microversion: Self.serverMicroversion,
                                        context: context)["server"]["id"].string
            } catch let error as DriverError where [.invalidArgument, .notFound].contains(error.status) {
                // Perhaps a look-up kept from an earlier start went stale: the next start asks again.
                imageLookups.forget(imageName)
                flavorLookups.forget(request.VMSpecName)
                publicKeys.forget(keyName)
                throw error
            }
            let settled = try Polling.read(context, everyMs: 250, { try self.server(serverID, context) },
                                           until: { ["ACTIVE", "ERROR"].contains($0["status"].string) })
            guard settled["status"].string == "ACTIVE" else {
                let fault = settled["fault"]["message"].string
                throw DriverError(.internal, "openstack nova: VM '\(name)' did not become ACTIVE (status \(settled["status"].string)"
                                  + (fault.isEmpty ? ")" : ": \(fault))"), cloudError: fault.isEmpty ? nil : fault)
            }
            try applyTags(request.TagList, to: .server(id: serverID), context)
            let floating = try api.call(.network, "POST", "/floatingips", body: ["floatingip": [
                "floating_network_id": try externalNetworkID(context), "port_id": portID, "description": "spider-vm \(name)",
            ]], context: context)["floatingip"]
            floatingID = floating["id"].string
            // The settled server, the port and the floating IP as they were answered: no read-back needed.
            let shown = (request.TagList ?? []).isEmpty ? settled : try self.server(serverID, context)   // with its new tags
            return vmInfo(shown, ports: [port], floating: [floating])
        } catch {
            // Best effort, ignoring the call's cancellation: leave nothing half made behind.
            removeVMParts(serverID: serverID, portIDs: [portID], floatingIDs: floatingID.isEmpty ? [] : [floatingID])
            throw error
        }
    }

    func listVMs(_ context: CallContext) throws -> VMList {
        let servers = try api.call(.compute, "GET", "/servers/detail", microversion: Self.serverMicroversion, context: context)["servers"].array
        let project = try api.projectID(context)
        let ports = try api.call(.network, "GET", "/ports?project_id=\(project)", context: context)["ports"].array
        let floating = try api.call(.network, "GET", "/floatingips?project_id=\(project)", context: context)["floatingips"].array
        return VMList(servers.map { server in
            let mine = ports.filter { $0["device_id"].string == server["id"].string }
            return vmInfo(server, ports: mine, floating: floating.filter { ip in mine.contains { $0["id"].string == ip["port_id"].string } })
        })
    }

    func getVM(_ request: IIDRequest, _ context: CallContext) throws -> VMInfo {
        try describeVM(try requireOpenStackID(request.IId, "VM"), context)
    }

    func terminateVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let serverID = try requireOpenStackID(request.IId, "VM")
        try checkVMNotInNLB(serverID, label: request.IId.NameId.isEmpty ? serverID : "'\(request.IId.NameId)'", context)
        let (ports, floating) = try portsAndFloatingIPs(of: serverID, context)
        for ip in floating {
            try ignoringGone { try api.call(.network, "DELETE", "/floatingips/\(ip["id"].string)", context: context) }
        }
        try api.call(.compute, "DELETE", "/servers/\(serverID)", context: context)   // NOT_FOUND from Nova, before anything went
        // Nova unbinds the port as the server goes; the port Spider made is then deleted (a port
        // Nova made for itself goes with the server).
        _ = try Polling.read(context, everyMs: 250, { try self.serverIfExists(serverID, context) }, until: { $0 == nil })
        for port in ports where port["description"].string.hasPrefix("spider-vm ") {
            try ignoringGone { try api.call(.network, "DELETE", "/ports/\(port["id"].string)", context: context) }
        }
        return VMStatusResult(Status: .Terminated)
    }

    // MARK: steps

    func server(_ id: String, _ context: CallContext?) throws -> JSON {
        try api.call(.compute, "GET", "/servers/\(id)", microversion: Self.serverMicroversion, context: context)["server"]
    }

    func serverIfExists(_ id: String, _ context: CallContext?) throws -> JSON? {
        do { return try server(id, context) } catch let error as DriverError where error.status == .notFound { return nil }
    }

    func describeVM(_ serverID: String, _ context: CallContext?) throws -> VMInfo {
        let server = try server(serverID, context)
        let (ports, floating) = try portsAndFloatingIPs(of: serverID, context)
        return vmInfo(server, ports: ports, floating: floating)
    }

    /// The server's ports and the floating IPs on them.
    func portsAndFloatingIPs(of serverID: String, _ context: CallContext?) throws -> (ports: [JSON], floating: [JSON]) {
        let ports = try api.call(.network, "GET", "/ports?device_id=\(serverID)", context: context)["ports"].array
        var floating: [JSON] = []
        for port in ports {
            floating += try api.call(.network, "GET", "/floatingips?port_id=\(port["id"].string)", context: context)["floatingips"].array
        }
        return (ports, floating)
    }

    /// Removes what a failed start made, in order, ignoring errors (the caller reports the first one).
    func removeVMParts(serverID: String, portIDs: [String], floatingIDs: [String]) {
        for id in floatingIDs { _ = try? api.call(.network, "DELETE", "/floatingips/\(id)", context: nil) }
        if !serverID.isEmpty {
            _ = try? api.call(.compute, "DELETE", "/servers/\(serverID)", context: nil)
            var left = 240
            while left > 0, (try? serverIfExists(serverID, nil)) ?? nil != nil {
                usleep(250_000)
                left -= 1
            }
        }
        for id in portIDs { _ = try? api.call(.network, "DELETE", "/ports/\(id)", context: nil) }
    }

    /// Neutron's answer to a port whose fixed IP names a subnet of another network (400 InvalidInput).
    static func isSubnetOfAnotherNetwork(_ error: DriverError) -> Bool {
        error.status == .invalidArgument && error.cloudError?.contains("included invalid subnet") == true
    }

    /// The root volume's size in GB when one is asked (nil: the flavor's disk, no volume). "",
    /// "default" and "-1" ask for none.
    static func rootDiskSize(_ text: String?, image: JSON, flavor: JSON) throws -> Int? {
        let t = (text ?? "").trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.lowercased() == "default" || t == "-1" { return nil }
        guard let size = Int(t), size > 0 else {
            throw DriverError.invalidArgument("RootDiskSize: '\(t)' is not a size in GB")
        }
        let minimum = max(image["min_disk"].int ?? 0, 1)
        if size < minimum {
            throw DriverError.invalidArgument("RootDiskSize: \(size) GB is smaller than image '\(image["name"].string)' needs (\(minimum) GB)")
        }
        return size
    }

    // MARK: shapes

    func vmInfo(_ server: JSON, ports: [JSON], floating: [JSON]) -> VMInfo {
        let port = ports.first ?? JSON(nil)
        let fixedIP = port["fixed_ips"].array.first
        let publicIP = floating.first?["floating_ip_address"].string ?? ""
        let privateIP = fixedIP?["ip_address"].string ?? ""
        let metadata = server["metadata"]
        let imageID = server["image"]["id"].exists ? server["image"]["id"].string : metadata["spider-image"].string
        let volumes = server["os-extended-volumes:volumes_attached"].array.map { $0["id"].string }
        let bootFromVolume = !server["image"]["id"].exists && !volumes.isEmpty
        let dataDisks = bootFromVolume ? Array(volumes.dropFirst()) : volumes
        let flavor = server["flavor"]
        let keyName = server["key_name"].string
        return VMInfo(
            IId: IID(NameId: server["name"].string, SystemId: server["id"].string), StartTime: server["created"].string,
            Region: RegionInfo(Region: settings.region ?? "", Zone: server["OS-EXT-AZ:availability_zone"].string),
            ImageType: metadata["spider-image-type"].string == "MyImage" ? "MyImage" : "PublicImage",
            ImageIId: IID(NameId: "", SystemId: imageID),
            VMSpecName: flavor["original_name"].string.isEmpty ? flavor["id"].string : flavor["original_name"].string,
            VpcIID: IID(NameId: "", SystemId: port["network_id"].string),
            SubnetIID: IID(NameId: "", SystemId: fixedIP?["subnet_id"].string ?? ""),
            SecurityGroupIIds: port["security_groups"].strings.map { IID(NameId: "", SystemId: $0) },
            KeyPairIId: IID(NameId: keyName, SystemId: keyName),
            RootDiskType: bootFromVolume ? "volume" : "local", RootDiskSize: bootFromVolume ? "" : flavor["disk"].string,
            RootDeviceName: "/dev/vda", DataDiskIIDs: dataDisks.isEmpty ? nil : dataDisks.map { IID(NameId: "", SystemId: $0) },
            VMBootDisk: "/dev/vda", VMBlockDisk: "/dev/vda",
            VMUserId: Self.defaultVMUser, NetworkInterface: port["id"].string, PublicIP: publicIP, PrivateIP: privateIP,
            Platform: "Linux/UNIX", SSHAccessPoint: (publicIP.isEmpty ? privateIP : publicIP) + ":22",
            AccessPoint: (publicIP.isEmpty ? privateIP : publicIP) + ":22",
            TagList: Self.nonEmpty(Self.keyValues(fromTags: server["tags"].strings)),
            KeyValueList: nonEmptyKeyValues([("Status", server["status"].string), ("TaskState", server["OS-EXT-STS:task_state"].string),
                                             ("HostId", server["hostId"].string), ("FloatingIpId", floating.first?["id"].string ?? "")]))
    }
}
