package dev.grpcconnector.it;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny hand-made HTTP/2 client (h2c, prior knowledge) for what grpc-java will not send:
 * CR/LF/NUL in header values, broken gRPC framing, plain non-gRPC h2 requests.
 *
 * <p>It encodes header blocks itself (literal, never indexed, no Huffman), so any byte
 * goes out as given; it decodes the server's header blocks with grpc-netty-shaded's HPACK
 * decoder. One thread only.
 */
public final class RawH2Client implements Closeable {

    static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6, GOAWAY = 7,
            WINDOW_UPDATE = 8, CONTINUATION = 9;
    static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20;
    private static final int MAX_FRAME = 16384;
    private static final int OUR_WINDOW = 16 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, false, 1 << 20);
    private final Map<Integer, StreamResult> streams = new HashMap<>();
    private final int port;
    private int nextStreamId = 1;
    private long pendingTableSizeUpdate = -1;
    private String goaway;
    private final Map<Integer, Long> serverSettings = new HashMap<>();
    private boolean serverSettingsSeen;
    private boolean eof;
    private long connectionUnacked;
    // The peer's flow-control windows for what we send (RFC 9113 6.9): DATA sent by any method is taken off them.
    private long peerConnectionWindow = 65535;
    private long peerInitialStreamWindow = 65535;
    private final Map<Integer, Long> peerStreamWindows = new HashMap<>();
    /** False: the caller opens the server's window itself ({@link #windowUpdate}), as a slow or stalled reader does. */
    private final boolean autoWindowUpdate;

    private RawH2Client(int port) throws IOException {
        this(port, plain(port), OUR_WINDOW, true);
    }

    private static Socket plain(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    private RawH2Client(int port, Socket socket, int streamWindow, boolean autoWindowUpdate) throws IOException {
        this.autoWindowUpdate = autoWindowUpdate;
        this.port = port;
        this.socket = socket;
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
        // Buffered, so that each flush is one write, as real clients send. An unbuffered
        // version (every frame header and payload a separate write) saw 10-40 % of its h2c
        // connections closed by GlassFish right after the server SETTINGS, on the stock HTTP
        // listener as well; not narrowed down further (single split frames did not do it).
        out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // SETTINGS: ENABLE_PUSH=0, INITIAL_WINDOW_SIZE (16 MiB unless the reader is slow)
        byte[] settings = {0, 2, 0, 0, 0, 0, 0, 4, (byte) (streamWindow >>> 24), (byte) (streamWindow >>> 16),
                (byte) (streamWindow >>> 8), (byte) streamWindow};
        frame(SETTINGS, 0, 0, settings);
        if (autoWindowUpdate) {
            queueWindowUpdate(0, 256 * 1024 * 1024);
        }
        out.flush();
    }

    /**
     * A client that reads responses only as fast as it chooses: each stream's window is
     * {@code streamWindow} bytes and the connection's the RFC's 65,535, and it opens
     * neither by itself; {@link #windowUpdate} does. A reader that never calls it is a
     * zero-window reader once the first window is used up.
     */
    public static RawH2Client connectManualWindow(int port, int streamWindow) {
        try {
            return new RawH2Client(port, plain(port), streamWindow, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #connect}, over TLS: {@code tls} makes the socket (client certificate and trust), the
     * handshake offers ALPN {@code h2} only and must select it.
     */
    public static RawH2Client connectTls(int port, javax.net.ssl.SSLContext tls) {
        try {
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                socket.close();
                throw new IOException("ALPN selected '" + socket.getApplicationProtocol() + "', not h2");
            }
            return new RawH2Client(port, socket, OUR_WINDOW, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawH2Client connect(int port) {
        try {
            return new RawH2Client(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    public int newStreamId() {
        int id = nextStreamId;
        nextStreamId += 2;
        return id;
    }

    public String goaway() {
        return goaway;
    }

    // ----------------------------------------------------------------------- sending

    /** Headers for a gRPC call to HttpService/Handle, before the Envoy metadata. */
    public List<String[]> grpcHeaders(String fullMethod) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {":method", "POST"});
        h.add(new String[] {":scheme", socket instanceof javax.net.ssl.SSLSocket ? "https" : "http"});
        h.add(new String[] {":path", "/" + fullMethod});
        h.add(new String[] {":authority", "127.0.0.1:" + port});
        h.add(new String[] {"content-type", "application/grpc"});
        h.add(new String[] {"te", "trailers"});
        h.add(new String[] {EdgeSecret.HEADER, EdgeSecret.CURRENT});
        return h;
    }

    /** The headers Envoy sends for a browser's {@code method path}, to {@code fullMethod} of HttpService. */
    public List<String[]> envoyHeaders(String fullMethod, String method, String path) {
        List<String[]> h = grpcHeaders(fullMethod);
        h.add(new String[] {"x-envoy-original-method", method});
        h.add(new String[] {"x-envoy-original-path", path});
        h.add(new String[] {"x-forwarded-proto", "http"});
        h.add(new String[] {"x-forwarded-for", "127.0.0.1"});
        return h;
    }

    /** Sends one header block (HEADERS plus CONTINUATION frames as needed). */
    public void headers(int streamId, List<String[]> headers, boolean endStream) {
        queueHeaders(streamId, headers, endStream);
        flush();
    }

    /**
     * Queues one header block without sending it: the frames of several streams queued
     * one after the other leave in one write at {@link #send()}, as nghttp2 and Envoy batch
     * HEADERS frames.
     */
    public void queueHeaders(int streamId, List<String[]> headers, boolean endStream) {
        byte[] b = headerBlock(headers);
        int off = 0;
        boolean first = true;
        do {
            int n = Math.min(MAX_FRAME, b.length - off);
            boolean last = off + n == b.length;
            int flags = (last ? END_HEADERS : 0) | (first && endStream ? END_STREAM : 0);
            frame(first ? HEADERS : CONTINUATION, flags, streamId, java.util.Arrays.copyOfRange(b, off, off + n));
            off += n;
            first = false;
        } while (off < b.length);
    }

    /**
     * The HPACK encoding of {@code headers} (literals without indexing, no Huffman), for a
     * caller that frames the block itself.
     */
    public byte[] headerBlock(List<String[]> headers) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        if (pendingTableSizeUpdate >= 0) {
            writeInt(block, 0x20, 5, pendingTableSizeUpdate);
            pendingTableSizeUpdate = -1;
        }
        block.writeBytes(literalHeaderBlock(headers));
        return block.toByteArray();
    }

    /** {@code headers} as HPACK literals without indexing, no Huffman, no table size update. */
    public static byte[] literalHeaderBlock(List<String[]> headers) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (String[] h : headers) {
            block.write(0x00); // literal header field without indexing, new name
            writeString(block, h[0].getBytes(StandardCharsets.UTF_8));
            writeString(block, h[1].getBytes(StandardCharsets.UTF_8));
        }
        return block.toByteArray();
    }

    /** Sends bytes as DATA frames (at most 16 KiB each). Ignores the peer's flow control: keep it small. */
    public void data(int streamId, byte[] data, boolean endStream) {
        queueData(streamId, data, endStream);
        flush();
    }

    /**
     * Sends bytes as DATA frames within the server's flow-control windows, as a real client
     * does: when the windows are used up it reads (and keeps) what the server sends until a
     * {@code WINDOW_UPDATE} opens them again, at most {@code timeout} per wait.
     */
    public void dataWithinWindow(int streamId, byte[] data, boolean endStream, Duration timeout) {
        int off = 0;
        do {
            long window = Math.min(peerConnectionWindow, peerStreamWindows.getOrDefault(streamId, peerInitialStreamWindow));
            if (window <= 0 && data.length > 0) {
                flush();
                readOneFrame(timeout, "window for stream " + streamId);
                continue;
            }
            int n = (int) Math.min(Math.min(MAX_FRAME, data.length - off), window);
            boolean last = off + n == data.length;
            queueData(streamId, java.util.Arrays.copyOfRange(data, off, off + n), last && endStream);
            off += n;
        } while (off < data.length);
        flush();
    }

    private void readOneFrame(Duration timeout, String waitingFor) {
        if (eof) {
            throw new UncheckedIOException(new EOFException("connection closed while waiting for " + waitingFor));
        }
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            readFrame();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no " + waitingFor + " within " + timeout);
        } catch (IOException e) {
            eof = true;
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #data}, queued for {@link #send()}. */
    public void queueData(int streamId, byte[] data, boolean endStream) {
        int off = 0;
        do {
            int n = Math.min(MAX_FRAME, data.length - off);
            peerConnectionWindow -= n;
            peerStreamWindows.merge(streamId, peerInitialStreamWindow - n, (old, ignored) -> old - n);
            boolean last = off + n == data.length;
            frame(DATA, last && endStream ? END_STREAM : 0, streamId, java.util.Arrays.copyOfRange(data, off, off + n));
            off += n;
        } while (off < data.length);
    }

    /**
     * Sends as much of {@code data[offset, offset + length)} on the stream as the peer's
     * flow-control windows allow now, in DATA frames without END_STREAM, without waiting;
     * {@link #readFrameFor} takes in the window updates that let more go.
     *
     * @return the bytes sent (0 when a window is closed or the stream has ended)
     */
    public int sendWithinWindows(int streamId, byte[] data, int offset, int length) {
        StreamResult r = streams.get(streamId);
        if (r != null && (r.ended || r.rstCode != null)) {
            return 0;
        }
        long window = Math.min(peerConnectionWindow, peerStreamWindows.getOrDefault(streamId, peerInitialStreamWindow));
        int n = (int) Math.max(0, Math.min(window, length));
        if (n > 0) {
            queueData(streamId, java.util.Arrays.copyOfRange(data, offset, offset + n), false);
            flush();
        }
        return n;
    }

    /** Reads one frame, waiting at most {@code timeout}; false when none came or the connection ended. */
    public boolean readFrameFor(Duration timeout) {
        if (eof) {
            return false;
        }
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            readFrame();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            eof = true;
            return false;
        }
    }

    /** What is known of a stream so far, without waiting (a result with nothing in it for an unknown stream). */
    public StreamResult peek(int streamId) {
        return streams.computeIfAbsent(streamId, k -> new StreamResult());
    }

    /** Sends what was queued, in one write. */
    public void send() {
        flush();
    }

    /** As {@link #await}, and forgets the stream afterwards (for long runs on one connection). */
    public StreamResult take(int streamId, Duration timeout) {
        StreamResult r = await(streamId, timeout);
        streams.remove(streamId);
        return r;
    }

    /** A gRPC length-prefixed message. */
    public static byte[] grpcFrame(boolean compressed, byte[] message) {
        return grpcFrame(compressed, message.length, message);
    }

    /** A gRPC message prefix declaring {@code declaredLength}, followed by {@code payload} (may be shorter). */
    public static byte[] grpcFrame(boolean compressed, int declaredLength, byte[] payload) {
        byte[] f = new byte[5 + payload.length];
        f[0] = (byte) (compressed ? 1 : 0);
        f[1] = (byte) (declaredLength >>> 24);
        f[2] = (byte) (declaredLength >>> 16);
        f[3] = (byte) (declaredLength >>> 8);
        f[4] = (byte) declaredLength;
        System.arraycopy(payload, 0, f, 5, payload.length);
        return f;
    }

    public void frame(int type, int flags, int streamId, byte[] payload) {
        try {
            byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                    (byte) type, (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16),
                    (byte) (streamId >>> 8), (byte) streamId};
            out.write(head);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the server's window on the stream and on the connection by {@code increment} bytes, now. */
    public void windowUpdate(int streamId, int increment) {
        queueWindowUpdate(streamId, increment);
        queueWindowUpdate(0, increment);
        flush();
    }

    private void queueWindowUpdate(int streamId, int increment) {
        frame(WINDOW_UPDATE, 0, streamId, new byte[] {(byte) (increment >>> 24), (byte) (increment >>> 16),
                (byte) (increment >>> 8), (byte) increment});
    }

    private static void writeString(ByteArrayOutputStream b, byte[] s) {
        writeInt(b, 0x00, 7, s.length);
        b.writeBytes(s);
    }

    private static void writeInt(ByteArrayOutputStream b, int firstByteBits, int prefixBits, long value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            b.write(firstByteBits | (int) value);
            return;
        }
        b.write(firstByteBits | max);
        value -= max;
        while (value >= 128) {
            b.write((int) (value % 128 + 128));
            value /= 128;
        }
        b.write((int) value);
    }

    // --------------------------------------------------------------------- receiving

    /** What came back on one stream. */
    public static final class StreamResult {
        public final List<String[]> headers = new ArrayList<>();
        public final List<String[]> trailers = new ArrayList<>();
        public final ByteArrayOutputStream data = new ByteArrayOutputStream();
        public int headerBlocks;
        public int dataFrames;
        public Integer rstCode;
        public boolean ended;
        public String connectionError;
        /** END_STREAM came on the first header block, with no DATA: a trailers-only response. */
        public boolean trailersOnly;

        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equals(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** grpc-status from the trailers, or from the headers of a trailers-only response. */
        public String grpcStatus() {
            return find(trailersOnly ? headers : trailers, "grpc-status");
        }

        public String grpcMessage() {
            String m = find(trailersOnly ? headers : trailers, "grpc-message");
            return m == null ? null : java.net.URLDecoder.decode(m.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        private static String find(List<String[]> list, String name) {
            for (String[] h : list) {
                if (h[0].equals(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public byte[] bytes() {
            return data.toByteArray();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("StreamResult{headers=");
            headers.forEach(h -> b.append(h[0]).append('=').append(h[1]).append(' '));
            b.append(", trailers=");
            trailers.forEach(h -> b.append(h[0]).append('=').append(h[1]).append(' '));
            b.append(", data=").append(data.size()).append(" bytes, headerBlocks=").append(headerBlocks)
                    .append(", ended=").append(ended).append(", rst=").append(rstCode)
                    .append(", trailersOnly=").append(trailersOnly);
            if (connectionError != null) {
                b.append(", connectionError=").append(connectionError);
            }
            return b.append('}').toString();
        }
    }

    /** Reads frames until the stream ends (END_STREAM or RST_STREAM), the connection fails, or time runs out. */
    public StreamResult await(int streamId, Duration timeout) {
        return awaitUntil(streamId, r -> false, timeout);
    }

    /** Reads until the stream has at least {@code bytes} of DATA payload, or ends. */
    public StreamResult awaitData(int streamId, int bytes, Duration timeout) {
        return awaitUntil(streamId, r -> r.data.size() >= bytes, timeout);
    }

    /**
     * Waits for the server's SETTINGS frame and returns the value of one setting
     * (RFC 9113 §6.5.2: 1 HEADER_TABLE_SIZE, 3 MAX_CONCURRENT_STREAMS, 6 MAX_HEADER_LIST_SIZE),
     * or {@code -1} when the server did not send it.
     */
    public long serverSetting(int id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (!serverSettingsSeen) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0 || eof) {
                    throw new AssertionError("no SETTINGS from the server within " + timeout);
                }
                socket.setSoTimeout((int) left);
                readFrame();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return serverSettings.getOrDefault(id, -1L);
    }

    /** Resets a stream: RST_STREAM with the given error code (8 is CANCEL). */
    public void reset(int streamId, int errorCode) {
        queueReset(streamId, errorCode);
        flush();
    }

    private StreamResult awaitUntil(int streamId, java.util.function.Predicate<StreamResult> enough, Duration timeout) {
        StreamResult r = streams.computeIfAbsent(streamId, k -> new StreamResult());
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (!enough.test(r) && !r.ended && r.rstCode == null && r.connectionError == null) {
                if (eof || goaway != null && lastStreamOf(goaway) < streamId) {
                    r.connectionError = eof ? "connection closed " + (goaway == null ? "without GOAWAY" : "after GOAWAY " + goaway)
                            : "GOAWAY " + goaway;
                    break;
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    throw new AssertionError("no end of stream " + streamId + " within " + timeout + ": " + r);
                }
                socket.setSoTimeout((int) left);
                try {
                    readFrame();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no end of stream " + streamId + " within " + timeout + ": " + r);
                } catch (EOFException e) {
                    eof = true;
                } catch (IOException e) {
                    eof = true;
                    r.connectionError = e.toString();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    /**
     * Reads whatever the server sends, as {@link #await} does, until it has sent nothing for
     * {@code quiet} or the connection has ended.
     *
     * @return false once the connection has ended (closed by the server, or after an I/O error)
     */
    public boolean drain(Duration quiet) {
        try {
            while (!eof) {
                // Wait for the first byte of a frame without consuming it, so that a quiet
                // period never ends in the middle of a frame.
                socket.setSoTimeout((int) quiet.toMillis());
                in.mark(1);
                try {
                    if (in.read() < 0) {
                        eof = true;
                        break;
                    }
                } catch (SocketTimeoutException e) {
                    return true;
                }
                in.reset();
                socket.setSoTimeout(30_000);
                readFrame();
            }
        } catch (IOException e) {
            eof = true;
        }
        return false;
    }

    /** Whether the server has closed the connection (as far as this client has read). */
    public boolean isClosed() {
        return eof;
    }

    /** Queues RST_STREAM for {@link #send()}. */
    public void queueReset(int streamId, int errorCode) {
        frame(RST_STREAM, 0, streamId, new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16),
                (byte) (errorCode >>> 8), (byte) errorCode});
    }

    private static int lastStreamOf(String goaway) {
        return Integer.parseInt(goaway.substring(goaway.indexOf("last=") + 5, goaway.indexOf(',')));
    }

    private int headerStream;
    private int headerFlags;
    private ByteArrayOutputStream headerBlock;

    private void readFrame() throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        switch (type) {
            case DATA -> {
                StreamResult r = streams.computeIfAbsent(streamId, k -> new StreamResult());
                int off = 0, end = payload.length;
                if ((flags & PADDED) != 0) {
                    end -= payload[0] & 0xff;
                    off = 1;
                }
                r.data.write(payload, off, end - off);
                r.dataFrames++;
                if ((flags & END_STREAM) != 0) {
                    r.ended = true;
                }
                if (length > 0 && autoWindowUpdate) {
                    connectionUnacked += length;
                    if (connectionUnacked > 64 * 1024 * 1024) {
                        queueWindowUpdate(0, (int) connectionUnacked);
                        connectionUnacked = 0;
                    }
                    if ((flags & END_STREAM) == 0) {
                        queueWindowUpdate(streamId, length);
                    }
                    flush();
                }
            }
            case HEADERS -> {
                int off = 0, end = payload.length;
                if ((flags & PADDED) != 0) {
                    end -= payload[0] & 0xff;
                    off = 1;
                }
                if ((flags & PRIORITY) != 0) {
                    off += 5;
                }
                headerStream = streamId;
                headerFlags = flags;
                headerBlock = new ByteArrayOutputStream();
                headerBlock.write(payload, off, end - off);
                if ((flags & END_HEADERS) != 0) {
                    headerBlockDone();
                }
            }
            case CONTINUATION -> {
                headerBlock.write(payload, 0, payload.length);
                if ((flags & END_HEADERS) != 0) {
                    headerBlockDone();
                }
            }
            case RST_STREAM -> streams.computeIfAbsent(streamId, k -> new StreamResult()).rstCode =
                    ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
            case SETTINGS -> {
                if ((flags & ACK) == 0) {
                    serverSettingsSeen = true;
                    for (int i = 0; i + 6 <= payload.length; i += 6) {
                        int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
                        long value = ((long) (payload[i + 2] & 0xff) << 24) | ((payload[i + 3] & 0xff) << 16)
                                | ((payload[i + 4] & 0xff) << 8) | (payload[i + 5] & 0xff);
                        serverSettings.put(id, value);
                        if (id == 1 && value < 4096) {
                            pendingTableSizeUpdate = value; // we never index, but say so as RFC 7541 4.2 wants
                        }
                        if (id == 4) { // INITIAL_WINDOW_SIZE: every stream's window moves by the difference
                            long delta = value - peerInitialStreamWindow;
                            peerInitialStreamWindow = value;
                            peerStreamWindows.replaceAll((stream, window) -> window + delta);
                        }
                    }
                    frame(SETTINGS, ACK, 0, new byte[0]);
                    flush();
                }
            }
            case PING -> {
                if ((flags & ACK) == 0) {
                    frame(PING, ACK, 0, payload);
                    flush();
                }
            }
            case GOAWAY -> {
                int last = ((payload[0] & 0x7f) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                int code = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                goaway = "last=" + last + ", code=" + code + ", debug=" + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
            }
            case WINDOW_UPDATE -> {
                long increment = ((payload[0] & 0x7fL) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                        | (payload[3] & 0xff);
                if (streamId == 0) {
                    peerConnectionWindow += increment;
                } else {
                    peerStreamWindows.merge(streamId, peerInitialStreamWindow + increment, (old, ignored) -> old + increment);
                }
            }
            default -> {
                // PRIORITY, unknown: nothing to do
            }
        }
    }

    private void headerBlockDone() throws IOException {
        StreamResult r = streams.computeIfAbsent(headerStream, k -> new StreamResult());
        List<String[]> decoded = new ArrayList<>();
        ByteBuf buf = Unpooled.wrappedBuffer(headerBlock.toByteArray());
        try {
            Http2Headers h = decoder.decodeHeaders(headerStream, buf);
            h.forEach(e -> decoded.add(new String[] {e.getKey().toString().toLowerCase(Locale.ROOT), e.getValue().toString()}));
        } catch (Http2Exception e) {
            throw new IOException("HPACK decoding failed: " + e, e);
        } finally {
            buf.release();
        }
        boolean informational = false;
        for (String[] h : decoded) {
            if (h[0].equals(":status") && h[1].startsWith("1")) {
                informational = true;
            }
        }
        if (informational) {
            return;
        }
        r.headerBlocks++;
        if (r.headerBlocks == 1) {
            r.headers.addAll(decoded);
            if ((headerFlags & END_STREAM) != 0 && r.dataFrames == 0) {
                r.trailersOnly = true;
            }
        } else {
            r.trailers.addAll(decoded);
        }
        if ((headerFlags & END_STREAM) != 0) {
            r.ended = true;
        }
        headerBlock = null;
    }
}
