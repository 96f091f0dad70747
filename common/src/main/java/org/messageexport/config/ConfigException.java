package org.messageexport.config;

/** Invalid or missing configuration; the message is one line that names the key. */
public class ConfigException extends RuntimeException {
    private final String problem;

    public ConfigException(String message) {
        super(message);
        this.problem = message;
    }

    private ConfigException(String name, String problem) {
        super(name + " " + problem);
        this.problem = problem;
    }

    /**
     * A problem with one named setting: the message is {@code "<name> <problem>"}, and {@link #problem()} is the
     * problem alone, for callers that name the setting their own way (the CDK app names its context key).
     */
    public static ConfigException of(String name, String problem) {
        return new ConfigException(name, problem);
    }

    /** What is wrong, without the setting's name when it was built with {@link #of}; else the whole message. */
    public String problem() {
        return problem;
    }
}
