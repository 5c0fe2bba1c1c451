package io.tracelet.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's {@code management.tracing.*} and Zipkin properties, read by name so that the same
 * code serves Boot 4.0 (whose names come first) and Boot 3.5 (the fallbacks), without Boot's
 * property classes, which moved between the two.
 */
final class BootTracingSettings {
  static final String DEFAULT_ZIPKIN_ENDPOINT = "http://localhost:9411/api/v2/spans";

  /** Boot's propagation types, as {@code management.tracing.propagation.*} names them. */
  enum PropagationType { W3C, B3, B3_MULTI }

  final boolean exportEnabled;
  final boolean zipkinExportEnabled;
  final float probability;
  final List<PropagationType> produce;
  final List<PropagationType> consume;
  final boolean baggageEnabled;
  final boolean correlationEnabled;
  final List<String> correlationFields;
  final List<String> remoteFields;
  final List<String> localFields;
  final List<String> tagFields;
  final String zipkinEndpoint;
  final String zipkinEncoding;
  final Duration zipkinConnectTimeout;
  final Duration zipkinReadTimeout;

  private BootTracingSettings(Binder binder) {
    this.exportEnabled = bool(binder, "management.tracing.export.enabled",
        bool(binder, "management.tracing.enabled", true));
    this.zipkinExportEnabled = bool(binder, "management.tracing.export.zipkin.enabled",
        bool(binder, "management.zipkin.tracing.export.enabled", exportEnabled));
    this.probability = binder.bind("management.tracing.sampling.probability", Float.class).orElse(0.1f);
    List<PropagationType> type = types(binder, "management.tracing.propagation.type", null);
    this.produce = type != null ? type
        : types(binder, "management.tracing.propagation.produce", List.of(PropagationType.W3C));
    this.consume = type != null ? type
        : types(binder, "management.tracing.propagation.consume", List.of(PropagationType.values()));
    this.baggageEnabled = bool(binder, "management.tracing.baggage.enabled", true);
    this.correlationEnabled = bool(binder, "management.tracing.baggage.correlation.enabled", true);
    this.correlationFields = strings(binder, "management.tracing.baggage.correlation.fields");
    this.remoteFields = strings(binder, "management.tracing.baggage.remote-fields");
    this.localFields = strings(binder, "management.tracing.baggage.local-fields");
    this.tagFields = strings(binder, "management.tracing.baggage.tag-fields");
    this.zipkinEndpoint = zipkin(binder, "endpoint", String.class, DEFAULT_ZIPKIN_ENDPOINT);
    this.zipkinEncoding = zipkin(binder, "encoding", String.class, "JSON").toUpperCase(Locale.ROOT);
    this.zipkinConnectTimeout = zipkin(binder, "connect-timeout", Duration.class, Duration.ofSeconds(1));
    this.zipkinReadTimeout = zipkin(binder, "read-timeout", Duration.class, Duration.ofSeconds(10));
  }

  static BootTracingSettings of(Environment environment) {
    return new BootTracingSettings(Binder.get(environment));
  }

  private static boolean bool(Binder binder, String name, boolean otherwise) {
    return binder.bind(name, Boolean.class).orElse(otherwise);
  }

  private static List<String> strings(Binder binder, String name) {
    return List.copyOf(binder.bind(name, Bindable.listOf(String.class)).orElse(List.of()));
  }

  private static List<PropagationType> types(Binder binder, String name, List<PropagationType> otherwise) {
    List<String> names = binder.bind(name, Bindable.listOf(String.class)).orElse(null);
    if (names == null) return otherwise;
    return names.stream()
        .map(n -> PropagationType.valueOf(n.trim().toUpperCase(Locale.ROOT).replace('-', '_')))
        .distinct()
        .collect(Collectors.toUnmodifiableList());
  }

  /** Boot 4's {@code management.tracing.export.zipkin.*}, else Boot 3.5's {@code management.zipkin.tracing.*}. */
  private static <T> T zipkin(Binder binder, String name, Class<T> type, T otherwise) {
    return binder.bind("management.tracing.export.zipkin." + name, type)
        .orElseGet(() -> binder.bind("management.zipkin.tracing." + name, type).orElse(otherwise));
  }
}
