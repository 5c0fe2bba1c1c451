/**
 * The scale-out pipeline, run and measured on one machine ({@code examples/scale-out.sh}): traced
 * services report through a partitioned Kafka topic, two Zipkin collectors in one consumer group
 * store into a Cassandra node, and a third Zipkin serves queries and the UI. One collector is
 * killed and restarted mid-run; every span the services sent must be queryable at the end.
 */
package io.tracelet.examples.scaleout;
