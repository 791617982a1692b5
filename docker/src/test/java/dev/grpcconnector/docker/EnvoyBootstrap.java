package dev.grpcconnector.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads an Envoy bootstrap YAML the way Envoy does, as far as Envoy's Java API protos
 * allow: YAML to JSON (Jackson), then protobuf's JSON parser into {@link Bootstrap}, with
 * a type registry holding every {@code typed_config} type the file may use. The parser
 * rejects unknown fields, unknown {@code @type}s, malformed durations, and enum values
 * not written exactly as declared (Envoy itself also accepts lower case: write enums in
 * UPPER CASE). What it does not check: protoc-gen-validate rules (required fields,
 * ranges) and cross-references, which the tests assert where they matter.
 */
public final class EnvoyBootstrap {
    /** The extension types envoy.yaml (and envoy/upstream-mtls.yaml spliced into it) may use; anything else fails the parse. */
    private static final List<Message> TYPED_CONFIG_TYPES = List.of(
            HttpConnectionManager.getDefaultInstance(),
            GrpcJsonTranscoder.getDefaultInstance(),
            Lua.getDefaultInstance(),
            CredentialInjector.getDefaultInstance(),
            Generic.getDefaultInstance(),
            Router.getDefaultInstance(),
            HealthCheck.getDefaultInstance(),
            StatefulSession.getDefaultInstance(),
            CookieBasedSessionState.getDefaultInstance(),
            StdoutAccessLog.getDefaultInstance(),
            HttpProtocolOptions.getDefaultInstance(),
            DownstreamConnectionsConfig.getDefaultInstance(),
            UpstreamTlsContext.getDefaultInstance());
    private static final Map<String, Message> BY_TYPE_URL = TYPED_CONFIG_TYPES.stream()
            .collect(Collectors.toMap(m -> "type.googleapis.com/" + m.getDescriptorForType().getFullName(),
                    Function.identity()));
    private static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder()
            .add(TYPED_CONFIG_TYPES.stream().map(Message::getDescriptorForType).toList())
            .build();

    private EnvoyBootstrap() {
    }

    /**
     * @throws InvalidProtocolBufferException for anything Envoy's API does not know
     */
    public static Bootstrap parse(String yaml) throws IOException {
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
        Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(REGISTRY).merge(json, bootstrap);
        return bootstrap.build();
    }

    /**
     * Every {@code Any} in {@code message}, at any depth (inside unpacked ones too),
     * unpacked into its generated class, in document order.
     *
     * @throws InvalidProtocolBufferException when one does not unpack
     * @throws IllegalArgumentException for a type outside the registry
     */
    public static List<Message> typedConfigs(Message message) throws InvalidProtocolBufferException {
        List<Message> found = new ArrayList<>();
        collect(message, found);
        return found;
    }

    /** The one unpacked typed_config of class {@code type} in {@code message}. */
    public static <T extends Message> T only(Message message, Class<T> type) throws InvalidProtocolBufferException {
        List<T> matches = typedConfigs(message).stream().filter(type::isInstance).map(type::cast).toList();
        if (matches.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + matches.size());
        }
        return matches.get(0);
    }

    private static void collect(Message message, List<Message> found) throws InvalidProtocolBufferException {
        if (message instanceof Any any) {
            Message type = BY_TYPE_URL.get(any.getTypeUrl());
            if (type == null) {
                throw new IllegalArgumentException("typed_config of unregistered type " + any.getTypeUrl());
            }
            Message unpacked = any.unpack(type.getClass());
            if (!unpacked.getUnknownFields().asMap().isEmpty()) {
                throw new InvalidProtocolBufferException("unknown fields in " + any.getTypeUrl());
            }
            found.add(unpacked);
            collect(unpacked, found);
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            Stream<?> values = field.getKey().isRepeated() ? ((List<?>) field.getValue()).stream() : Stream.of(field.getValue());
            for (Object value : values.toList()) {
                collect((Message) value, found);
            }
        }
    }
}
