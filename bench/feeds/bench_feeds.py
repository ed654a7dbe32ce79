"""Python reference for `solarb bench feeds`: the same accountNotification messages, parsed with orjson,
account data base64-decoded, and kept in a dict store with the same "older slot is dropped" rule.

Usage: bench_feeds.py MESSAGES_FILE ROUNDS  (one JSON message per line; the first line maps subscription ids
to addresses). Prints one JSON object: {"ns_per_message": ..., "messages": ..., "bytes": ...}.
"""
import base64
import sys
import time

import orjson


def main() -> None:
    path, rounds = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    subs = {int(k): v for k, v in orjson.loads(lines[0]).items()}
    messages = lines[1:]
    b64decode = base64.b64decode
    loads = orjson.loads
    best = None
    total_bytes = 0
    for _ in range(rounds):
        store = {}
        t0 = time.perf_counter_ns()
        for m in messages:
            params = loads(m)["params"]
            result = params["result"]
            slot = result["context"]["slot"]
            value = result["value"]
            address = subs[params["subscription"]]
            held = store.get(address)
            if held is not None and held[0] > slot:
                continue
            data = b64decode(value["data"][0])
            store[address] = (slot, value["lamports"], value["owner"], data)
        elapsed = time.perf_counter_ns() - t0
        best = elapsed if best is None else min(best, elapsed)
        total_bytes = sum(len(v[3]) for v in store.values())
    print(orjson.dumps({"ns_per_message": best / len(messages), "messages": len(messages), "bytes": total_bytes}).decode())


if __name__ == "__main__":
    main()
