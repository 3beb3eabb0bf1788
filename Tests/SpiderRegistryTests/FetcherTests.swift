// The fetcher against real sources: python HTTP servers on 127.0.0.1, folders, file:// URLs.
import Foundation
import Testing
@testable import SpiderRegistry

/// Fast retries so failure tests do not wait for real backoff.
private func quickOptions(retries: Int = 3) -> FetchOptions {
    var options = FetchOptions()
    options.maxRetries = retries
    options.initialBackoff = 0.02
    options.maxBackoff = 0.1
    options.connectTimeout = 5
    return options
}

private func expectFetchError(_ expected: FetchError, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(expected), the fetch succeeded")
    } catch {
        #expect(error as? FetchError == expected, "\(error)")
    }
}

@Suite struct FetcherTests {
    @Test func httpFolderAndFileURLGiveSha256sumsDigest() throws {
        let source = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let size = 5 * 1024 * 1024 + 17
        let expected = try source.randomFile("bundle.tar.gz", size: size)
        let server = try FetcherTestServer.files(in: source)
        defer { server.stop() }

        let fetcher = Fetcher(options: quickOptions())
        for (index, from) in [server.url("bundle.tar.gz"), source.file("bundle.tar.gz"),
                              "file://" + source.file("bundle.tar.gz")].enumerated() {
            nonisolated(unsafe) var reports: [(UInt64, UInt64?)] = []
            let destination = out.file("copy\(index).tar.gz")
            let result = try fetcher.fetch(from, to: destination) { reports.append(($0, $1)) }
            #expect(result == FetchResult(bytes: UInt64(size), sha256: expected), "\(from)")
            #expect(try sha256sum(destination) == expected)
            #expect(reports.last?.0 == UInt64(size) && reports.last?.1 == UInt64(size))
            #expect(reports.count > 2, "progress is reported while the bytes stream in")
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 <= $1.0 })
        }
        #expect(out.names() == ["copy0.tar.gz", "copy1.tar.gz", "copy2.tar.gz"])
    }

    @Test func fetchDataReadsSmallFilesFromEverySource() throws {
        let source = try FetcherTestFolder()
        try Data("{\"drivers\":{}}".utf8).write(to: URL(fileURLWithPath: source.file("index.json")))
        let server = try FetcherTestServer.files(in: source)
        defer { server.stop() }
        let fetcher = Fetcher(options: quickOptions())
        try Data("spaced".utf8).write(to: URL(fileURLWithPath: source.file("a b%.json")))
        for from in [server.url("index.json"), source.file("index.json"), "file://" + source.file("index.json")] {
            #expect(try fetcher.fetchData(from) == Data("{\"drivers\":{}}".utf8))
        }
        // A plain path is percent-encoded on its way to a file:// URL.
        #expect(try fetcher.fetchData(source.file("a b%.json")) == Data("spaced".utf8))
        expectFetchError(.tooLarge(url: server.url("index.json"), limit: 4)) {
            _ = try fetcher.fetchData(server.url("index.json"), maxBytes: 4)
        }
    }

    @Test func missingFilesAreNotFoundNamingTheSourceWithoutRetries() throws {
        let source = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let server = try FetcherTestServer.files(in: source)
        defer { server.stop() }
        let fetcher = Fetcher(options: quickOptions(retries: 3))
        let url = server.url("missing.tar.gz")
        do {
            _ = try fetcher.fetch(url, to: out.file("x"))
            Issue.record("fetched a missing file")
        } catch {
            #expect(error == .notFound(url: url))
            #expect(error.description.contains(url))
        }
        #expect(server.requests("missing.tar.gz") == 1)
        expectFetchError(.notFound(url: source.file("missing"))) { _ = try fetcher.fetch(source.file("missing"), to: out.file("x")) }
        expectFetchError(.notFound(url: "file://" + source.file("missing"))) {
            _ = try fetcher.fetch("file://" + source.file("missing"), to: out.file("x"))
        }
        #expect(out.names().isEmpty)
    }

    @Test func clientErrorsOtherThan408And429AreNotRetried() throws {
        let folder = try FetcherTestFolder()
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        expectFetchError(.http(status: 403, url: server.url("403"))) {
            _ = try Fetcher(options: quickOptions()).fetchData(server.url("403"))
        }
        #expect(server.requests("403") == 1)
    }

    @Test func transientFailuresAreRetriedUntilTheyPass() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let expected = try folder.randomFile("b.bin", size: 300_000)
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        let fetcher = Fetcher(options: quickOptions(retries: 2))
        for path in ["500/2/b.bin", "drop/2/b.bin", "429/1/b.bin"] {
            nonisolated(unsafe) var totals: Set<UInt64?> = []
            let result = try fetcher.fetch(server.url(path), to: out.file("b.bin")) { totals.insert($1) }
            #expect(result.sha256 == expected, "\(path)")
            #expect(totals == [300_000], "error pages are not reported as progress: \(path)")
        }
        #expect(server.requests("500/2/b.bin") == 3)
        #expect(server.requests("429/1/b.bin") == 2)
    }

    @Test func tooFewRetriesFailNamingTheStatusOrTheDrop() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        _ = try folder.randomFile("b.bin", size: 1000)
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        let fetcher = Fetcher(options: quickOptions(retries: 1))
        expectFetchError(.http(status: 500, url: server.url("500/3/b.bin"))) {
            _ = try fetcher.fetch(server.url("500/3/b.bin"), to: out.file("b.bin"))
        }
        #expect(server.requests("500/3/b.bin") == 2)
        do {
            _ = try fetcher.fetch(server.url("drop/3/b.bin"), to: out.file("b.bin"))
            Issue.record("fetched through dropped connections")
        } catch {
            guard case .network(let url, let message) = error else { Issue.record("\(error)"); return }
            #expect(url == server.url("drop/3/b.bin"))
            #expect(message.contains("Empty reply"), "\(message)")
        }
        #expect(out.names().isEmpty)
    }

    @Test func aStalledDownloadTimesOut() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        var options = quickOptions(retries: 0)
        options.lowSpeedBytesPerSecond = 100
        options.lowSpeedSeconds = 1
        expectFetchError(.timeout(url: server.url("stall"), seconds: 1, limit: .stalled)) {
            _ = try Fetcher(options: options).fetch(server.url("stall"), to: out.file("s"))
        }
        options.lowSpeedSeconds = 30
        options.totalTimeout = 1
        expectFetchError(.timeout(url: server.url("stall"), seconds: 1, limit: .total)) {
            _ = try Fetcher(options: options).fetch(server.url("stall"), to: out.file("s"))
        }
        #expect(out.names().isEmpty)
    }

    @Test func downloadsPastTheSizeLimitAreAbandonedAndRemoved() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        _ = try folder.randomFile("big.bin", size: 2_000_000)
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        var options = quickOptions()
        options.maxBytes = 1_000_000
        let fetcher = Fetcher(options: options)
        // Announced by Content-Length, streamed without one, and read from a folder.
        for from in [server.url("big.bin"), server.url("chunked/3000000"), folder.file("big.bin")] {
            expectFetchError(.tooLarge(url: from, limit: 1_000_000)) {
                _ = try fetcher.fetch(from, to: out.file("big.bin"))
            }
        }
        #expect(out.names().isEmpty)
        options.maxBytes = 3_000_000
        #expect(try Fetcher(options: options).fetch(server.url("chunked/3000000"), to: out.file("c")).bytes == 3_000_000)
    }

    @Test func redirectsAreFollowedUpToTheLimitAndTheAgentIsSpider() throws {
        let folder = try FetcherTestFolder()
        let server = try FetcherTestServer.scripted(in: folder)
        defer { server.stop() }
        var options = quickOptions()
        options.maxRedirects = 3
        let fetcher = Fetcher(options: options)
        #expect(try fetcher.fetchData(server.url("redirect/3")) == Data("arrived".utf8))
        expectFetchError(.tooManyRedirects(url: server.url("redirect/4"), limit: 3)) {
            _ = try fetcher.fetchData(server.url("redirect/4"))
        }
        #expect(try fetcher.fetchData(server.url("agent")) == Data("spider/0.1.0".utf8))
    }

    @Test func httpsVerifiesTheServerAgainstTheChosenAuthorities() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let expected = try folder.randomFile("b.bin", size: 200_000)
        let tls = try makeSelfSignedCertificate(in: folder)
        let server = try FetcherTestServer.scripted(in: folder, tls: tls)
        defer { server.stop() }
        let url = server.url("b.bin", scheme: "https")
        var options = quickOptions()
        do {
            _ = try Fetcher(options: options).fetch(url, to: out.file("b.bin"))
            Issue.record("trusted a self-signed certificate")
        } catch {
            guard case .network(let named, let message) = error else { Issue.record("\(error)"); return }
            #expect(named == url)
            #expect(message.lowercased().contains("certificate"), "\(message)")
        }
        #expect(out.names().isEmpty)
        options.caBundlePath = tls.certificate
        #expect(try Fetcher(options: options).fetch(url, to: out.file("b.bin")).sha256 == expected)
    }

    @Test func pausesGrowExponentiallyWithJitterAndHonourRetryAfter() {
        var options = FetchOptions()
        options.initialBackoff = 1
        options.maxBackoff = 6
        let fetcher = Fetcher(options: options)
        for (retry, ceiling) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 6.0), (9, 6.0)] {
            let pauses = (0..<50).map { _ in fetcher.pause(retry: retry, retryAfter: nil) }
            #expect(pauses.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling }, "retry \(retry): \(pauses)")
            #expect(Set(pauses).count > 1, "jittered")
        }
        #expect(fetcher.pause(retry: 1, retryAfter: 3) == 3)
        #expect(fetcher.pause(retry: 1, retryAfter: 120) == 6)
    }

    @Test func fetchesOnSeveralThreadsAtOnceEachGetTheirOwnBytes() throws {
        let folder = try FetcherTestFolder()
        let out = try FetcherTestFolder()
        let digests = try (0..<4).map { try folder.randomFile("f\($0).bin", size: 400_000 + $0) }
        let server = try FetcherTestServer.files(in: folder)
        defer { server.stop() }
        let fetcher = Fetcher(options: quickOptions())
        let urls = (0..<4).map { server.url("f\($0).bin") }
        nonisolated(unsafe) var results = [FetchResult?](repeating: nil, count: 4)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let result = try? fetcher.fetch(urls[i], to: out.file("f\(i).bin"))
            lock.withLock { results[i] = result }
        }
        for i in 0..<4 {
            #expect(results[i] == FetchResult(bytes: UInt64(400_000 + i), sha256: digests[i]))
        }
    }

    @Test func anUnwritableDestinationIsALocalFileError() throws {
        let folder = try FetcherTestFolder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.file("x")))
        let destination = folder.file("no-such-folder/x")
        do {
            _ = try Fetcher(options: quickOptions()).fetch(folder.file("x"), to: destination)
            Issue.record("wrote into a missing folder")
        } catch {
            guard case .localFile(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == destination)
        }
    }

    @Test func unsupportedSchemesAreRefused() throws {
        let out = try FetcherTestFolder()
        do {
            _ = try Fetcher(options: quickOptions()).fetch("ftp://127.0.0.1/x", to: out.file("x"))
            Issue.record("fetched over ftp")
        } catch {
            guard case .unsupported(let url, _) = error else { Issue.record("\(error)"); return }
            #expect(url == "ftp://127.0.0.1/x")
        }
        #expect(out.names().isEmpty)
    }
}
