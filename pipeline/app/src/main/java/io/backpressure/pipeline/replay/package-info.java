/**
 * Replaying dropped requests to the input topic after an outage is fixed: filtered by reason and time, attempts reset,
 * exactly once per record thanks to a transactional copy that commits its read position with what it wrote.
 */
package io.backpressure.pipeline.replay;
