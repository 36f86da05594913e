#!/usr/bin/env python3
"""Produces one message as a SCRAM user with confluent-kafka (an independent client).

The password comes from the environment variable PW, never from argv. Prints "exit=0" when the message was
delivered; otherwise writes the delivery error and any client errors (authentication, authorization) to
stderr and prints "exit=1".
"""
import argparse
import os
import sys

from confluent_kafka import Producer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--mechanism", default="SCRAM-SHA-512")
    parser.add_argument("--protocol", default="SASL_PLAINTEXT")
    parser.add_argument("--ca", help="PEM file of the CA to trust (SASL_SSL)")
    args = parser.parse_args()
    errors = []
    conf = {
        "bootstrap.servers": args.bootstrap,
        "security.protocol": args.protocol,
        "sasl.mechanisms": args.mechanism,
        "sasl.username": args.user,
        "sasl.password": os.environ["PW"],
        "message.timeout.ms": 8000,
        "error_cb": lambda e: errors.append(str(e)),
    }
    if args.ca:
        conf["ssl.ca.location"] = args.ca
    producer = Producer(conf)
    result = []
    producer.produce(args.topic, b"hello", on_delivery=lambda err, msg: result.append(err))
    producer.flush(10)
    err = result[0] if result else "not delivered"
    if err is None:
        print("exit=0")
        return
    sys.stderr.write("%s %s\n" % (err, " ".join(errors)))
    print("exit=1")


if __name__ == "__main__":
    main()
