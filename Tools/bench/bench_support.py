"""What the benchmarks' measuring scripts share: the children they start (stopped by PID on exit
and on SIGTERM), a free loopback port, and HTTP over spiderd's Unix socket."""
import http.client, socket, subprocess, sys

CHILDREN = []  # Popen objects this process started, stopped newest first


def stop_children(*_):
    for proc in reversed(CHILDREN):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    CHILDREN.clear()


def on_term(*_):
    stop_children()
    sys.exit(143)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UnixHTTP(http.client.HTTPConnection):
    """An HTTP/1.1 connection to a Unix socket (spiderd's)."""

    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)
