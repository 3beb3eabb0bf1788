// libcurl reads the proxy variables itself; these tests check the fetcher leaves that alone.
// They change the process environment, so they set NO_PROXY=127.0.0.1 first and remove it last:
// other tests' fetches from 127.0.0.1 never see a proxy.
import Foundation
import Glibc
import Testing
@testable import SpiderRegistry

/// A 127.0.0.1 port with nothing listening: bound, then closed.
private func deadPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite(.serialized) struct FetcherProxyTests {
    @Test func proxyVariablesAreHonouredAndNoProxyLetsLocalFetchesThrough() throws {
        let source = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let expected = try source.randomFile("f.bin", size: 10_000)
        let server = try FetcherTestServer.files(in: source)
        defer { server.stop() }
        let port = deadPort()
        setenv("NO_PROXY", "127.0.0.1", 1)
        setenv("HTTPS_PROXY", "http://127.0.0.1:\(port)", 1)
        setenv("http_proxy", "http://127.0.0.1:\(port)", 1)
        defer {
            unsetenv("http_proxy")
            unsetenv("HTTPS_PROXY")
            unsetenv("NO_PROXY")
        }
        var options = FetchOptions()
        options.maxRetries = 0
        let fetcher = Fetcher(options: options)

        // An https URL goes to the (dead) proxy: the error names the proxy's port, not the host.
        do {
            _ = try fetcher.fetchData("https://registry.example.invalid/index.json")
            Issue.record("fetched through a dead proxy")
        } catch {
            guard case .network(let url, let message) = error else { Issue.record("\(error)"); return }
            #expect(url == "https://registry.example.invalid/index.json")
            #expect(message.contains("port \(port)"), "\(message)")
        }
        // http_proxy applies to "localhost" (not in NO_PROXY), so that fetch hits the dead proxy…
        do {
            _ = try fetcher.fetchData("http://localhost:\(server.port)/f.bin")
            Issue.record("http_proxy was ignored")
        } catch {
            guard case .network(_, let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("port \(port)"), "\(message)")
        }
        // …while NO_PROXY=127.0.0.1 sends the same server's fetch straight through.
        #expect(try fetcher.fetch(server.url("f.bin"), to: out.file("f.bin")).sha256 == expected)
    }
}
