package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.outcome.DropReason;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/** A record ready to forward to one of the processor's children, under the context of the request it answers. */
record Routed(String child, Record<byte[], byte[]> record, ProcessorRecordContext origin, DropReason dropReason) {
}
