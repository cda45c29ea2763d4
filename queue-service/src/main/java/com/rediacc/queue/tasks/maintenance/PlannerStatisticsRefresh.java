package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.sql.PlannerStatistics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/** Analyzes the tables that about doubled since their last analysis (see {@link PlannerStatistics}); returns their names. */
@Singleton
public class PlannerStatisticsRefresh implements MaintenanceService<List<String>> {
    private static final Logger LOG = Logger.getLogger(PlannerStatisticsRefresh.class);

    @Inject
    PlannerStatistics statistics;

    @Override
    public Uni<List<String>> runOnce() {
        return statistics.analyzeGrown().invoke(analyzed -> {
            if (!analyzed.isEmpty()) {
                LOG.debugf("analyzed %s: they had about doubled since their last analysis", analyzed);
            }
        });
    }
}
