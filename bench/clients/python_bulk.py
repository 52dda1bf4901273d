"""A bulk ECBN update of the people in <ids-file> through the Python package, for bench.py.
Usage: python python_bulk.py <base-url> <ids-file> <concurrency>; prints JSON."""
import json
import sys
import time

import webex_emergency as we

base, ids_file, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = open(ids_file).read().split()
client = we.Client("sim-token", base_url=base)
t = time.perf_counter()
out = client.people.bulk_update_ecbn(((i, {"selected": "LOCATION_ECBN"}) for i in ids), concurrency=concurrency)
print(json.dumps({"wall": time.perf_counter() - t, "failed": len(out.failed), "n": len(out)}))
