package dev.grpcconnector.security;

import org.glassfish.grizzly.http.HttpRequestPacket;

/**
 * Decides whether a request on the connector's listener comes from the listener's own
 * edge, the only caller allowed to set what the application trusts ({@code X-Forwarded-*},
 * the original method and path). It is asked once per request, before anything of the
 * request reaches the application.
 *
 * <p>The listener is configured with a {@link SharedSecret} (the edge sends it in every
 * call), with mutual TLS ({@link ClientCertificateCheck}: the connection carries the edge's
 * client certificate), with both (then both are required) or, for local development only,
 * with no credential at all on a loopback address ({@link #insecureLoopback()}); which one is decided, fail-closed, when the listener is
 * built (docs/security.md). A listener whose configuration is unusable gets
 * {@link #refuseAll}: it answers every request, health checks included, with a refusal
 * instead of serving the application unprotected.
 */
public final class EdgeAuthentication {
    private final SharedSecret secret;
    private final ClientCertificateCheck certificates;
    private final boolean insecure;
    private final String misconfiguration;

    private EdgeAuthentication(SharedSecret secret, boolean insecure, String misconfiguration) {
        this(secret, null, insecure, misconfiguration);
    }

    private EdgeAuthentication(SharedSecret secret, ClientCertificateCheck certificates, boolean insecure,
            String misconfiguration) {
        this.secret = secret;
        this.certificates = certificates;
        this.insecure = insecure;
        this.misconfiguration = misconfiguration;
    }

    /**
     * Every request must arrive over a TLS connection whose client certificate passes
     * {@code certificates}, and, when {@code secret} is not {@code null}, carry the secret too.
     */
    public static EdgeAuthentication requireClientCertificate(ClientCertificateCheck certificates, SharedSecret secret) {
        if (certificates == null) {
            throw new IllegalArgumentException("no client certificate check");
        }
        return new EdgeAuthentication(secret, certificates, false, null);
    }

    /** Every request must carry one of {@code secret}'s accepted values in {@value SharedSecret#HEADER}. */
    public static EdgeAuthentication requireSecret(SharedSecret secret) {
        if (secret == null) {
            throw new IllegalArgumentException("no secret");
        }
        return new EdgeAuthentication(secret, false, null);
    }

    /** Every request is trusted: for a listener bound to a loopback address, in development only. */
    public static EdgeAuthentication insecureLoopback() {
        return new EdgeAuthentication(null, true, null);
    }

    /** Every request is refused, because the listener's configuration is unusable ({@code why}, logged at start). */
    public static EdgeAuthentication refuseAll(String why) {
        return new EdgeAuthentication(null, false, "the listener is not configured for the connector (" + why + ")");
    }

    /**
     * As {@link #refusal}, for {@code grpc.health.v1.Health/Check}, which needs no
     * secret: Envoy's health checker does not run the HTTP filters that add the
     * secret, and the answer (serving or not) tells a caller nothing else. A
     * misconfigured listener refuses it, so that Envoy sees it unhealthy. With mutual TLS
     * the client certificate is still checked: Envoy's health checker connects through the
     * cluster's transport socket, with the same certificate as every call.
     */
    public String healthCheckRefusal(HttpRequestPacket request) {
        removeCredential(request);
        if (misconfiguration != null || certificates == null) {
            return misconfiguration;
        }
        return certificates.refusal(request.getConnection());
    }

    /**
     * Checks {@code request} and removes the credential from its headers, whatever the
     * outcome, so the application never sees it.
     *
     * @return {@code null} when the request comes from the edge, else why not: a short,
     *     fixed text fit for a log line (it never contains the presented value)
     */
    public String refusal(HttpRequestPacket request) {
        String presented = null;
        int count = 0;
        for (String value : request.getHeaders().values(SharedSecret.HEADER)) {
            presented = value;
            count++;
        }
        removeCredential(request);
        if (certificates != null) {
            String refusal = certificates.refusal(request.getConnection());
            if (refusal != null || secret == null) {
                return refusal;
            }
        }
        if (secret == null) {
            return insecure ? null : misconfiguration;
        }
        if (count == 0) {
            return "no " + SharedSecret.HEADER + " metadata";
        }
        if (count > 1) {
            // The edge sends exactly one (Envoy's credential injector overwrites a client's).
            return "more than one " + SharedSecret.HEADER;
        }
        return secret.accepts(presented) ? null : "wrong " + SharedSecret.HEADER;
    }

    /** How callers are authenticated, for the start-up log line. */
    @Override
    public String toString() {
        if (certificates != null) {
            return "client certificate (mutual TLS, " + certificates + ")" + (secret == null ? ""
                    : " and shared secret in " + SharedSecret.HEADER + " (" + secret.acceptedCount() + " accepted)");
        }
        if (secret != null) {
            return "shared secret in " + SharedSecret.HEADER + " (" + secret.acceptedCount() + " accepted)";
        }
        return insecure ? "nothing (INSECURE development mode)" : "nothing: every request is refused";
    }

    private static void removeCredential(HttpRequestPacket request) {
        request.getHeaders().removeHeader(SharedSecret.HEADER);
    }
}
