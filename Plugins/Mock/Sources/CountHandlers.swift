// `resource.count`: how many of each kind this region holds, in one call, so a dashboard over
// many connections costs one cloud round trip per connection.
import SpiderDriverKit

extension MockConnection {
    func countResources() -> [String: Int] {
        let state = snapshot()
        let vpcs = state.vpcs.inCreationOrder
        return [
            "vpc": vpcs.count,
            "subnet": vpcs.reduce(0) { $0 + $1.info.SubnetInfoList.count },
            "securitygroup": state.securityGroups.count,
            "keypair": state.keyPairs.count,
            "vm": state.liveVMs(at: WallClock.nowMs()).count,
            "disk": state.disks.count,
            "myimage": state.myImages.count,
            "nlb": state.nlbs.count,
            "cluster": state.liveClusters(at: WallClock.nowMs()).count,
        ]
    }
}
