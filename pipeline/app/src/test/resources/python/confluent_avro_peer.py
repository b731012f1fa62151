"""Confluent's own Python Avro serde (confluent_kafka.avro) as an independent peer for ConfluentWireCompatibilityIT.

Records cross the process boundary as JSON lines in a neutral form: payload in base64, timestamps in epoch
milliseconds, so the Java test states exactly what it expects. With --raw, records of any other schema (primitive
fields only) cross as they are. Commands:

  produce  read records from stdin, send them with AvroProducer (registers the schema as Python writes it)
  consume  read --count records with AvroConsumer from partition 0 of --topic, print them
  encode   print the hex of MessageSerializer's bytes for each record on stdin, with the schema registered
           under <topic>-value, or with --schema-id if given (the schema is then fetched by id)

Exit status: 0 on success, 2 on a Kafka or registry failure, 3 on timeout. Diagnostics go to stderr.
"""
import argparse
import base64
import binascii
import datetime
import json
import sys
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, TopicPartition
from confluent_kafka.avro import AvroConsumer, AvroProducer, CachedSchemaRegistryClient, MessageSerializer, load

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MILLI = datetime.timedelta(milliseconds=1)


def to_avro(record):
    return {
        "requestId": record["requestId"],
        "key": record["key"],
        "payload": base64.b64decode(record["payload"]),
        "createdAt": EPOCH + record["createdAt"] * MILLI,
        "deadline": None if record["deadline"] is None else EPOCH + record["deadline"] * MILLI,
        "attributes": dict(record["attributes"]),
    }


def from_avro(value):
    return {
        "requestId": value["requestId"],
        "key": value["key"],
        "payload": base64.b64encode(value["payload"]).decode("ascii"),
        "createdAt": (value["createdAt"] - EPOCH) // MILLI,
        "deadline": None if value["deadline"] is None else (value["deadline"] - EPOCH) // MILLI,
        "attributes": value["attributes"],
    }


def stdin_records():
    return [json.loads(line) for line in sys.stdin if line.strip()]


def produce(args):
    schema = load(args.schema_file)
    errors = []
    producer = AvroProducer({"bootstrap.servers": args.bootstrap, "schema.registry.url": args.registry},
                            default_value_schema=schema)
    records = stdin_records()
    for record in records:
        producer.produce(topic=args.topic, value=record if args.raw else to_avro(record),
                         on_delivery=lambda err, msg: errors.append(str(err)) if err else None)
    remaining = producer.flush(args.timeout)
    if remaining:
        print("%d record(s) not delivered within %s s" % (remaining, args.timeout), file=sys.stderr)
        return 3
    if errors:
        print("delivery failed: %s" % errors[0], file=sys.stderr)
        return 2
    print(json.dumps({"produced": len(records)}))
    return 0


def consume(args):
    consumer = AvroConsumer({"bootstrap.servers": args.bootstrap, "schema.registry.url": args.registry,
                             "group.id": "python-peer-" + str(uuid.uuid4()), "enable.auto.commit": False})
    consumer.assign([TopicPartition(args.topic, 0, OFFSET_BEGINNING)])
    deadline = time.monotonic() + args.timeout
    seen = 0
    try:
        while seen < args.count:
            if time.monotonic() > deadline:
                print("read %d of %d record(s) within %s s" % (seen, args.count, args.timeout), file=sys.stderr)
                return 3
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                print("consume failed: %s" % message.error(), file=sys.stderr)
                return 2
            value = message.value()
            print(json.dumps(value if args.raw else from_avro(value)), flush=True)
            seen += 1
    finally:
        consumer.close()
    return 0


def encode(args):
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    schema = load(args.schema_file) if args.schema_id is None else None
    for record in stdin_records():
        if schema is not None:
            data = serializer.encode_record_with_schema(args.topic, schema, to_avro(record))
        else:
            data = serializer.encode_record_with_schema_id(args.schema_id, to_avro(record))
        print(binascii.hexlify(data).decode("ascii"))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["produce", "consume", "encode"])
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--bootstrap")
    parser.add_argument("--schema-file")
    parser.add_argument("--schema-id", type=int)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--raw", action="store_true", help="records of another schema than WorkRequest, as they are")
    args = parser.parse_args()
    try:
        return {"produce": produce, "consume": consume, "encode": encode}[args.command](args)
    except Exception as e:  # one line for the Java test's failure message
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
