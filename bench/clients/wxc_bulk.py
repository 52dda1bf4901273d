"""The same bulk ECBN update through wxc_sdk's async client (asyncio.gather, its own
`concurrent_requests` limit and 429 handling), for bench.py.
Usage: python wxc_bulk.py <base-url> <ids-file> <concurrent_requests>; prints JSON."""
import asyncio
import json
import sys
import time

import wxc_sdk.as_rest
from wxc_sdk.as_api import AsWebexSimpleApi
from wxc_sdk.person_settings.ecbn import SelectedECBN

base, ids_file, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = open(ids_file).read().split()
wxc_sdk.as_rest.AsRestSession.BASE = base


async def main() -> int:
    async with AsWebexSimpleApi(tokens="sim-token", concurrent_requests=concurrency) as api:
        out = await asyncio.gather(*(api.person_settings.ecbn.configure(i, selected=SelectedECBN.location_ecbn)
                                     for i in ids), return_exceptions=True)
    return sum(isinstance(r, BaseException) for r in out)


t = time.perf_counter()
failed = asyncio.run(main())
print(json.dumps({"wall": time.perf_counter() - t, "failed": failed, "n": len(ids)}))
