package dev.grpcconnector.services.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TypedServiceRegistryTest {
    private static final CallHandler A = (method, headers, timeout, sink) -> null;
    private static final CallHandler B = (method, headers, timeout, sink) -> null;

    @Test
    void aRegisteredServiceIsFoundUntilItsRegistrationCloses() {
        try (TypedServiceRegistry.Registration r = TypedServiceRegistry.register("app-a", List.of("t1.One", "t1.Two"), A)) {
            assertSame(A, TypedServiceRegistry.handler("t1.One"));
            assertSame(A, TypedServiceRegistry.handler("t1.Two"));
            assertTrue(TypedServiceRegistry.serviceNames().containsAll(List.of("t1.One", "t1.Two")));
        }
        assertNull(TypedServiceRegistry.handler("t1.One"));
        assertNull(TypedServiceRegistry.handler("t1.Two"));
    }

    @Test
    void aSecondApplicationCannotTakeAServiceNameAndKeepsNothing() {
        try (TypedServiceRegistry.Registration r = TypedServiceRegistry.register("app-a", List.of("t2.Shared"), A)) {
            DuplicateServiceException e = assertThrows(DuplicateServiceException.class,
                    () -> TypedServiceRegistry.register("app-b", List.of("t2.Own", "t2.Shared"), B));
            assertEquals("gRPC service t2.Shared is already served by app-a; refusing to register it again for app-b "
                    + "(undeploy the other application first)", e.getMessage());
            assertNull(TypedServiceRegistry.handler("t2.Own"), "nothing of the refused registration is kept");
            assertSame(A, TypedServiceRegistry.handler("t2.Shared"));
        }
        try (TypedServiceRegistry.Registration r = TypedServiceRegistry.register("app-b", List.of("t2.Shared"), B)) {
            assertSame(B, TypedServiceRegistry.handler("t2.Shared"), "free again once the first application is gone");
        }
    }

    @Test
    void closingTwiceDoesNotRemoveALaterOwnersService() {
        TypedServiceRegistry.Registration first = TypedServiceRegistry.register("app-a", List.of("t3.S"), A);
        first.close();
        try (TypedServiceRegistry.Registration second = TypedServiceRegistry.register("app-b", List.of("t3.S"), B)) {
            first.close();
            assertSame(B, TypedServiceRegistry.handler("t3.S"));
        }
    }

    @Test
    void registerIfFreeTakesOnlyTheNamesNobodyHolds() {
        try (TypedServiceRegistry.Registration a = TypedServiceRegistry.register("app-a", List.of("t4.Reflection"), A);
                TypedServiceRegistry.Registration b = TypedServiceRegistry.registerIfFree("app-b",
                        List.of("t4.Reflection", "t4.Other"), B)) {
            assertEquals(Set.of("t4.Other"), b.serviceNames());
            assertSame(A, TypedServiceRegistry.handler("t4.Reflection"));
            assertSame(B, TypedServiceRegistry.handler("t4.Other"));
        }
        assertNull(TypedServiceRegistry.handler("t4.Other"));
    }
}
