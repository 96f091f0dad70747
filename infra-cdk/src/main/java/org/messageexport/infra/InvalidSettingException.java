package org.messageexport.infra;

/**
 * A context key that is missing or malformed, or an artifact that is not there. The message is one
 * line that names the key, so {@code cdk synth} can print it as it is.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    public InvalidSettingException(String message) {
        super(message);
    }
}
