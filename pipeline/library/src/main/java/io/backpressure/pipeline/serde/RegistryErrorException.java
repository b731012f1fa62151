package io.backpressure.pipeline.serde;

/**
 * The registry answered a request with an error. Carries the HTTP status and Confluent's {@code error_code}
 * (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema, 50001 store error...).
 */
public final class RegistryErrorException extends SerdeException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final int status;
    private final int errorCode;

    private RegistryErrorException(String message, int status, int errorCode) {
        super(Kind.REGISTRY_ERROR, message, null);
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * @param registry the registry's URL, never with credentials in it
     * @param request  method and path, such as {@code POST /subjects/t-value/versions}
     * @param errorCode Confluent's error code from the body, or -1 if the body had none
     */
    public static RegistryErrorException of(String registry, String request, int status, int errorCode, String registryMessage) {
        String code = errorCode < 0 ? "" : ", error_code " + errorCode;
        return new RegistryErrorException("schema registry " + registry + " answered " + request + " with HTTP " + status + code
                + ": " + oneLine(registryMessage) + hint(status, errorCode), status, errorCode);
    }

    public int status() {
        return status;
    }

    /** Confluent's {@code error_code}, or -1 if the registry sent none. */
    public int errorCode() {
        return errorCode;
    }

    /** Server-side failures and throttling pass; everything else is an answer about the request itself. */
    @Override
    public boolean retriable() {
        return status >= 500 || status == 429;
    }

    private static String hint(int status, int errorCode) {
        if (errorCode == SUBJECT_NOT_FOUND || (errorCode == SCHEMA_NOT_FOUND && status == 404)) {
            return " (register the schema first, or set auto.register.schemas=true)";
        }
        if (status == 404 && errorCode < 0) {
            return " (no such API path: check that schema.registry.url includes the API's base path, such as /apis/ccompat/v7)";
        }
        if (status == 401 || status == 403) {
            return " (check basic.auth.credentials.source and basic.auth.user.info)";
        }
        if (status == 409) {
            return " (the schema breaks the subject's compatibility level: give new fields defaults, or change the level)";
        }
        if (status == 422) {
            return " (the registry rejected the schema or request as invalid)";
        }
        return "";
    }

    private static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no message)";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }
}
