package com.rediacc.bridge.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the dispatch consumer polls: down once the bridge has left the group to stop. */
@Readiness
@ApplicationScoped
public class DispatchReadiness implements HealthCheck {
    @Inject
    DispatchConsumer dispatch;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("dispatch consumer").status(dispatch.polling()).build();
    }
}
