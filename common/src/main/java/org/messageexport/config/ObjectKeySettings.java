package org.messageexport.config;

import org.messageexport.domain.ObjectKeyScheme;

/** Reads the object key layout ({@link EnvNames#KEY_PREFIX}, {@link EnvNames#KEY_HASH_PREFIX}): one reader for every function. */
public final class ObjectKeySettings {
    private ObjectKeySettings() {}

    public static ObjectKeyScheme from(Env env) {
        return new ObjectKeyScheme(
                env.string(EnvNames.KEY_PREFIX, ObjectKeyScheme.DEFAULT_PREFIX),
                env.integer(EnvNames.KEY_HASH_PREFIX, 0, 0, ObjectKeyScheme.MAX_HASH_CHARS));
    }
}
