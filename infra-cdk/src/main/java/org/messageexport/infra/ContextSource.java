package org.messageexport.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.messageexport.config.ConfigException;

/**
 * Typed access to the app's settings. A key is looked up in the CDK context ({@code cdk.json},
 * {@code cdk deploy -c key=value}) and then in the environment as {@code MESSAGE_EXPORT_<KEY>}
 * ({@code vpcId} → {@code MESSAGE_EXPORT_VPC_ID}). Context values may be JSON values from
 * {@code cdk.json} or strings from {@code -c}; both are accepted. Every failure names the key.
 */
public final class ContextSource {
    static final String ENV_PREFIX = "MESSAGE_EXPORT_";
    private static final Pattern CAMEL_HUMP = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

    private final Function<String, Object> context;
    private final Map<String, String> environment;

    public ContextSource(Function<String, Object> context, Map<String, String> environment) {
        this.context = context;
        this.environment = Map.copyOf(environment);
    }

    /** The environment variable that may carry {@code key} when the context does not. */
    public static String environmentName(String key) {
        return ENV_PREFIX + CAMEL_HUMP.matcher(key).replaceAll("_").toUpperCase(Locale.ROOT);
    }

    private Optional<Object> raw(String key) {
        Object value = context.apply(key);
        if (value == null) {
            value = environment.get(environmentName(key));
        }
        if (value instanceof String s && s.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(value);
    }

    public Optional<String> optionalString(String key) {
        return raw(key).map(value -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value.toString().strip();
            }
            throw invalid(key, "expected a single value, got " + describe(value));
        });
    }

    public String requiredString(String key, String meaning) {
        return optionalString(key)
                .orElseThrow(() -> new InvalidSettingException("Missing context key '" + key + "': " + meaning
                        + " (set it in cdk.json, with -c " + key + "=..., or as " + environmentName(key) + ")"));
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String matching(String key, String defaultValue, Pattern pattern, String expected) {
        Optional<String> value = optionalString(key);
        value.filter(v -> !pattern.matcher(v).matches()).ifPresent(v -> {
            throw invalid(key, "expected " + expected + ", got '" + v + "'");
        });
        return value.orElse(defaultValue);
    }

    /**
     * A value checked by one of common's parsers ({@code SettingFormat}, {@code TransportSecurity}), the same that the
     * functions apply to the environment variable it becomes: its failure names the context key.
     */
    public <T> Optional<T> optionalParsed(String key, BiFunction<String, String, T> parser) {
        return optionalString(key).map(value -> parsed(key, value, parser));
    }

    /** {@link #optionalParsed} for a value already read. */
    public static <T> T parsed(String key, String value, BiFunction<String, String, T> parser) {
        try {
            return parser.apply(key, value);
        } catch (ConfigException e) {
            throw invalid(key, e.problem());
        }
    }

    public Optional<String> optionalMatching(String key, Pattern pattern, String expected) {
        Optional<String> value = optionalString(key);
        value.filter(v -> !pattern.matcher(v).matches()).ifPresent(v -> {
            throw invalid(key, "expected " + expected + ", got '" + v + "'");
        });
        return value;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return optionalInteger(key, min, max).orElse(defaultValue);
    }

    public Optional<Integer> optionalInteger(String key, int min, int max) {
        return raw(key).map(value -> {
            int parsed;
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                parsed = n.intValue();
            } else if (value instanceof String s) {
                try {
                    parsed = Integer.parseInt(s.strip());
                } catch (NumberFormatException e) {
                    throw invalid(key, "expected a whole number, got '" + s + "'");
                }
            } else {
                throw invalid(key, "expected a whole number, got " + describe(value));
            }
            if (parsed < min || parsed > max) {
                throw invalid(key, "expected a number from " + min + " to " + max + ", got " + parsed);
            }
            return parsed;
        });
    }

    public boolean bool(String key, boolean defaultValue) {
        return raw(key).map(value -> {
                    if (value instanceof Boolean b) {
                        return b;
                    }
                    String s = value.toString().strip().toLowerCase(Locale.ROOT);
                    return switch (s) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw invalid(key, "expected true or false, got '" + value + "'");
                    };
                })
                .orElse(defaultValue);
    }

    /** A list: a JSON array in cdk.json, or a comma-separated string from -c or the environment. */
    public List<String> list(String key) {
        return raw(key).map(value -> {
                    List<String> items = new ArrayList<>();
                    if (value instanceof List<?> list) {
                        for (Object item : list) {
                            if (!(item instanceof String s) || s.isBlank()) {
                                throw invalid(key, "expected a list of non-empty strings, got " + describe(value));
                            }
                            items.add(s.strip());
                        }
                    } else if (value instanceof String s) {
                        for (String item : s.split(",")) {
                            if (!item.isBlank()) {
                                items.add(item.strip());
                            }
                        }
                    } else {
                        throw invalid(key, "expected a list or a comma-separated string, got " + describe(value));
                    }
                    return List.copyOf(items);
                })
                .orElse(List.of());
    }

    public List<String> requiredList(String key, String meaning, Pattern itemPattern, String expected) {
        List<String> items = list(key);
        if (items.isEmpty()) {
            requiredString(key, meaning); // throws the "missing" message
        }
        for (String item : items) {
            if (!itemPattern.matcher(item).matches()) {
                throw invalid(key, "expected " + expected + ", got '" + item + "'");
            }
        }
        return items;
    }

    public <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type) {
        return optionalString(key)
                .map(value -> {
                    try {
                        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw invalid(
                                key,
                                "expected one of " + java.util.Arrays.toString(type.getEnumConstants()) + ", got '"
                                        + value + "'");
                    }
                })
                .orElse(defaultValue);
    }

    static InvalidSettingException invalid(String key, String problem) {
        return new InvalidSettingException("Invalid context key '" + key + "': " + problem);
    }

    private static String describe(Object value) {
        return value instanceof String ? "'" + value + "'" : value.getClass().getSimpleName() + " " + value;
    }
}
