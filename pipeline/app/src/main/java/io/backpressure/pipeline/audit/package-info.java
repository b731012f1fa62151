/** Accounting for requests by id: reads the results and dropped topics back and finds missing and duplicate ids. */
package io.backpressure.pipeline.audit;
