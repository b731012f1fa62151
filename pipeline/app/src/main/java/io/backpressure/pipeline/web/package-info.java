/**
 * The app's HTTP server on loopback: Prometheus metrics, liveness and readiness for orchestration, a JSON status and a
 * self-contained live status page (no assets from elsewhere, so it works offline).
 */
package io.backpressure.pipeline.web;
