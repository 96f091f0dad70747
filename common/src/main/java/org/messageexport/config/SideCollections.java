package org.messageexport.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.messageexport.domain.SideCollection;

/** Reads {@value EnvNames#SIDE_COLLECTIONS}: {@code name:index:joinField:sortField}, comma-separated; unset = the defaults. */
public final class SideCollections {
    private SideCollections() {}

    public static List<SideCollection> from(Env env) {
        return env.optional(EnvNames.SIDE_COLLECTIONS)
                .map(SideCollections::parse)
                .orElse(SideCollection.DEFAULTS);
    }

    static List<SideCollection> parse(String spec) {
        List<SideCollection> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String item : spec.split(",")) {
            String[] parts = item.trim().split(":", -1);
            if (parts.length != 4 || java.util.Arrays.stream(parts).anyMatch(p -> p.isBlank())) {
                throw new ConfigException(EnvNames.SIDE_COLLECTIONS
                        + " must be name:index:joinField:sortField[,...], got '" + item.trim() + "'");
            }
            String name = parts[0].trim();
            if (name.equals("message_id") || name.equals("message") || name.equals("export") || !names.add(name)) {
                throw new ConfigException(
                        EnvNames.SIDE_COLLECTIONS + " has a duplicate or reserved collection name '" + name + "'");
            }
            out.add(new SideCollection(name, parts[1].trim(), parts[2].trim(), parts[3].trim()));
        }
        return List.copyOf(out);
    }
}
