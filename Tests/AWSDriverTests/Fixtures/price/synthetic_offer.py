#!/usr/bin/env python3
"""Writes a synthetic EC2 offer file in AWS's Price List format (pretty-printed as AWS does) for
scale tests and the bench: one region, instance types in 81 listings each (3 OS x 3 tenancies x
3 capacity statuses x plain / SQL Server / bring-your-own-licence) with OnDemand and 12 Reserved
terms, bare-metal types, dedicated hosts, EBS storage and many data-transfer products.

usage: synthetic_offer.py <path> <instance types> [region]

Prices are integers of 1/10000 USD so any reader can recompute them exactly:
  on demand = 10 * (type + 1) + 100 * os   (os: Linux 0, Windows 1, RHEL 2)
  standard no-upfront reserved hourly = on demand * 6 // 10 (1 year), * 4 // 10 (3 years)
The plain listings (Shared, Used, NA software, not BYOL) are what the driver prices: per type 3
SKUs x (OnDemand + Reserved 1yr + Reserved 3yr). Every 10th type is a bare-metal one.
"""
import sys

OSES = ["Linux", "Windows", "RHEL"]
TENANCIES = ["Shared", "Dedicated", "Host"]
CAPACITY = ["Used", "UnusedCapacityReservation", "AllocatedCapacityReservation"]
SOFTWARE = [("NA", "No License required"), ("SQL Std", "No License required"), ("NA", "Bring your own license")]
FAMILIES = "mcrtxpgiz"
# Characters a scanner must not trip on, inside a kept product's attribute (and in a key elsewhere).
TRICKY = 'brace { bracket [ quote \\" backslash \\\\ close } ] caf\\u00e9 \\ud83d\\ude80 end'


def money(units):
    """1/10000 USD as AWS writes it: ten decimals."""
    return f"{units // 10000}.{units % 10000:04d}000000"


def instance_type(t):
    name = f"{FAMILIES[t % len(FAMILIES)]}{t // len(FAMILIES) + 1}"
    return (f"{name}.metal", True) if t % 10 == 9 else (f"{name}.{['large', 'xlarge', '2xlarge'][t % 3]}", False)


def listings(t):
    """(sku, os index, tenancy, capacity, software, license) of one type's 81 listings."""
    v = 0
    for o, os in enumerate(OSES):
        for tenancy in TENANCIES:
            for capacity in CAPACITY:
                for software, license in SOFTWARE:
                    yield f"I{t:05d}V{v:02d}SKUPAD", o, tenancy, capacity, software, license
                    v += 1


def on_demand_units(t, o):
    return 10 * (t + 1) + 100 * o


RESERVED = [(years, cls, option) for years in (1, 3) for cls in ("standard", "convertible")
            for option in ("No Upfront", "Partial Upfront", "All Upfront")]


def reserved_units(t, o, years, cls, option):
    """Hourly part of a reserved term: standard no-upfront is 6/10 (1 year) or 4/10 (3 years)."""
    base = on_demand_units(t, o)
    share = {1: 6, 3: 4}[years] + (1 if cls == "convertible" else 0)
    hourly = base * share // 10
    return {"No Upfront": hourly, "Partial Upfront": hourly // 2, "All Upfront": 0}[option]


def attributes(pairs, indent):
    pad = " " * indent
    return (",\n").join(f'{pad}"{k}" : "{v}"' for k, v in pairs)


def product(sku, family, pairs):
    return (f'    "{sku}" : {{\n      "sku" : "{sku}",\n      "productFamily" : "{family}",\n'
            f'      "attributes" : {{\n{attributes(pairs, 8)}\n      }}\n    }}')


def term(sku, code, units, description, reserved=None):
    rate = f"{sku}.{code}.6YS6EN2CT7"
    dims = [(f'          "{rate}" : {{\n            "rateCode" : "{rate}",\n            "description" : "{description}",\n'
             f'            "beginRange" : "0",\n            "endRange" : "Inf",\n            "unit" : "Hrs",\n'
             f'            "pricePerUnit" : {{\n              "USD" : "{money(units)}"\n            }},\n'
             f'            "appliesTo" : [ ]\n          }}')]
    attrs = ""
    if reserved:
        years, cls, option = reserved
        if option != "No Upfront":
            fee = f"{sku}.{code}.2TG2D8R56U"
            dims.append(f'          "{fee}" : {{\n            "rateCode" : "{fee}",\n            "description" : "Upfront Fee",\n'
                        f'            "unit" : "Quantity",\n            "pricePerUnit" : {{\n              "USD" : "{units * 8760 * years // 10000 + 1}"\n'
                        f'            }},\n            "appliesTo" : [ ]\n          }}')
        attrs = (f'        "termAttributes" : {{\n          "LeaseContractLength" : "{years}yr",\n'
                 f'          "OfferingClass" : "{cls}",\n          "PurchaseOption" : "{option}"\n        }}')
    else:
        attrs = '        "termAttributes" : { }'
    return (f'      "{sku}.{code}" : {{\n        "offerTermCode" : "{code}",\n        "sku" : "{sku}",\n'
            f'        "effectiveDate" : "2025-11-01T00:00:00Z",\n        "priceDimensions" : {{\n'
            + ",\n".join(dims) + f'\n        }},\n{attrs}\n      }}')


def main():
    path, types = sys.argv[1], int(sys.argv[2])
    region = sys.argv[3] if len(sys.argv) > 3 else "us-east-1"
    location = "US East (N. Virginia)"
    common = [("servicecode", "AmazonEC2"), ("location", location), ("locationType", "AWS Region"),
              ("regionCode", region), ("servicename", "Amazon Elastic Compute Cloud")]
    # Other families: (sku, family, attributes, hourly units, has reserved terms)
    others = []
    for v, volume in enumerate(["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"]):
        others.append((f"STORAGE{v:09d}", "Storage", [("volumeApiName", volume), ("storageMedia", "SSD")], 1000 + v, False))
    for h in range(200):
        others.append((f"HOST{h:012d}", "Dedicated Host", [("instanceType", f"h{h}"), ("tenancy", "Host")], 20000 + h, True))
    for d in range(30000):
        pairs = [("transferType", "InterRegion Outbound"), ("toLocation", f"Place {d}"), ("fromLocation", location)]
        if d == 7:
            pairs.append(("tricky " + TRICKY, TRICKY))
        others.append((f"TRANSFER{d:08d}", "Data Transfer", pairs, d % 200, False))

    with open(path, "w", buffering=1 << 20) as out:
        out.write('{\n  "formatVersion" : "v1.0",\n  "disclaimer" : "Synthetic \\"offer\\" {for tests} [only]",\n'
                  f'  "offerCode" : "AmazonEC2",\n  "version" : "20251126000000",\n'
                  f'  "publicationDate" : "2025-11-26T00:00:00Z",\n  "products" : {{\n')
        first = True
        for t in range(types):
            name, metal = instance_type(t)
            family = "Compute Instance (bare metal)" if metal else "Compute Instance"
            for sku, o, tenancy, capacity, software, license in listings(t):
                pairs = common + [
                    ("instanceType", name), ("currentGeneration", "Yes"), ("instanceFamily", "General purpose"),
                    ("vcpu", str(2 * (t % 48 + 1))), ("physicalProcessor", TRICKY), ("clockSpeed", "Up to 3.1 GHz"),
                    ("memory", f"{4 * (t % 96 + 1):,} GiB"), ("storage", "EBS only"), ("networkPerformance", "Up to 10 Gigabit"),
                    ("processorArchitecture", "64-bit"), ("tenancy", tenancy), ("operatingSystem", OSES[o]),
                    ("licenseModel", license), ("usagetype", f"BoxUsage:{name}"), ("operation", "RunInstances"),
                    ("capacitystatus", capacity), ("gpuMemory", "NA"), ("marketoption", "OnDemand"),
                    ("preInstalledSw", software)]
                out.write(("" if first else ",\n") + product(sku, family, pairs))
                first = False
        for sku, family, pairs, _, _ in others:
            out.write(",\n" + product(sku, family, common + pairs))
        out.write('\n  },\n  "terms" : {\n    "OnDemand" : {\n')
        first = True
        for t in range(types):
            name, _ = instance_type(t)
            for sku, o, *_ in listings(t):
                units = on_demand_units(t, o)
                out.write(("" if first else ",\n") + f'    "{sku}" : {{\n'
                          + term(sku, "JRTCKXETXF", units, f"${money(units)} per On Demand {OSES[o]} {name} Instance Hour")
                          + "\n    }")
                first = False
        for sku, family, _, units, _ in others:
            out.write(f',\n    "{sku}" : {{\n' + term(sku, "JRTCKXETXF", units, f"{family} hour") + "\n    }")
        out.write('\n    },\n    "Reserved" : {\n')
        first = True
        for t in range(types):
            for sku, o, *_ in listings(t):
                body = ",\n".join(term(sku, f"RES{i:07d}", reserved_units(t, o, *r), "reserved instance applied", r)
                                  for i, r in enumerate(RESERVED))
                out.write(("" if first else ",\n") + f'    "{sku}" : {{\n{body}\n    }}')
                first = False
        for sku, _, _, units, reserved in others:
            if reserved:
                out.write(f',\n    "{sku}" : {{\n' + term(sku, "RES0000000", units // 2, "host reservation",
                                                             (1, "standard", "No Upfront")) + "\n    }")
        out.write('\n    }\n  },\n  "attributesList" : { }\n}\n')


if __name__ == "__main__":
    main()
