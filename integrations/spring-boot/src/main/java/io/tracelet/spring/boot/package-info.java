/**
 * Spring Boot auto-configuration of Tracelet behind Micrometer Tracing, for Boot 4.0 and 3.5:
 * {@link io.tracelet.spring.boot.TraceletAutoConfiguration}, Tracelet's own settings
 * ({@link io.tracelet.spring.boot.TraceletProperties}, prefix {@code tracelet}) and the hook for the rest
 * ({@link io.tracelet.spring.boot.TraceletTracingCustomizer}).
 */
package io.tracelet.spring.boot;
