/**
 * App-wide pause: when the downstream is clearly unhealthy the instance stops consuming (Kafka Streams pause), probes
 * the downstream at jittered intervals, and resumes when a probe succeeds.
 */
package io.backpressure.pipeline.health;
