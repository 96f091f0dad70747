package org.messageexport.adapter;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client built on first use and dropped by {@link #disconnect()} (the next use builds a new one): the one owner of
 * the lifecycle under the reconnecting transports and HTTP clients, so that building a function opens no connection
 * and a snapshot holds no socket. Thread-safe.
 *
 * @param <T> the client; closing it releases its pools and sockets
 */
public final class LazyClient<T extends AutoCloseable> {
    private static final Logger log = LoggerFactory.getLogger(LazyClient.class);

    private final Supplier<T> factory;
    private final Consumer<T> onBuild;
    private T client;
    private int builds;

    public LazyClient(Supplier<T> factory) {
        this(factory, c -> {});
    }

    /** @param onBuild told of each client built (e.g. to read its name) */
    public LazyClient(Supplier<T> factory, Consumer<T> onBuild) {
        this.factory = factory;
        this.onBuild = onBuild;
    }

    /** The client, built now if there is none. */
    public synchronized T get() {
        if (client == null) {
            client = factory.get();
            builds++;
            onBuild.accept(client);
        }
        return client;
    }

    /** True while a client exists. */
    public synchronized boolean connected() {
        return client != null;
    }

    /** How many clients were built so far (one per use after a {@link #disconnect()}). */
    public synchronized int builds() {
        return builds;
    }

    /** Closes the client and its connections; the next use builds a new one. */
    public synchronized void disconnect() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                // nothing left to do with a client that fails to close; the next use builds a new one
                log.debug("closing {} failed", client.getClass().getSimpleName(), e);
            }
            client = null;
        }
    }
}
