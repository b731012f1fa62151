/**
 * The machinery behind the simulations: an event loop in simulated time, the simulated row, clients and downstream,
 * per-second recording and a hand-written SVG line chart. Not an API: use the classes of {@code simulate}.
 */
package io.backpressure.pipeline.simulate.internal;
