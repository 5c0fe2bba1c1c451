package io.tracelet.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpTagsTest {
  @Test void statusTextIsTheDecimalCodeAndOneStringPerCommonCode() {
    assertThat(HttpTags.statusText(200)).isEqualTo("200").isSameAs(HttpTags.statusText(200));
    assertThat(HttpTags.statusText(100)).isEqualTo("100");
    assertThat(HttpTags.statusText(599)).isEqualTo("599").isSameAs(HttpTags.statusText(599));
    assertThat(HttpTags.statusText(600)).isEqualTo("600");
    assertThat(HttpTags.statusText(99)).isEqualTo("99");
    assertThat(HttpTags.statusText(Integer.MAX_VALUE)).isEqualTo("2147483647");
  }
}
