package io.backpressure.examples.payments;

import com.example.payments.Payment;
import com.example.payments.Receipt;
import io.backpressure.pipeline.embed.BackpressurePipeline;
import io.backpressure.pipeline.embed.EmbeddedPipeline;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.serde.AvroSerdes;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The payments team's own Avro schemas ({@code Payment} in, {@code Receipt} out, registered in a Confluent-compatible
 * registry) through the pipeline: every payment is booked in a ledger with a bounded number of bookings in flight,
 * retried through delay topics while the ledger fails, and dropped with the reason once it cannot be booked.
 */
public final class PaymentBooking {
    /** The ledger the payments are booked in: answers with the entry's id; fails the stage when it cannot book now. */
    @FunctionalInterface
    public interface Ledger {
        CompletionStage<String> book(Payment payment);
    }

    private PaymentBooking() {
    }

    /**
     * @param registry Confluent serde settings: {@code schema.registry.url} and, if needed, credentials
     * @param settings pipeline settings
     */
    public static EmbeddedPipeline addTo(Topology topology, Ledger ledger, Map<String, ?> registry, Map<String, String> settings,
                                         Clock clock) {
        return BackpressurePipeline.builder(Serdes.String(), AvroSerdes.specific(Payment.class, registry, false),
                        AvroSerdes.specific(Receipt.class, registry, false))
                .topics("payments", "receipts", "payments-dropped")
                .settings(settings)
                .requestIds((account, payment, headers) -> payment.getPaymentId())
                .handler(record -> ledger.book(record.value()).thenApply(entry ->
                        Outcome.success(new Receipt(record.value().getPaymentId(), entry, record.attempt()))))
                .clock(clock)
                .addTo(topology);
    }
}
