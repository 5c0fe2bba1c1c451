package io.tracelet.spring.boot;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.SpanCustomizer;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.SpanReporter;
import io.tracelet.SpanLimits;
import io.tracelet.Tracing;
import io.tracelet.micrometer.tracing.TraceletPropagator;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import io.tracelet.slf4j.MdcScopeDecorator;
import io.tracelet.testing.InMemoryReporter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration in small contexts, always beside Boot's Micrometer Tracing, no-op tracer and
 * Brave configurations (all on the class path of a Boot application that has both), with Zipkin export
 * off unless a test turns it on (there is no Zipkin at Boot's default endpoint here).
 */
class TraceletAutoConfigurationTest {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class, BraveAutoConfiguration.class,
          MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class))
      .withPropertyValues("management.tracing.export.zipkin.enabled=false", "tracelet.queue.max-batch-delay=0s");

  @Configuration(proxyBeanMethods = false)
  static class Reporting {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }
  }

  @Test void withBraveOnTheClassPath_tracesWithTracelet_andBootsHandlersUseIt() {
    runner.withUserConfiguration(Reporting.class)
        .withPropertyValues("spring.application.name=checkout", "management.tracing.sampling.probability=1.0")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Tracing.class).hasSingleBean(Tracer.class)
              .hasSingleBean(Propagator.class).hasSingleBean(SpanCustomizer.class);
          assertThat(context.getBean(Tracer.class)).isInstanceOf(TraceletTracer.class);
          assertThat(context.getBean(Propagator.class)).isInstanceOf(TraceletPropagator.class);
          assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("checkout");
          Tracer tracer = context.getBean(Tracer.class);
          assertThat(context.getBean(DefaultTracingObservationHandler.class).getTracer()).isSameAs(tracer);
          assertThat(context.getBean(PropagatingSenderTracingObservationHandler.class).getTracer()).isSameAs(tracer);
          assertThat(context.getBean(PropagatingReceiverTracingObservationHandler.class).getTracer())
              .isSameAs(tracer);

          ObservationRegistry registry = ObservationRegistry.create();
          registry.observationConfig().observationHandler(context.getBean(DefaultTracingObservationHandler.class));
          Observation.createNotStarted("charge", registry).lowCardinalityKeyValue("card", "visa").observe(() -> {
            context.getBean(SpanCustomizer.class).tag("customized", "yes");
          });
          assertThat(context.getBean(InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10))).singleElement()
              .satisfies(s -> assertThat(s).hasName("charge").hasTag("card", "visa").hasTag("customized", "yes")
                  .hasLocalServiceName("checkout"));
        });
  }

  @Test void disabled_leavesTracingToBrave() {
    runner.withPropertyValues("tracelet.enabled=false").run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(Tracing.class).doesNotHaveBean(TraceletTracer.class);
      assertThat(context.getBean(Tracer.class)).isInstanceOf(BraveTracer.class);
    });
  }

  @Test void samplingProbabilityZero_recordsNothing() {
    runner.withPropertyValues("management.tracing.sampling.probability=0")
        .run(context -> {
          for (int i = 0; i < 100; i++) assertThat(context.getBean(Tracer.class).nextSpan().isNoop()).isTrue();
        });
  }

  @Test void samplingProbabilityOne_recordsEverything() {
    runner.withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          for (int i = 0; i < 100; i++) assertThat(context.getBean(Tracer.class).nextSpan().isNoop()).isFalse();
        });
  }

  @Test void bootsDefaultProbability_isOneInTen() {
    runner.run(context -> {
      Tracer tracer = context.getBean(Tracer.class);
      int sampled = 0;
      for (int i = 0; i < 10_000; i++) {
        Span span = tracer.nextSpan();
        if (!span.isNoop()) sampled++;
        span.abandon();
      }
      assertThat(sampled).isBetween(800, 1200);
    });
  }

  @Test void closingTheContext_deliversQueuedSpans_thenClosesTracing() {
    Tracing[] tracing = new Tracing[1];
    InMemoryReporter[] reporter = new InMemoryReporter[1];
    runner.withUserConfiguration(Reporting.class)
        .withPropertyValues("management.tracing.sampling.probability=1", "tracelet.queue.max-batch-delay=1h")
        .run(context -> {
          tracing[0] = context.getBean(Tracing.class);
          reporter[0] = context.getBean(InMemoryReporter.class);
          context.getBean(Tracer.class).nextSpan().name("last words").start().end();
          assertThat(reporter[0].spans()).as("held for its batch, an hour").isEmpty();
        });
    assertThat(reporter[0].spans()).as("delivered by the close").singleElement()
        .satisfies(s -> assertThat(s).hasName("last words"));
    assertThat(reporter[0].isClosed()).isTrue();
    tracing[0].tracer().spanBuilder("after close").start().finish();
    assertThat(tracing[0].counters().spansDroppedAfterClose()).isEqualTo(1);
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTracing {
    @Bean Tracing myTracing() {
      return Tracing.newBuilder().serviceName("mine").sampler(Sampler.always()).build();
    }
  }

  @Test void backsOff_forTheApplicationsTracing_andBuildsTheBridgeOnIt() {
    runner.withUserConfiguration(OwnTracing.class).run(context -> {
      assertThat(context).hasSingleBean(Tracing.class).doesNotHaveBean(ZipkinReporter.class);
      assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("mine");
      assertThat(context.getBean(Tracer.class)).isInstanceOf(TraceletTracer.class);
      assertThat(context.getBean(Tracer.class).nextSpan().isNoop()).as("built on the application's Tracing")
          .isFalse();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTracer {
    @Bean Tracer myTracer() {
      return Tracer.NOOP;
    }
  }

  @Test void backsOff_forTheApplicationsTracer_entirely() {
    runner.withUserConfiguration(OwnTracer.class).run(context -> {
      assertThat(context).hasSingleBean(Tracer.class).doesNotHaveBean(Tracing.class)
          .doesNotHaveBean(TraceletTracer.class).doesNotHaveBean(TraceletPropagator.class);
      assertThat(context.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class Filtering {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }

    @Bean SpanFilter rename() {
      return span -> span.setName("filtered " + span.getName());
    }
  }

  @Test void spanFilterBeans_runBeforeTheReporter() {
    runner.withUserConfiguration(Filtering.class).withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          context.getBean(Tracer.class).nextSpan().name("op").start().end();
          assertThat(context.getBean(InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10))).singleElement()
              .satisfies(s -> assertThat(s).hasName("filtered op"));
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoReporters {
    @Bean InMemoryReporter first() {
      return new InMemoryReporter();
    }

    @Bean SpanReporter failing() {
      return batch -> {
        throw new IllegalStateException("backend down");
      };
    }

    @Bean InMemoryReporter second() {
      return new InMemoryReporter();
    }
  }

  @Test void everyReporterBean_getsEveryBatch_evenWhenOneFails() {
    runner.withUserConfiguration(TwoReporters.class).withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          context.getBean(Tracer.class).nextSpan().name("op").start().end();
          for (String name : List.of("first", "second")) {
            assertThat(context.getBean(name, InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10)))
                .singleElement().satisfies(s -> assertThat(s).hasName("op"));
          }
          assertThat(context.getBean(Tracing.class).flush(Duration.ofSeconds(10))).isTrue();
          assertThat(context.getBean(Tracing.class).counters().spansFailed()).as("the failure is counted").isEqualTo(1);
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizing {
    @Bean TraceletTracingCustomizer rename() {
      return builder -> builder.serviceName("customized");
    }
  }

  @Test void customizers_runLast() {
    runner.withUserConfiguration(Customizing.class).withPropertyValues("spring.application.name=checkout")
        .run(context -> assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("customized"));
  }

  /** The README's customizer, as it is written there. */
  @Configuration(proxyBeanMethods = false)
  static class ReadmeCustomizer {
    @Bean TraceletTracingCustomizer limits() {
      return builder -> builder.spanLimits(SpanLimits.newBuilder().maxTags(32).build());
    }
  }

  @Test void readme_customizerSetsSpanLimits() {
    runner.withUserConfiguration(ReadmeCustomizer.class, Reporting.class)
        .withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          Span span = context.getBean(Tracer.class).nextSpan().name("many tags").start();
          for (int i = 0; i < 40; i++) span.tag("tag" + i, "v");
          span.end();
          assertThat(context.getBean(InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10))).singleElement()
              .satisfies(s -> assertThat(s.tagCount()).isEqualTo(32));
        });
  }

  @Test void keepPolicyProperties_keepAFailedRequestThatSamplingDropped() {
    runner.withUserConfiguration(Reporting.class)
        .withPropertyValues("management.tracing.sampling.probability=0", "tracelet.keep.errors=true")
        .run(context -> {
          Tracer tracer = context.getBean(Tracer.class);
          tracer.nextSpan().name("fine").start().end();
          tracer.nextSpan().name("failed").start().error(new IllegalStateException("boom")).end();
          context.getBean(Tracing.class).flush();
          assertThat(context.getBean(InMemoryReporter.class).spans()).singleElement()
              .satisfies(s -> assertThat(s).hasName("failed").hasTag(KeepPolicy.TAG, KeepPolicy.ERROR));
        });
  }

  @Test void shortTraceIds_gives64BitTraceIds() {
    runner.run(context -> assertThat(context.getBean(Tracer.class).nextSpan().context().traceId()).hasSize(32));
    runner.withPropertyValues("tracelet.short-trace-ids=true")
        .run(context -> assertThat(context.getBean(Tracer.class).nextSpan().context().traceId()).hasSize(16));
  }

  @Test void queueProperties_reachTracing() {
    runner.withPropertyValues("tracelet.queue.capacity=1").run(context ->
        assertThat(context).getFailure().hasRootCauseInstanceOf(IllegalArgumentException.class)
            .rootCause().hasMessageContaining("queueCapacity"));
  }

  // Propagation, as management.tracing.propagation.* says

  static Map<String, String> inject(Tracer tracer, Propagator propagator, Map<String, String> baggage) {
    Span span = tracer.nextSpan().name("client").start();
    Map<String, String> carrier = new HashMap<>();
    try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
      BaggageInScope[] scopes = baggage.entrySet().stream()
          .map(e -> tracer.createBaggageInScope(e.getKey(), e.getValue())).toArray(BaggageInScope[]::new);
      propagator.inject(tracer.currentTraceContext().context(), carrier, Map::put);
      for (int i = scopes.length - 1; i >= 0; i--) scopes[i].close();
    } finally {
      span.end();
    }
    return carrier;
  }

  static Span extract(Propagator propagator, Map<String, String> carrier) {
    return propagator.extract(carrier, Map::get).start();
  }

  @Test void propagation_byDefault_producesW3C_andConsumesW3CAndB3() {
    runner.run(context -> {
      Tracer tracer = context.getBean(Tracer.class);
      Propagator propagator = context.getBean(Propagator.class);
      assertThat(inject(tracer, propagator, Map.of())).containsOnlyKeys("traceparent");

      Span fromB3 = extract(propagator, Map.of("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1"));
      assertThat(fromB3.context().traceId()).isEqualTo("463ac35c9f6413ad48485a3953bb6124");
      assertThat(fromB3.context().parentId()).isEqualTo("a2fb4a1d1a96d312");
      Span fromMulti = extract(propagator, Map.of("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124",
          "x-b3-spanid", "a2fb4a1d1a96d312", "x-b3-sampled", "1"));
      assertThat(fromMulti.context().parentId()).isEqualTo("a2fb4a1d1a96d312");
      Span fromW3c = extract(propagator,
          Map.of("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"));
      assertThat(fromW3c.context().parentId()).isEqualTo("a2fb4a1d1a96d312");
    });
  }

  @Test void propagation_typeB3_isB3SingleBothWays() {
    runner.withPropertyValues("management.tracing.propagation.type=b3").run(context -> {
      Tracer tracer = context.getBean(Tracer.class);
      Propagator propagator = context.getBean(Propagator.class);
      assertThat(inject(tracer, propagator, Map.of())).containsOnlyKeys("b3");
      Span fromW3c = extract(propagator,
          Map.of("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"));
      assertThat(fromW3c.context().traceId()).as("W3C is not consumed").isNotEqualTo("463ac35c9f6413ad48485a3953bb6124");
    });
  }

  @Test void propagation_produceB3MultiAndW3C() {
    runner.withPropertyValues("management.tracing.propagation.produce=b3_multi,w3c").run(context -> {
      assertThat(inject(context.getBean(Tracer.class), context.getBean(Propagator.class), Map.of()))
          .containsOnlyKeys("traceparent", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled");
    });
  }

  @Test void baggage_remoteFieldsTravelInTheirOwnHeaders_andLocalFieldsStayHome() {
    runner.withPropertyValues("management.tracing.sampling.probability=1",
            "management.tracing.baggage.remote-fields=country-code,user-id",
            "management.tracing.baggage.local-fields=secret")
        .run(context -> {
          Tracer tracer = context.getBean(Tracer.class);
          Propagator propagator = context.getBean(Propagator.class);
          Map<String, String> carrier = inject(tracer, propagator, Map.of("country-code", "FO", "secret", "x"));
          assertThat(carrier).containsEntry("country-code", "FO").containsEntry("baggage", "country-code=FO")
              .doesNotContainKey("user-id");
          assertThat(String.join(",", carrier.values())).doesNotContain("secret");

          Span server = extract(propagator, Map.of("traceparent",
              "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01", "user-id", "42"));
          assertThat(tracer.getBaggage(server.context(), "user-id").get(server.context())).isEqualTo("42");
          Span noTrace = extract(propagator, Map.of("user-id", "43"));
          assertThat(tracer.getBaggage(noTrace.context(), "user-id").get(noTrace.context())).isEqualTo("43");
        });
  }

  @Test void baggageDisabled_propagatesNone() {
    runner.withPropertyValues("management.tracing.baggage.enabled=false").run(context ->
        assertThat(inject(context.getBean(Tracer.class), context.getBean(Propagator.class), Map.of("a", "b")))
            .containsOnlyKeys("traceparent"));
  }

  @Test void exportDisabled_reportsAndPropagatesNothing() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class))
        .withPropertyValues("management.tracing.export.enabled=false")
        .run(context -> {
          assertThat(context).doesNotHaveBean(ZipkinReporter.class);
          assertThat(inject(context.getBean(Tracer.class), context.getBean(Propagator.class), Map.of())).isEmpty();
        });
  }

  @Test void zipkinExport_isOnByDefault_andBacksOffForTheApplicationsTracing() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class))
        .run(context -> assertThat(context).hasSingleBean(ZipkinReporter.class));
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class))
        .withPropertyValues("management.zipkin.tracing.export.enabled=false") // Boot 3.5's name
        .run(context -> assertThat(context).doesNotHaveBean(ZipkinReporter.class));
  }

  @Test void baggageTagFields_tagTheSpanTheyAreAddedTo() {
    runner.withUserConfiguration(Reporting.class).withPropertyValues("management.tracing.sampling.probability=1",
            "management.tracing.baggage.tag-fields=country-code")
        .run(context -> {
          Tracer tracer = context.getBean(Tracer.class);
          Span span = tracer.nextSpan().name("op").start();
          try (Tracer.SpanInScope ignored = tracer.withSpan(span);
               BaggageInScope a = tracer.createBaggageInScope("country-code", "FO");
               BaggageInScope b = tracer.createBaggageInScope("other", "x")) {
            assertThat(a.get()).isEqualTo("FO");
            assertThat(b.get()).isEqualTo("x");
          } finally {
            span.end();
          }
          assertThat(context.getBean(InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10))).singleElement()
              .satisfies(s -> assertThat(s).hasTag("country-code", "FO").hasNoTag("other"));
        });
  }

  // Log correlation

  @Test void logCorrelation_putsIdsAndCorrelationFieldsInTheMdc_andRestoresIt() {
    runner.withPropertyValues("management.tracing.sampling.probability=1",
            "management.tracing.baggage.correlation.fields=country-code")
        .run(context -> {
          assertThat(context).hasSingleBean(MdcScopeDecorator.class);
          Tracer tracer = context.getBean(Tracer.class);
          Span span = tracer.nextSpan().name("op").start();
          try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            assertThat(MDC.get("traceId")).isEqualTo(span.context().traceId());
            assertThat(MDC.get("spanId")).isEqualTo(span.context().spanId());
            try (BaggageInScope ignored2 = tracer.createBaggageInScope("country-code", "FO")) {
              assertThat(MDC.get("country-code")).isEqualTo("FO");
            }
            assertThat(MDC.get("country-code")).isNull();
          } finally {
            span.end();
          }
          assertThat(MDC.get("traceId")).isNull();
        });
  }

  @Test void logCorrelationDisabled_leavesTheMdcAlone() {
    runner.withPropertyValues("management.tracing.baggage.correlation.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(MdcScopeDecorator.class);
      Tracer tracer = context.getBean(Tracer.class);
      try (Tracer.SpanInScope ignored = tracer.withSpan(tracer.nextSpan().start())) {
        assertThat(MDC.get("traceId")).isNull();
      }
    });
  }

  // JDBC

  @Configuration(proxyBeanMethods = false)
  static class Database {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }

    @Bean DataSource dataSource() {
      JdbcDataSource dataSource = new JdbcDataSource();
      dataSource.setURL("jdbc:h2:mem:autoconfig");
      return dataSource;
    }
  }

  @Test void dataSourceBeans_areTraced() throws Exception {
    runner.withUserConfiguration(Database.class).withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          try (Connection connection = context.getBean(DataSource.class).getConnection();
               Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
          }
          List<FinishedSpan> spans = context.getBean(InMemoryReporter.class).awaitSpans(1, Duration.ofSeconds(10));
          assertThat(spans).singleElement().satisfies(s -> assertThat(s).hasTag("db.system", "h2"));
        });
    runner.withUserConfiguration(Database.class).withPropertyValues("tracelet.jdbc.enabled=false")
        .run(context -> assertThat(context.getBean(DataSource.class)).isInstanceOf(JdbcDataSource.class));
  }
}
