# shellcheck shell=bash
# Credentials of the local OpenStack (Tools/openstack). Source it; it prints nothing:
#   . Tools/openstack/env.sh            defines the two functions below, exports nothing else
#   . Tools/openstack/env.sh user       ... and exports the non-admin user's OS_* variables
#   . Tools/openstack/env.sh admin      ... and exports the cloud admin's OS_* variables
#   spider_openstack_user               non-admin: user "spider" in project "spider" (roles member,
#                                       reader, load-balancer_member)
#   spider_openstack_admin              user "admin" in project "admin" (role admin)
# Both clouds are also in Tools/openstack/clouds.yaml (OS_CLIENT_CONFIG_FILE, clouds
# "spider-user" and "spider-admin").

_spider_openstack_common() {
    unset OS_CLOUD OS_TOKEN OS_PROJECT_ID OS_TENANT_NAME OS_TENANT_ID OS_SYSTEM_SCOPE 2>/dev/null || true
    export OS_AUTH_URL=http://127.0.0.1:5000/v3
    export OS_AUTH_TYPE=password
    export OS_IDENTITY_API_VERSION=3
    export OS_REGION_NAME=RegionOne
    export OS_INTERFACE=public
    export OS_USER_DOMAIN_NAME=Default
    export OS_PROJECT_DOMAIN_NAME=Default
}

spider_openstack_admin() {
    _spider_openstack_common
    export OS_USERNAME=admin
    export OS_PASSWORD=secret
    export OS_PROJECT_NAME=admin
}

spider_openstack_user() {
    _spider_openstack_common
    export OS_USERNAME=spider
    export OS_PASSWORD=spider-secret
    export OS_PROJECT_NAME=spider
}

OS_CLIENT_CONFIG_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/clouds.yaml"
export OS_CLIENT_CONFIG_FILE

case "${1:-}" in
user) spider_openstack_user ;;
admin) spider_openstack_admin ;;
esac
