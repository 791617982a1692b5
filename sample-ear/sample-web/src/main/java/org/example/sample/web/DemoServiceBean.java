package org.example.sample.web;

import dev.grpcconnector.proto.demo.v1.AddRequest;
import dev.grpcconnector.proto.demo.v1.AddResponse;
import dev.grpcconnector.proto.demo.v1.DemoServiceGrpc;
import dev.grpcconnector.services.app.GrpcService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.example.sample.service.AdditionService;

/**
 * The typed gRPC service {@code grpcconnector.demo.v1.DemoService}, served on the
 * connector's listener beside the web pages: native gRPC clients call it directly, HTTP
 * clients post JSON to {@code /api/v1/add} through Envoy's transcoder. Every addition is
 * recorded through the same EJB and database the web pages use ({@code additions.xhtml}
 * shows the count).
 */
@GrpcService
@ApplicationScoped
public class DemoServiceBean implements DemoServiceGrpc.AsyncService {

    @EJB
    AdditionService additions;

    @Override
    public void add(AddRequest request, StreamObserver<AddResponse> responses) {
        if (request.getA() == 0 && request.getB() == 0) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("a and b are both 0: nothing to add")
                    .asRuntimeException());
            return;
        }
        int sum;
        try {
            sum = Math.addExact(request.getA(), request.getB());
        } catch (ArithmeticException e) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("a + b = "
                    + ((long) request.getA() + request.getB()) + " does not fit in 32 bits").asRuntimeException());
            return;
        }
        long number = additions.record(request.getA(), request.getB(), sum);
        responses.onNext(AddResponse.newBuilder().setO(sum).setNumber(number).build());
        responses.onCompleted();
    }
}
