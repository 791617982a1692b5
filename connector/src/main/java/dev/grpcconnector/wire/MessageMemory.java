package dev.grpcconnector.wire;

/**
 * Where a codec accounts for the bytes it holds on behalf of one call (a request message
 * still arriving, a unary response being collected), so that the connector can bound
 * their sum across all calls of a listener. The codec asks before it allocates, so a
 * refusal costs no memory.
 */
public interface MessageMemory {
    /** Nothing is counted or refused: for codecs used outside a listener, and tests. */
    MessageMemory UNCOUNTED = new MessageMemory() {
        @Override
        public boolean tryHold(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }

        @Override
        public String refusal() {
            return "never refused";
        }
    };

    /**
     * Asks to hold {@code bytes} more.
     *
     * @return false when refused: then nothing more is held, and the codec must not allocate
     */
    boolean tryHold(long bytes);

    /** Gives back {@code bytes} held earlier. */
    void release(long bytes);

    /** Why {@link #tryHold} refused: the gRPC status message for the call. */
    String refusal();
}
