/**
 * Consumer lag of the pipeline's group, per partition, in offsets and in time, computed from committed offsets
 * (not the client's fetch position, which runs ahead of commits while calls are in flight).
 */
package io.backpressure.pipeline.lag;
