/** Line charts written as self-contained SVG by hand, for the simulations and benchmarks (no charting library, no service). */
package io.backpressure.pipeline.chart;
