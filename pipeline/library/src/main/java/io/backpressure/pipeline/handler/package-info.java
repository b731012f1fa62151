/**
 * The downstream: the asynchronous {@link io.backpressure.pipeline.handler.RequestHandler} interface, its typed
 * {@link io.backpressure.pipeline.handler.Outcome}s, the one place failures are classified, and the built-in handlers.
 */
package io.backpressure.pipeline.handler;
