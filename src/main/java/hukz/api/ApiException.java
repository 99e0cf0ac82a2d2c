package hukz.api;

/** A request that cannot be served, answered as {@code {"errors":[{code, message, source}]}}. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String source;

    public ApiException(int status, String message, String source) {
        super(message, null, false, false);
        this.status = status;
        this.source = source == null ? "" : source;
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "");
    }

    public static ApiException invalidId() {
        return new ApiException(400, "Invalid ID", "");
    }

    public static ApiException notFound() {
        return new ApiException(404, "Record not found", "");
    }

    public static ApiException invalidBody() {
        return new ApiException(422, "Invalid request body", "");
    }

    public static ApiException invalidField(String field, String message) {
        return new ApiException(422, message, field);
    }

    public static ApiException badParam(String param, String message) {
        return new ApiException(400, message, param);
    }

    public int status() {
        return status;
    }

    public String source() {
        return source;
    }
}
