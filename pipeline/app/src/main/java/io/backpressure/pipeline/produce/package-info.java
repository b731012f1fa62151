/** Producing work requests to the input topic: what operators and the demo use to put load on the pipeline. */
package io.backpressure.pipeline.produce;
