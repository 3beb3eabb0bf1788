// spctl driver/credential/region/connection against a real host on the Mock: the friendly flags
// and CB-Spider's -d form give the same records; tables and JSON; credential values never shown;
// exit codes for missing, duplicate, in use and bad input.
import Foundation
import Testing

@Suite("spctl metadata")
struct SpctlMetadataTests {
    @Test("driver, credential, region and connection with flags; usable at once; tables; credential values never printed")
    func friendlyFlags() throws {
        let host = try HostProcess()
        let secret = "SECRET-\(UUID().uuidString)"
        let tenant = "tenant-\(UUID().uuidString.prefix(8))"

        let driver = try Spctl.must(host, ["driver", "create", "--name", "mock-d", "--provider", "MOCK"])
        #expect(driver.json["DriverName"] as? String == "mock-d" && driver.json["DriverLibFileName"] as? String == "libspider-driver-mock.so")
        var outputs = [try Spctl.must(host, ["credential", "create", "--name", "mock-c", "--provider", "MOCK",
                                             "--key", "MockName=\(tenant)", "--key", "ClientSecret=\(secret)"])]
        let values = (outputs[0].json["KeyValueInfoList"] as? [[String: String]])?.map { $0["Value"] }
        #expect(values == ["********", "********"], "\(outputs[0].stdout)")
        let region = try Spctl.must(host, ["region", "create", "--name", "mock-r", "--provider", "MOCK", "--key", "Region=default",
                                           "--zone", "default-a", "--zone", "default-b"])
        #expect(region.json["AvailableZoneList"] as? [String] == ["default-a", "default-b"])
        // The provider comes from the driver when not given.
        let connection = try Spctl.must(host, ["connection", "create", "--name", "mock-conn", "--driver", "mock-d",
                                               "--credential", "mock-c", "--region", "mock-r"])
        #expect(connection.json["ProviderName"] as? String == "MOCK")
        try host.must("POST", "/spider/vpc", json: Requests.vpc("mock-conn", "vpc-01"))

        // Lists: the host's own JSON, and tables with the chosen columns.
        let listed = try Spctl.must(host, ["connection", "list"])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/connectionconfig").json))
        let aliased = try Spctl.must(host, ["connect-infos", "get", "-n", "mock-conn"])
        #expect(aliased.json["DriverName"] as? String == "mock-d")
        let table = try Spctl.must(host, ["connection", "list", "-o", "table"]).stdout.split(separator: "\n").map(String.init)
        #expect(table.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "PROVIDER", "DRIVER", "CREDENTIAL", "REGION"])
        #expect(table.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true) == ["mock-conn", "MOCK", "mock-d", "mock-c", "mock-r"])
        let drivers = try Spctl.must(host, ["driver", "list", "-o", "table", "--provider", "mock"]).stdout
        #expect(drivers.hasPrefix("NAME") && drivers.contains("mock-d") && drivers.contains("libspider-driver-mock.so"), "\(drivers)")
        let regions = try Spctl.must(host, ["region", "list", "-o", "table"]).stdout
        #expect(regions.contains("Region=default") && regions.contains("default-a,default-b"), "\(regions)")

        outputs += [
            try Spctl.must(host, ["credential", "list"]),
            try Spctl.must(host, ["credential", "list", "-o", "table"]),
            try Spctl.must(host, ["credential", "get", "-n", "mock-c", "-o", "yaml"]),
            try Spctl.must(host, ["credential", "get", "-n", "mock-c", "-o", "table"]),
        ]
        #expect(outputs[2].stdout.contains("MockName=********,ClientSecret=********"), "\(outputs[2].stdout)")
        for output in outputs {
            #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret) && !output.stdout.contains(tenant))
        }

        // In use: each part of a connection is refused (409 → 4) while the connection exists or maps resources.
        for (group, name) in [("driver", "mock-d"), ("credential", "mock-c"), ("region", "mock-r")] {
            let refused = try Spctl.must(host, [group, "delete", "-n", name], code: 4)
            #expect(refused.stderr.contains("mock-conn"), "\(refused.stderr)")
        }
        try Spctl.must(host, ["connection", "delete", "-n", "mock-conn"], code: 4)
        try Spctl.must(host, ["connection", "delete", "-n", "mock-conn", "--force"])
        for (group, name) in [("driver", "mock-d"), ("credential", "mock-c"), ("region", "mock-r")] {
            try Spctl.must(host, [group, "delete", "-n", name])
            try Spctl.must(host, [group, "get", "-n", name], code: 3)
        }
        #expect(try host.must("GET", "/spider/connectionconfig").list("connectionconfig").isEmpty)
    }

    @Test("CB-Spider's -d form (inline, @file, stdin) with its --config/-i options")
    func cbSpiderForm() throws {
        let host = try HostProcess()
        let tenant = "tenant-\(UUID().uuidString.prefix(8))"
        try Spctl.must(host, ["driver", "create", "--config", "spctl.conf", "-i", "json", "-d",
                              #"{"DriverName":"mock-driver01","ProviderName":"MOCK","DriverLibFileName":"libspider-driver-mock.so"}"#])
        let file = host.folder.file("credential.json")
        try #"{"CredentialName":"mock-credential01","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"MockName","Value":"\#(tenant)"}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let credential = try Spctl.must(host, ["credential", "create", "-d", "@" + file])
        #expect(!credential.stdout.contains(tenant))
        try Spctl.must(host, ["region", "create", "-d", "-"],
                       stdin: #"{"RegionName":"mock-region01","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"Region","Value":"default"}]}"#)
        try Spctl.must(host, ["connection", "create", "-d",
                              #"{"ConfigName":"mock-config01","ProviderName":"MOCK","DriverName":"mock-driver01","CredentialName":"mock-credential01","RegionName":"mock-region01"}"#])

        for (group, name, path) in [("driver", "mock-driver01", "driver"), ("credential", "mock-credential01", "credential"),
                                    ("region", "mock-region01", "region"), ("connection", "mock-config01", "connectionconfig")] {
            let shown = try Spctl.must(host, [group, "get", "-n", name])
            #expect(NSDictionary(dictionary: shown.json).isEqual(to: try host.must("GET", "/spider/\(path)/\(name)").json), "\(group)")
        }
        try host.must("GET", "/spider/vpc?ConnectionName=mock-config01")
    }

    @Test("exit codes: not found 3, exists 4, bad input 2 (spctl's and the host's)")
    func exitCodes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let missing = try Spctl.must(host, ["connection", "get", "-n", "nope"], code: 3)
        #expect(missing.stderr.contains("nope") && missing.stdout.isEmpty)
        try Spctl.must(host, ["driver", "get", "-n", "nope"], code: 3)
        try Spctl.must(host, ["credential", "delete", "-n", "nope"], code: 3)
        let duplicate = try Spctl.must(host, ["credential", "create", "--name", c.credential, "--provider", "MOCK", "--key", "MockName=x"], code: 4)
        #expect(!duplicate.stderr.isEmpty)
        try Spctl.must(host, ["region", "create", "--name", c.region, "--provider", "MOCK", "--key", "Region=default"], code: 4)

        // What a driver supports, by connection or by registered driver: the host's JSON.
        let byConnection = try Spctl.must(host, ["driver", "capability", "-c", c.name])
        #expect(byConnection.json["regionZoneHandler"] as? Bool == true, "\(byConnection.stdout)")
        let byDriver = try Spctl.must(host, ["driver", "capability", "--driver", Fixtures.mockDriverName])
        #expect(Set(byDriver.json.keys) == Set(byConnection.json.keys) && byDriver.json["tagHandler"] as? Bool == true)
        try Spctl.must(host, ["driver", "capability", "--driver", "nope"], code: 3)
        try Spctl.must(host, ["driver", "capability"], code: 2)

        // spctl's own checks.
        let badKey = try Spctl.must(host, ["credential", "create", "--name", "x", "--provider", "MOCK", "--key", "novalue"], code: 2)
        #expect(badKey.stderr.contains("--key"))
        try Spctl.must(host, ["credential", "create", "--name", "x", "--key", "A=b"], code: 2)
        try Spctl.must(host, ["connection", "create", "--name", "x", "--driver", Fixtures.mockDriverName], code: 2)
        try Spctl.must(host, ["driver", "create", "-d", "[1]"], code: 2)
        try Spctl.must(host, ["driver", "get"], code: 2)
        // The host's: a connection whose provider disagrees with its driver (400), a driver for no provider installed (404).
        let mismatch = try Spctl.must(host, ["connection", "create", "--name", "x", "--provider", "AWS", "--driver", Fixtures.mockDriverName,
                                             "--credential", c.credential, "--region", c.region], code: 2)
        #expect(mismatch.stderr.contains("AWS"))
        try Spctl.must(host, ["driver", "create", "--name", "x", "--provider", "NOSUCHCLOUD"], code: 3)
        try Spctl.must(host, ["connection", "create", "--name", "x", "--driver", "nope", "--credential", c.credential, "--region", c.region], code: 3)
    }
}
