package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test void tenRequestsWithHttpAndKafkaReportingByDefault() {
    Demo.Options options = Demo.Options.parse("--zipkin", "http://127.0.0.1:9411/", "--kafka", "127.0.0.1:9092");

    assertThat(options.requests()).isEqualTo(10);
    assertThat(options.zipkinPid()).isNull();
    assertThat(options.sample()).isEqualTo(1.0);
    Reporting reporting = options.reporting();
    assertThat(reporting.keeps()).isFalse();
    assertThat(reporting.headSampled("463ac35c9f6413ad48485a3953bb6124")).isTrue();
    assertThat(reporting.zipkinUrl()).isEqualTo("http://127.0.0.1:9411");
    assertThat(reporting.describe(false)).isEqualTo("over HTTP to http://127.0.0.1:9411/api/v2/spans");
    assertThat(reporting.describe(true)).isEqualTo("through Kafka 127.0.0.1:9092 (topic zipkin)");
  }

  @Test void allHttpSendsEveryServiceOverHttp() {
    Demo.Options options = Demo.Options.parse("--requests", "3", "--zipkin", "http://127.0.0.1:9411",
        "--kafka", "127.0.0.1:9092", "--all-http", "--zipkin-pid", "42");

    assertThat(options.requests()).isEqualTo(3);
    assertThat(options.zipkinPid()).isEqualTo(42L);
    assertThat(options.reporting().describe(true)).isEqualTo("over HTTP to http://127.0.0.1:9411/api/v2/spans");
  }

  @Test void aSampleRateBelowOneKeepsWhatMatters() {
    Reporting none = Demo.Options.parse("--zipkin", "http://127.0.0.1:9411", "--kafka", "127.0.0.1:9092",
        "--sample", "0").reporting();
    assertThat(none.keeps()).isTrue();
    assertThat(none.headSampled("463ac35c9f6413ad48485a3953bb6124")).isFalse();
    assertThat(none.describeSampling()).isEqualTo("head sampling records no trace; the keep policy keeps the rest "
        + "where they failed, took longer than 1000 ms, or a service called kept them");

    Reporting half = Demo.Options.parse("--zipkin", "http://127.0.0.1:9411", "--kafka", "127.0.0.1:9092",
        "--sample", "0.5").reporting();
    assertThat(half.sampleRate()).isEqualTo(0.5);
    // The probability sampler's rule, from the low 64 bits of the trace ID: |low| < 0.5 * Long.MAX_VALUE.
    assertThat(half.headSampled("ffffffffffffffff0000000000000001")).isTrue();
    assertThat(half.headSampled("00000000000000007000000000000000")).isFalse();
    assertThat(half.headSampled("0000000000000001")).isTrue(); // a 64-bit trace ID
  }

  @Test void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> Demo.Options.parse("--kafka", "127.0.0.1:9092"))
        .hasMessage("--zipkin URL is required");
    assertThatThrownBy(() -> Demo.Options.parse("--zipkin", "http://127.0.0.1:9411"))
        .hasMessage("--kafka HOST:PORT is required (orders and shipping use it)");
    assertThatThrownBy(() -> Demo.Options.parse("--requests", "0"))
        .hasMessage("--requests must be a positive whole number: 0");
    assertThatThrownBy(() -> Demo.Options.parse("--requests"))
        .hasMessage("--requests needs a value");
    for (String bad : new String[] {"-0.1", "1.5", "NaN", "half"}) {
      assertThatThrownBy(() -> Demo.Options.parse("--sample", bad))
          .hasMessage("--sample must be a number from 0 to 1: " + bad);
    }
    assertThatThrownBy(() -> Demo.Options.parse("--verbose"))
        .hasMessage("unknown argument: --verbose");
  }
}
