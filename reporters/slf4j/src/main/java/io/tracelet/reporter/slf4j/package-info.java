/** A span reporter that logs each finished span as one line of Zipkin JSON through SLF4J. */
package io.tracelet.reporter.slf4j;
