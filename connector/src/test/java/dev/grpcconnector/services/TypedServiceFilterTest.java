package dev.grpcconnector.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TypedServiceFilterTest {

    @Test
    void theServiceNameIsThePathsFirstSegment() {
        assertEquals("demo.v1.DemoService", TypedServiceFilter.serviceName("/demo.v1.DemoService/Add"));
        assertEquals("Plain", TypedServiceFilter.serviceName("/Plain/M"));
    }

    @Test
    void pathsThatAreNoGrpcMethodHaveNoServiceName() {
        for (String path : new String[] {null, "", "/", "/x", "/demo.v1.DemoService", "/demo.v1.DemoService/",
            "//Add", "/a/b/c", "demo.v1.DemoService/Add"}) {
            assertNull(TypedServiceFilter.serviceName(path), path);
        }
    }
}
