package org.messageexport.config;

/** Invalid or missing configuration; the message is one line that names the key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
