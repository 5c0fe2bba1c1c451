package io.tracelet.okhttp;

/** {@link TracingCallFactory} on OkHttp 5 passes the shared client suite. */
class TracingCallFactorySuiteTest extends OkHttpSuite {
}
