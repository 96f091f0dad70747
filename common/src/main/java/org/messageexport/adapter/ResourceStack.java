package org.messageexport.adapter;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process or a command opened, closed last first: on close, or at once when a later part fails to start.
 * A part that fails to close is logged, and the others are still closed. Not thread-safe.
 */
public final class ResourceStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResourceStack.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    public <T extends AutoCloseable> T push(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable c = resources.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
