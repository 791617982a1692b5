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
 * This is the rule of Envoy's {@code xff_num_trusted_hops}. The chosen entry must be an IP
 * address literal (IPv4 dotted quad or IPv6, as Envoy writes them); anything else — a
 * name, {@code unknown}, markup — is not an address, and the TCP peer stays the client
 * address: {@code getRemoteAddr()} is never a string the client made up.
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
        String entry = entries.get(entries.size() - trustedHops);
        return isIpLiteral(entry) ? entry : null;
    }

    /**
     * An IPv4 dotted quad or an IPv6 address, checked without any name lookup. Written
     * here because the JDK's parser, {@code InetAddress.getByName}, resolves whatever is not
     * a literal through DNS (a request would wait for a lookup of a name the client chose),
     * and accepts legacy IPv4 forms such as {@code 127.1}; ClientAddressTest checks this
     * against it for the literal forms.
     */
    static boolean isIpLiteral(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 4291 §2.2 text forms: up to eight groups of 1-4 hex digits, at most one
     * {@code ::}, optionally ending in an IPv4 dotted quad.
     */
    private static boolean isIpv6(String s) {
        if (s.indexOf(':') < 0 || s.length() > 45) {
            return false;
        }
        String body = s;
        int groupsAvailable = 8;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') >= 0) {
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            body = s.substring(0, lastColon + 1) + "0";
            groupsAvailable = 7;
        }
        int doubleColon = body.indexOf("::");
        if (doubleColon >= 0 && body.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] halves = doubleColon >= 0 ? new String[] {body.substring(0, doubleColon), body.substring(doubleColon + 2)}
                : new String[] {body};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String group : half.split(":", -1)) {
                if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    return false;
                }
                groups++;
            }
        }
        return doubleColon >= 0 ? groups < groupsAvailable : groups == groupsAvailable;
    }
}
