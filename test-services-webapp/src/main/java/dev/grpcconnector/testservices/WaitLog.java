package dev.grpcconnector.testservices;

import dev.grpcconnector.testservices.v1.WaitReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How each Wait call ended, by tag: an ordinary CDI bean injected into the service. */
@ApplicationScoped
public class WaitLog {
    private final Map<String, WaitReport> reports = new ConcurrentHashMap<>();

    public void record(String tag, WaitReport report) {
        reports.put(tag, report);
    }

    public WaitReport report(String tag) {
        return reports.getOrDefault(tag, WaitReport.newBuilder().setState("unknown").build());
    }

    public String greeting() {
        return "hello from " + getClass().getSimpleName();
    }
}
