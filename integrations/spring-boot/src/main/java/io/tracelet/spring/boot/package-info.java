/**
 * Spring Boot 4 auto-configuration of Tracelet behind Micrometer Tracing:
 * {@link io.tracelet.spring.boot.TraceletAutoConfiguration}.
 */
package io.tracelet.spring.boot;
