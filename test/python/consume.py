#!/usr/bin/env python3
"""Consumes a topic in a consumer group with confluent-kafka (an independent client) and prints JSON.

Reads until at least --expect messages arrived and none came for --idle seconds (so duplicates would
show), or until --timeout. Commits offsets, closes, and prints one JSON object:
{"group": ..., "messages": [{"partition", "offset", "key", "value", "headers"}]} with key/value as
base64 (null stays null), so bytes compare exactly.
"""
import argparse
import base64
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--idle", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--config", help="a librdkafka key=value file, e.g. from kafkaform output client-config --format librdkafka")
    args = parser.parse_args()

    extra = {}
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    key, _, value = line.partition("=")
                    extra[key] = value
    consumer = Consumer({
        **extra,
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "client.id": "kafkaform-test-python",
    })
    consumer.subscribe([args.topic])
    messages = []
    deadline = time.monotonic() + args.timeout
    last = time.monotonic()
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.2)
            if msg is None:
                if len(messages) >= args.expect and time.monotonic() - last >= args.idle:
                    break
                continue
            if msg.error():
                raise KafkaException(msg.error())
            last = time.monotonic()
            messages.append({
                "partition": msg.partition(),
                "offset": msg.offset(),
                "key": b64(msg.key()),
                "value": b64(msg.value()),
                "headers": {k: b64(v) for k, v in (msg.headers() or [])},
            })
        if messages:
            consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    json.dump({"group": args.group, "messages": messages}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
