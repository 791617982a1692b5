package dev.grpcconnector.testservices;

import dev.grpcconnector.services.app.GrpcService;
import dev.grpcconnector.testservices.v1.Chunk;
import dev.grpcconnector.testservices.v1.CountRequest;
import dev.grpcconnector.testservices.v1.EchoReply;
import dev.grpcconnector.testservices.v1.EchoRequest;
import dev.grpcconnector.testservices.v1.EnvironmentReport;
import dev.grpcconnector.testservices.v1.FailRequest;
import dev.grpcconnector.testservices.v1.SumReply;
import dev.grpcconnector.testservices.v1.TestServiceGrpc;
import dev.grpcconnector.testservices.v1.WaitReport;
import dev.grpcconnector.testservices.v1.WaitRequest;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The test service: an ordinary application-scoped CDI bean implementing the generated
 * {@code AsyncService} (a CDI proxy cannot extend {@code ImplBase}, whose
 * {@code bindService()} is final), marked for the connector.
 */
@GrpcService(interceptors = EchoMetadataInterceptor.class)
@ApplicationScoped
public class TestServiceBean implements TestServiceGrpc.AsyncService {
    @Inject
    WaitLog waits;

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoReply> responses) {
        responses.onNext(EchoReply.newBuilder().setText(request.getText()).build());
        responses.onCompleted();
    }

    @Override
    public void fail(FailRequest request, StreamObserver<EchoReply> responses) {
        Metadata trailers = new Metadata();
        trailers.put(Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER), "detail of " + request.getCode());
        responses.onError(Status.fromCodeValue(request.getCode()).withDescription(request.getMessage())
                .asRuntimeException(trailers));
    }

    @Override
    public void count(CountRequest request, StreamObserver<Chunk> responses) {
        ServerCallStreamObserver<Chunk> call = (ServerCallStreamObserver<Chunk>) responses;
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger notReady = new AtomicInteger();
        byte[] data = new byte[request.getSize()];
        call.setOnReadyHandler(() -> {
            while (sent.get() < request.getCount()) {
                if (!call.isReady()) {
                    notReady.incrementAndGet();
                    return; // called again when the client has taken more
                }
                int index = sent.getAndIncrement();
                data[0] = (byte) index;
                call.onNext(Chunk.newBuilder().setIndex(index).setData(ByteString.copyFrom(data))
                        .setNotReadySoFar(notReady.get()).build());
            }
            if (sent.get() == request.getCount() && sent.getAndIncrement() == request.getCount()) {
                call.onCompleted();
            }
        });
    }

    @Override
    public StreamObserver<Chunk> sum(StreamObserver<SumReply> responses) {
        return new StreamObserver<>() {
            private int chunks;
            private long bytes;

            @Override
            public void onNext(Chunk chunk) {
                chunks++;
                bytes += chunk.getData().size();
                if (chunk.getPauseMillis() > 0) {
                    try {
                        Thread.sleep(chunk.getPauseMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away: nothing to answer
            }

            @Override
            public void onCompleted() {
                responses.onNext(SumReply.newBuilder().setChunks(chunks).setBytes(bytes).build());
                responses.onCompleted();
            }
        };
    }

    @Override
    public StreamObserver<EchoRequest> chat(StreamObserver<EchoReply> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(EchoRequest request) {
                responses.onNext(EchoReply.newBuilder().setText(request.getText()).build());
            }

            @Override
            public void onError(Throwable t) {
                // the client went away
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    @Override
    public void hang(WaitRequest request, StreamObserver<EchoReply> responses) {
        Context context = Context.current();
        boolean deadline = context.getDeadline() != null;
        waits.record(request.getTag(), WaitReport.newBuilder().setState("running").setHadDeadline(deadline).build());
        context.addListener(cancelled -> waits.record(request.getTag(), WaitReport.newBuilder().setState("cancelled")
                .setCause(String.valueOf(cancelled.cancellationCause())).setHadDeadline(deadline).build()), Runnable::run);
    }

    @Override
    public void hangOutcome(WaitRequest request, StreamObserver<WaitReport> responses) {
        responses.onNext(waits.report(request.getTag()));
        responses.onCompleted();
    }

    @Override
    public void environment(EchoRequest request, StreamObserver<EnvironmentReport> responses) {
        String module;
        try {
            module = String.valueOf(new InitialContext().lookup("java:module/ModuleName"));
        } catch (NamingException e) {
            module = "naming failed: " + e;
        }
        responses.onNext(EnvironmentReport.newBuilder()
                .setThreadName(Thread.currentThread().getName())
                .setApplicationClassLoader(Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()
                        || Thread.currentThread().getContextClassLoader() == TestServiceBean.class.getClassLoader())
                .setModuleName(module)
                .setInjected(waits.greeting())
                .build());
        responses.onCompleted();
    }
}
