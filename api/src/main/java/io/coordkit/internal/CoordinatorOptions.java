package io.coordkit.internal;

import io.coordkit.CircuitBreakerOptions;
import io.coordkit.Credentials;
import io.coordkit.RetryOptions;

import java.time.Duration;

/**
 * What a {@link io.coordkit.Coordinators.Builder} collected; null fields were not set in code (the URI or the
 * defaults decide). Internal: not part of the API.
 *
 * @param uri              the URI as given
 * @param sessionTtl       or null
 * @param operationTimeout or null
 * @param connectTimeout   or null
 * @param namespace        or null
 * @param credentials      or null
 * @param retry            never null
 * @param circuitBreaker   never null
 */
public record CoordinatorOptions(String uri, Duration sessionTtl, Duration operationTimeout,
                                 Duration connectTimeout, String namespace, Credentials credentials,
                                 RetryOptions retry, CircuitBreakerOptions circuitBreaker) {
}
