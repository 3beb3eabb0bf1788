"""What the benchmarks' measuring scripts share: the children they start (stopped by PID on exit
and on SIGTERM), a free loopback port, HTTP over spiderd's Unix socket, and the figures — every
round kept as a JSON line in the run folder, median [min–max] over rounds, ratios per round, and
the printed table copied into the run folder's table.txt."""
import http.client, json, os, socket, statistics, subprocess, sys

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


# ---------- raw output and figures ----------

def keep(out_dir, record, name="rounds.jsonl"):
    """Appends one measurement as a JSON line to the run folder's raw file."""
    with open(os.path.join(out_dir, name), "a") as f:
        f.write(json.dumps(record) + "\n")


def read_rounds(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ratios(numerators, denominators):
    """Ratio per round: numerator and denominator measured in the same round."""
    return [a / b for a, b in zip(numerators, denominators) if b]


def fig(values, fmt="{:.1f}", unit=""):
    """'median [min–max]' over the rounds (statistics.median: for an even count, the mean of the
    two middle values), e.g. '41.2 [39.0–44.1] ms'; a single round is just its value."""
    if not values:
        return "-"
    f = fmt.format
    if len(values) == 1:
        return f"{f(values[0])}{unit}"
    return f"{f(statistics.median(values))} [{f(min(values))}–{f(max(values))}]{unit}"


def iqr(values, fmt="{:.1f}"):
    """'IQR q1–q3' when there are at least 5 rounds (quartiles, inclusive method), else ''."""
    if len(values) < 5:
        return ""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return f"IQR {fmt.format(q1)}–{fmt.format(q3)}"


def median_index(values):
    """Index of the median round (the lower middle one for an even count)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    return order[(len(values) - 1) // 2]


class Table:
    """Prints lines and appends them to <out_dir>/table.txt (a copy of what the script printed)."""

    def __init__(self, out_dir):
        self.path = os.path.join(out_dir, "table.txt")

    def __call__(self, line=""):
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")
