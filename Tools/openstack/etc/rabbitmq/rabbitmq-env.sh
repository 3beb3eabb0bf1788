# Environment of rabbitmq-server (sourced by start.sh): node, listeners and Erlang distribution
# on 127.0.0.1 only; data, logs and the Erlang cookie under the state folder.
RABBITMQ_NODENAME=spider@localhost
RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
RABBITMQ_NODE_PORT=5672
RABBITMQ_DIST_PORT=25672
ERL_EPMD_ADDRESS=127.0.0.1
ERL_EPMD_PORT=4369
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
RABBITMQ_CONF_ENV_FILE=@STATE@/etc/rabbitmq/rabbitmq-env.conf
RABBITMQ_CONFIG_FILE=@STATE@/etc/rabbitmq/rabbitmq.conf
RABBITMQ_ENABLED_PLUGINS_FILE=@STATE@/etc/rabbitmq/enabled_plugins
RABBITMQ_MNESIA_BASE=@STATE@/rabbitmq/mnesia
RABBITMQ_LOG_BASE=@STATE@/rabbitmq/log
RABBITMQ_PID_FILE=@STATE@/rabbitmq/rabbit.pid
HOME=@STATE@/rabbitmq
