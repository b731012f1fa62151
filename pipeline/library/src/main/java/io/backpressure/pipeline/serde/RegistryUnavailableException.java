package io.backpressure.pipeline.serde;

/** No configured registry URL could be reached. Retriable: the same value will decode once the registry is back. */
public final class RegistryUnavailableException extends SerdeException {
    public RegistryUnavailableException(String urls, Throwable cause) {
        super(Kind.REGISTRY_UNAVAILABLE, "schema registry unreachable at " + urls + ": " + unreachable(cause)
                + " (check schema.registry.url and that the registry is running)", cause);
    }

    @Override
    public boolean retriable() {
        return true;
    }

    /** The outer type says what failed (ConnectException); the JDK HTTP client may keep the message a level down. */
    private static String unreachable(Throwable failure) {
        if (failure == null) {
            return "no response";
        }
        Throwable t = failure;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return failure.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage().replace('\n', ' '));
    }
}
