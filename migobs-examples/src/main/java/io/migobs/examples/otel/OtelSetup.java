package io.migobs.examples.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK the examples hand to {@code MigrationTelemetry.create(...)}: spans and metrics go
 * over OTLP/HTTP (protobuf) when {@value #ENDPOINT} is set (for example {@code http://localhost:4318}, a collector's
 * HTTP port), and to the logging exporter (java.util.logging, INFO) otherwise.
 *
 * <pre>{@code
 * try (OpenTelemetrySdk otel = OtelSetup.fromEnvironment()) {
 *     MigrationTelemetry telemetry = MigrationTelemetry.create(otel);
 *     try (MigrationRun run = MigrationRun.builder(plan).listener(telemetry.listener()).start()) { ... }
 * }   // close() flushes the last spans and metrics
 * }</pre>
 *
 * <p>Also read: {@value #SERVICE_NAME} (default {@code migobs-examples}) and {@value #METRIC_INTERVAL} in
 * milliseconds (default 10000). For every other {@code OTEL_*} setting use the SDK's autoconfigure module instead.
 * Never registers a global instance.
 */
public final class OtelSetup {
    /** The OTLP endpoint variable: base URL without the {@code /v1/traces} path. */
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    /** The service name variable. */
    public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
    /** The metric export interval variable, in milliseconds. */
    public static final String METRIC_INTERVAL = "OTEL_METRIC_EXPORT_INTERVAL";

    private static final AttributeKey<String> SERVICE_NAME_KEY = AttributeKey.stringKey("service.name");

    private OtelSetup() {
    }

    /**
     * The SDK configured from the process environment.
     *
     * @return the SDK; close it at exit to flush
     * @throws IllegalArgumentException if a variable is set to an invalid value
     */
    public static OpenTelemetrySdk fromEnvironment() {
        return create(System.getenv());
    }

    /**
     * The SDK configured from the given variables.
     *
     * @param env variables by name (only the three above are read)
     * @return the SDK; close it at exit to flush
     * @throws IllegalArgumentException if the endpoint is not an http(s) URL with a host, or the interval is not a
     *         positive number of milliseconds
     */
    public static OpenTelemetrySdk create(Map<String, String> env) {
        String endpoint = endpoint(env);
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(SERVICE_NAME_KEY, valueOr(env, SERVICE_NAME, "migobs-examples"))));
        Duration interval = interval(env);
        SdkTracerProviderBuilder traces = SdkTracerProvider.builder().setResource(resource);
        SdkMeterProviderBuilder metrics = SdkMeterProvider.builder().setResource(resource);
        if (endpoint != null) {
            traces.addSpanProcessor(BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build()).build());
            metrics.registerMetricReader(PeriodicMetricReader.builder(
                    OtlpHttpMetricExporter.builder().setEndpoint(endpoint + "/v1/metrics").build())
                    .setInterval(interval).build());
        } else {
            traces.addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()));
            metrics.registerMetricReader(PeriodicMetricReader.builder(LoggingMetricExporter.create())
                    .setInterval(interval).build());
        }
        return OpenTelemetrySdk.builder().setTracerProvider(traces.build()).setMeterProvider(metrics.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    /**
     * Where {@link #create(Map)} sends telemetry, for a start-up log line.
     *
     * @param env variables by name
     * @return {@code otlp <endpoint>} or {@code logging}
     * @throws IllegalArgumentException if the endpoint is invalid
     */
    public static String describe(Map<String, String> env) {
        String endpoint = endpoint(env);
        return endpoint == null ? "logging" : "otlp " + endpoint;
    }

    private static String endpoint(Map<String, String> env) {
        String value = valueOr(env, ENDPOINT, null);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENDPOINT + " '" + value + "' is not a URL", e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(ENDPOINT + " '" + value
                    + "' must be an http(s) URL with a host, such as http://localhost:4318");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static Duration interval(Map<String, String> env) {
        String value = valueOr(env, METRIC_INTERVAL, "10000");
        long millis;
        try {
            millis = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(METRIC_INTERVAL + " '" + value + "' is not a number of milliseconds",
                    e);
        }
        if (millis <= 0) {
            throw new IllegalArgumentException(METRIC_INTERVAL + " must be positive, was " + millis);
        }
        return Duration.ofMillis(millis);
    }

    private static String valueOr(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
