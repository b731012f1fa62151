package io.backpressure.pipeline.topology.internal;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.RecordCollector;

/**
 * Forwards a finished call's records on the stream thread from wherever the processor happens to be: inside
 * {@code process()} (while another record is current), a punctuator, or the drain hook (where no node is current).
 * It sets the processor's node and the original record's context for the forward, as Kafka's own cache flush does,
 * and restores what was there, so the sink sees the request's own topic, partition and offset.
 */
public final class StreamThreadForwarder<K, V> {
    private final InternalProcessorContext<K, V> context;
    private final ProcessorNode<?, ?, ?, ?> node;

    @SuppressWarnings("unchecked")
    public StreamThreadForwarder(ProcessorContext<K, V> context) {
        if (!(context instanceof InternalProcessorContext)) {
            throw new IllegalStateException("the pipeline needs Kafka Streams' own ProcessorContext (Kafka 4.4.0), got "
                    + context.getClass().getName());
        }
        this.context = (InternalProcessorContext<K, V>) context;
        this.node = this.context.currentNode();
        if (node == null) {
            throw new IllegalStateException("StreamThreadForwarder must be created in Processor#init, where the node is current");
        }
    }

    /** The context of the record being processed now; kept with each call so its outcome is forwarded under it. */
    public ProcessorRecordContext currentRecordContext() {
        return context.recordContext();
    }

    /**
     * Blocks until every record this task's producer has sent so far is acknowledged (Kafka Streams' own pre-commit
     * flush). Used under at_least_once before deleting state whose outcome must be durable first; a failed send
     * surfaces here as the task's exception.
     */
    public void flushProducer() {
        if (!(context instanceof RecordCollector.Supplier supplier)) {
            throw new IllegalStateException("the pipeline needs Kafka Streams' own ProcessorContext to flush its producer, got "
                    + context.getClass().getName());
        }
        supplier.recordCollector().flush();
    }

    public void forward(Record<K, V> record, String childName, ProcessorRecordContext original) {
        ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
        ProcessorRecordContext previousRecord = context.recordContext();
        context.setCurrentNode(node);
        context.setRecordContext(original);
        try {
            context.forward(record, childName);
        } finally {
            context.setRecordContext(previousRecord);
            context.setCurrentNode(previousNode);
        }
    }
}
