#!/usr/bin/env python3
"""The AWS benchmark's timing (see aws.sh): one moto_server and one spiderd with the AWS driver,
then the same scenario through spiderd's socket and directly with boto3, rounds alternating which
goes first, moto reset before every run. Every run's per-step times and AWS requests go to
<out>/rounds.jsonl (the warm-up run too, marked); the table — per step median [min–max] of each
and the ratio per round (spiderd ÷ boto3 of the same round) — to stdout and <out>/table.txt; never
judges beyond the informational goal. Stops the processes it started (by PID) on exit and on SIGTERM."""
import argparse, os, re, shutil, signal, statistics, subprocess, sys, time, urllib.request

import boto3

from bench_support import CHILDREN, PairedRuns, Table, fig, iqr, register_connection, run_alternating, spider_scenario, start_spiderd, free_port, on_term, stop_children

REGION = "us-east-1"
ZONE = REGION + "a"
CONN = "aws-bench-config"
STEPS = ["vpc", "securitygroup", "keypair", "vm", "status", "suspend", "resume", "terminate", "teardown"]
def start_moto(out):
    """moto_server on a free loopback port (retried when another process takes the port first)."""
    for attempt in range(5):
        port = free_port()
        log = os.path.join(out, "moto.log" if attempt == 0 else f"moto-{attempt}.log")
        command = ["moto_server"] if shutil.which("moto_server") else [sys.executable, "-m", "moto.server"]
        proc = subprocess.Popen(command + ["-H", "127.0.0.1", "-p", str(port)],
                                stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        CHILDREN.append(proc)
        for _ in range(600):
            if proc.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/config", timeout=30).read()
                return f"http://127.0.0.1:{port}", log
            except OSError:
                time.sleep(0.1)
        stop_children()
    sys.exit("aws_measure.py: moto_server did not start")


def moto_requests(log):
    """AWS requests moto has logged so far (werkzeug's access lines, its own API left out)."""
    with open(log, errors="replace") as f:
        return sum(1 for line in f if re.search(r'"(GET|POST|PUT|DELETE|HEAD) ', line) and "/moto-api" not in line)


# ---------- the same AWS calls, directly with boto3 ----------

def boto_run(ec2, image):
    ids = {}
    tag = lambda kind, name: [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]
    perm = lambda f, t, cidr: {"IpProtocol": "tcp", "FromPort": f, "ToPort": t, "IpRanges": [{"CidrIp": cidr}]}

    def vpc():
        ids["vpc"] = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=tag("vpc", "vpc-01"))["Vpc"]["VpcId"]
        ids["subnet"] = ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.0.1.0/24", AvailabilityZone=ZONE,
                                          TagSpecifications=tag("subnet", "subnet-01"))["Subnet"]["SubnetId"]
        ids["igw"] = ec2.create_internet_gateway(TagSpecifications=tag("internet-gateway", "vpc-01"))["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"])
        table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}])["RouteTables"][0]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])

    def sg():
        ids["sg"] = ec2.create_security_group(GroupName="sg-01", Description="sg-01", VpcId=ids["vpc"],
                                              TagSpecifications=tag("security-group", "sg-01"))["GroupId"]
        ec2.revoke_security_group_egress(GroupId=ids["sg"], IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.authorize_security_group_ingress(GroupId=ids["sg"], IpPermissions=[perm(22, 22, "0.0.0.0/0"), perm(80, 443, "10.0.0.0/8")])
        ec2.authorize_security_group_egress(GroupId=ids["sg"], IpPermissions=[perm(443, 443, "0.0.0.0/0")])

    def vm():
        ids["vm"] = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, KeyName="key-01",
                                      NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": ids["subnet"], "Groups": [ids["sg"]],
                                                          "AssociatePublicIpAddress": True}],
                                      UserData="#cloud-config\nusers:\n  - name: cb-user\n",
                                      TagSpecifications=tag("instance", "vm-01"))["Instances"][0]["InstanceId"]

    def teardown():
        ec2.delete_key_pair(KeyName="key-01")
        ec2.delete_security_group(GroupId=ids["sg"])
        ec2.delete_subnet(SubnetId=ids["subnet"])
        ec2.detach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"])
        ec2.delete_internet_gateway(InternetGatewayId=ids["igw"])
        ec2.delete_vpc(VpcId=ids["vpc"])

    return [
        ("vpc", vpc),
        ("securitygroup", sg),
        ("keypair", lambda: ec2.create_key_pair(KeyName="key-01", TagSpecifications=tag("key-pair", "key-01"))),
        ("vm", vm),
        ("status", lambda: ec2.describe_instances(InstanceIds=[ids["vm"]])),
        ("suspend", lambda: ec2.stop_instances(InstanceIds=[ids["vm"]])),
        ("resume", lambda: ec2.start_instances(InstanceIds=[ids["vm"]])),
        ("terminate", lambda: ec2.terminate_instances(InstanceIds=[ids["vm"]])),
        ("teardown", teardown),
    ]


def timed(steps, moto_url, moto_log):
    urllib.request.urlopen(urllib.request.Request(moto_url + "/moto-api/reset", method="POST"), timeout=60).read()
    times, requests = {}, {}
    for name, step in steps:
        before = moto_requests(moto_log)   # counted between steps, outside the timing
        t = time.perf_counter()
        step()
        times[name] = (time.perf_counter() - t) * 1000
        requests[name] = moto_requests(moto_log) - before
    times["total"] = sum(times.values())
    return times, requests


def report(out, goal):
    t = Table(out)
    paired = PairedRuns(out, ("spiderd", "boto3"))
    runs = paired.runs
    fmt = "%-14s %22s %22s %22s %14s"
    t()
    t(fmt % ("step", "spiderd ms", "boto3 ms", "ratio per round", "AWS requests"))
    for step in STEPS + ["total"]:
        reqs = lambda who: runs[who][-1]["requests"].get(step, sum(runs[who][-1]["requests"].values()))
        t(fmt % (step, fig(paired.ms("spiderd", step)), fig(paired.ms("boto3", step)), fig(paired.ratio(step), "{:.2f}", "×"),
                 f"{reqs('spiderd')} vs {reqs('boto3')}"))
    per_round = paired.ratio("total")
    t()
    t(f"AWS requests moto saw per run: spiderd {statistics.median(sum(r['requests'].values()) for r in runs['spiderd']):.0f},"
      f" boto3 {statistics.median(sum(r['requests'].values()) for r in runs['boto3']):.0f}")
    t(f"warm-up run (not in the figures): spiderd {paired.warm['spiderd']['ms']['total']:.0f} ms, boto3 {paired.warm['boto3']['ms']['total']:.0f} ms")
    paired.total_lines(t, 8)
    t(f"  ratio    " + " ".join(f"{x:.2f}" for x in per_round) + (f"   ({iqr(per_round, '{:.2f}')})" if iqr(per_round) else ""))
    t()
    t(f"{len(paired.pairs)} rounds. Total: spiderd {fig(paired.ms('spiderd', 'total'))} ms, boto3 {fig(paired.ms('boto3', 'total'))} ms;"
      f" spiderd ÷ boto3 ratio per round {fig(per_round, '{:.2f}', '×')} (goal: median <= {goal}×: {paired.verdict(goal)}, informational)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spiderd", required=True)
    p.add_argument("--drivers-dir", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--out", required=True, help="run folder: rounds.jsonl, moto.log, spiderd.log, table.txt")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--goal", type=float, default=1.1)
    args = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    try:
        moto_url, moto_log = start_moto(args.out)
        ec2 = boto3.client("ec2", endpoint_url=moto_url, region_name=REGION,
                           aws_access_key_id="AKIDSPIDERBENCH", aws_secret_access_key="bench-secret")
        image = ec2.describe_images(Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm-2.0.20180810-x86_64-gp2"]}])["Images"][0]["ImageId"]
        _, s = start_spiderd(args.spiderd, args.scratch, args.out, args.drivers_dir, "aws_measure.py")
        register_connection(s, CONN, "AWS", "libspider-driver-aws.so",
                            [("ClientId", "AKIDSPIDERBENCH"), ("ClientSecret", "bench-secret")],
                            [("Region", REGION), ("Zone", ZONE), ("Endpoint", moto_url)])
        # The warm-up round: spiderd opens the connection and caches the image and the type; boto3 loads its models.
        run_alternating(args.out, args.rounds, ("spiderd", "boto3"), lambda who: timed(
            spider_scenario(s, CONN, image, "t3.micro") if who == "spiderd" else boto_run(ec2, image), moto_url, moto_log))
    finally:
        stop_children()
    report(args.out, args.goal)


if __name__ == "__main__":
    main()
