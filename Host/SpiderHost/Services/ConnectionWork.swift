// Work on one connection outside a single-connection request (the dashboard's fan-out, destroy):
// a gateway for a named connection with its own deadline, and the timing of what it did.
import Dispatch

extension DriverGateway {
    /// A gateway for `connection`, opening it if needed, whose calls run with `call`'s deadline.
    init(_ app: SpiderApp, connectionName: String, call: CallState) throws {
        self.app = app
        connection = try app.connections.connection(connectionName)
        self.call = call
        immediate = false
    }
}

extension CallState {
    /// A deadline a little before this one, so a fan-out reports its slow connections as errors
    /// before the whole request times out; cancelling this call (the client left) cancels it too.
    func child() -> CallState {
        let remaining = Double(remainingMs) / 1000
        return CallState(timeoutSeconds: max(0, remaining * 0.95 - 0.05), parent: self)
    }
}

/// Milliseconds since `start` (a `DispatchTime.now().uptimeNanoseconds`).
func elapsedMs(since start: UInt64) -> Int {
    Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
}
