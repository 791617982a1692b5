package dev.grpcconnector.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the client address out of {@code X-Forwarded-For}, trusting only the entries
 * written by the configured number of proxies in front of the connector.
 *
 * <p>Each proxy appends the address it received the request from, so with {@code n}
 * trusted proxies (Envoy alone: 1) the client is the {@code n}-th entry from the right;
 * everything further left was written by the client or by proxies nobody vouches for.
 * With {@code n = 0}, or fewer entries than {@code n} (the request did not come through
 * all the proxies), the header is ignored and the TCP peer stays the client address.
 * This is the rule of Envoy's {@code xff_num_trusted_hops}.
 */
public final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * @param forwardedFor every {@code X-Forwarded-For} value in arrival order (a
     *     request may carry several headers, each a comma-separated list)
     * @return the client address, or {@code null} to keep the TCP peer
     */
    public static String fromForwardedFor(Iterable<String> forwardedFor, int trustedHops) {
        if (trustedHops <= 0) {
            return null;
        }
        List<String> entries = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String entry : header.split(",")) {
                String trimmed = entry.trim();
                if (!trimmed.isEmpty()) {
                    entries.add(trimmed);
                }
            }
        }
        if (entries.size() < trustedHops) {
            return null;
        }
        return entries.get(entries.size() - trustedHops);
    }
}
