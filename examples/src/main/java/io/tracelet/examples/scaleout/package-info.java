/**
 * The scale-out pipeline, run and measured on one machine ({@code examples/scale-out.sh}): traced
 * services report through a partitioned Kafka topic, two Zipkin collectors in one consumer group
 * store into a Cassandra node, and a third Zipkin serves queries and the UI. Mid-run, collectors
 * are stopped gracefully (SIGTERM) or killed (SIGKILL) and started again; every span the services
 * sent must be queryable at the end, and the copies and losses each event caused are counted.
 */
package io.tracelet.examples.scaleout;
