// The OpenStack driver's tests against the real OpenStack: one suite, its tests one at a time,
// because they share one project (one user's key pairs, the project's lists). Each test starts
// from an empty project (OpenStackCloud.emptyProject), so a failed test leaves nothing for the next.
import Testing

@Suite("OpenStack driver against a real OpenStack (Tools/openstack)", .serialized)
struct RealOpenStackTests {}
