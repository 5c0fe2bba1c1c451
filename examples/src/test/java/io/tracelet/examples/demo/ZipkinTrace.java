package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import zipkin2.Span;

/** A trace as Zipkin's API returned it, with the lookups and checks the demo's tests make; span names lowercased, as Zipkin stores them. */
record ZipkinTrace(List<Span> spans) {
  /** "service span-name" of every span. */
  Set<String> names() {
    return spans.stream().map(s -> s.localServiceName() + " " + s.name()).collect(Collectors.toSet());
  }

  /** The one span named {@code name} of {@code service}; fails the test unless there is exactly one. */
  Span span(String service, String name) {
    List<Span> found = spans.stream()
        .filter(s -> service.equals(s.localServiceName()) && name.equals(s.name())).toList();
    assertThat(found).as("spans named %s of %s in %s", name, service, spans).hasSize(1);
    return found.get(0);
  }

  /** One root, and every other span's parent in the trace. */
  void assertConnected() {
    assertThat(ZipkinTraces.isConnected(spans)).as("one tree: %s", spans).isTrue();
  }
}
